/* Password files.  Editors add a BOM or a trailing newline or space that
 * nobody sees; kept, they would become part of the zip's password and the
 * bundle would open only with them.  So they are stripped, and the clerk is
 * told.  The file is opened like every other input (lib/core/os.h): a FIFO
 * never blocks the run. */
#include "secret.h"
#include "core/base.h"
#include "core/findings.h"
#include "core/messages.h"

#include "error.h"
#include "os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gpi_password_wipe(char *password)
{
    if (!password)
        return;
    volatile char *p = password;
    while (*p)
        *p++ = '\0';
    free(password);
}

char *gpi_password_file_read(const char *path, gp_report *report, gp_error *err)
{
    gpi_os_stat st;
    int fd = gpi_os_open_read(path, true, &st);
    if (fd < 0) {
        gpi_error_open_input(err, "密码文件", path, errno, &st);
        return NULL;
    }
    char buf[GPI_PASSWORD_FILE_MAX + 1];
    size_t n = 0;
    long got;
    while (n < GPI_PASSWORD_FILE_MAX && (got = gpi_os_read(fd, buf + n, GPI_PASSWORD_FILE_MAX - n)) > 0)
        n += (size_t)got;
    int e = errno;
    gpi_os_close(fd);
    if (n == 0 && got < 0) {
        gpi_error_set(err, GP_ERR_OPEN, e, "读取密码文件 '%s' 出错：%s", path, gpi_errno_text(e));
        return NULL;
    }
    buf[n] = '\0';
    gpi_where w = {.file = path};
    if ((st.mode & 077) != 0) {
        char actual[16];
        snprintf(actual, sizeof actual, "%04o", st.mode & 07777);
        gpi_report_add(report, GP_INPUT_PASSWORD_READABLE, &w, actual, "0600",
                      "密码文件 '%s' 的权限是 %s，同组或其他用户也能读到密码", path, actual);
    }
    char *line = buf;
    bool bom = n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3);
    if (bom)
        line += 3;
    size_t len = strcspn(line, "\r\n");
    bool crlf = line[len] == '\r';
    size_t kept = len;
    while (kept > 0 && (line[kept - 1] == ' ' || line[kept - 1] == '\t'))
        kept--;
    /* a plain LF ending the line is what every editor writes: not worth a
     * word; a BOM, a CR or spaces the clerk cannot see are */
    bool stripped = bom || crlf || kept != len;
    line[kept] = '\0';
    if (!line[0]) {
        memset(buf, 0, sizeof buf);
        gpi_error_set(err, GP_ERR_USAGE, 0, "密码文件 '%s' 的第一行是空的", path);
        return NULL;
    }
    if (stripped) {
        char actual[64];
        snprintf(actual, sizeof actual, "%s%s%s", bom ? "BOM " : "", kept != len ? "行尾空格 " : "",
                 crlf ? "CR" : "");
        gpi_report_add(report, GP_INPUT_PASSWORD_TRIMMED, &w, actual, NULL,
                      "密码文件 '%s' 开头的 BOM 或行尾的空白已去掉，密码只取第一行可见的字符", path);
    }
    char *password = strdup(line);
    memset(buf, 0, sizeof buf);
    if (!password)
        gpi_error_nomem(err);
    return password;
}
