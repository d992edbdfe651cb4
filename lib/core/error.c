/* Operational errors: the first failure is recorded where it is detected
 * and never overwritten on the way up (the libvips rule). */
#include "error.h"
#include "core/base.h"
#include "core/messages.h"
#include "escape.h"
#include "os.h"

#include <errno.h>
#include <string.h>

void gp_error_clear(gp_error *err)
{
    if (!err)
        return;
    err->status = GP_OK;
    err->sys_errno = 0;
    err->message[0] = '\0';
}

bool gpi_error_set(gp_error *err, gp_status status, int sys_errno, const char *fmt, ...)
{
    if (!err || err->status != GP_OK)
        return false;
    err->status = status;
    err->sys_errno = sys_errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* messages name paths from inboxes and bundles: printed to a terminal,
     * an ESC in a file name must not act */
    size_t len = strlen(err->message);
    if (gpi_needs_escape(err->message, len)) {
        gpi_buf safe = {0};
        gpi_escape_terminal(&safe, err->message, len);
        if (safe.data && !safe.failed) {
            size_t n = safe.len < sizeof err->message - 1 ? safe.len : sizeof err->message - 1;
            while (n > 0 && !gpi_utf8_valid(safe.data, n))
                n--; /* never cut a character in half */
            memcpy(err->message, safe.data, n);
            err->message[n] = '\0';
        }
        gpi_buf_free(&safe);
    }
    return false;
}

bool gpi_error_nomem(gp_error *err)
{
    return gpi_error_set(err, GP_ERR_NOMEM, 0, "内存不足 (out of memory)");
}

const char *gp_status_name(gp_status status)
{
    switch (status) {
    case GP_OK: return "ok";
    case GP_ERR_USAGE: return "usage";
    case GP_ERR_OPEN: return "open";
    case GP_ERR_WRITE: return "write";
    case GP_ERR_EXISTS: return "exists";
    case GP_ERR_LOCKED: return "locked";
    case GP_ERR_NOMEM: return "nomem";
    case GP_ERR_INTERNAL: return "internal";
    }
    return "unknown";
}

bool gpi_error_propagate(gp_error *into, const gp_error *from)
{
    if (into && into->status == GP_OK && from && from->status != GP_OK)
        *into = *from;
    return false;
}

bool gpi_error_open_input(gp_error *err, const char *what, const char *path, int sys_errno,
                         const gpi_os_stat *st)
{
    if (sys_errno == GPI_OS_ENOTREG && st)
        return gpi_error_set(err, GP_ERR_OPEN, sys_errno,
                            "%s '%s' 不是普通文件（是%s），没有读取", what, path,
                            gpi_os_type_name(st->type));
    if (sys_errno == ELOOP)
        return gpi_error_set(err, GP_ERR_OPEN, sys_errno, "%s '%s' 是符号链接，没有读取", what,
                            path);
    return gpi_error_set(err, GP_ERR_OPEN, sys_errno, "无法打开%s '%s'：%s", what, path,
                        gpi_errno_text(sys_errno));
}
