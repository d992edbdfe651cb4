/* File helpers: bounded whole-file reads, SHA-256 (OpenSSL), paths. */
#include "error.h"
#include "core/base.h"
#include "core/files.h"
#include "core/messages.h"
#include "files.h"
#include "os.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every input is opened through gpi_os_open_read: never blocking (a FIFO or
 * a device is refused before any read), a regular file only. */
static bool open_input(const char *path, int *fd, gpi_os_stat *st, gp_error *err)
{
    *fd = gpi_os_open_read(path, true, st);
    if (*fd >= 0)
        return true;
    return gpi_error_open_input(err, "文件", path, errno, st);
}

static bool read_fd(int fd, const gpi_os_stat *st, const char *path, size_t max,
                    unsigned char **data, size_t *len, gp_error *err);

bool gpi_read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                  gp_error *err)
{
    *data = NULL;
    *len = 0;
    int fd;
    gpi_os_stat st;
    if (!open_input(path, &fd, &st, err))
        return false;
    return read_fd(fd, &st, path, max, data, len, err);
}

bool gpi_read_input(const char *what, const char *path, size_t max, unsigned char **data,
                   size_t *len, gp_error *err)
{
    *data = NULL;
    *len = 0;
    gpi_os_stat st;
    int fd = gpi_os_open_read(path, true, &st);
    if (fd < 0)
        return gpi_error_open_input(err, what, path, errno, &st);
    return read_fd(fd, &st, path, max, data, len, err);
}

bool gpi_read_file_at(int dir_fd, const char *name, bool follow_last, const char *shown,
                     size_t max, unsigned char **data, size_t *len, gp_error *err)
{
    *data = NULL;
    *len = 0;
    if (dir_fd < 0)
        return gpi_read_file(shown, max, data, len, err);
    gpi_os_stat st;
    int fd = gpi_os_open_read_at_ex(dir_fd, name, follow_last, &st);
    if (fd < 0)
        return gpi_error_open_input(err, "文件", shown, errno, &st);
    return read_fd(fd, &st, shown, max, data, len, err);
}

/* Read the open fd to its end (closing it), bounded by max. */
static bool read_fd(int fd, const gpi_os_stat *stp, const char *path, size_t max,
                    unsigned char **data, size_t *len, gp_error *err)
{
    gpi_os_stat st = *stp;
    size_t cap = st.size > 0 && st.size < max ? (size_t)st.size + 1 : 4096;
    unsigned char *buf = malloc(cap + 1);
    if (!buf) {
        gpi_os_close(fd);
        return gpi_error_nomem(err);
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(buf);
                gpi_os_close(fd);
                return gpi_error_set(err, GP_ERR_OPEN, 0,
                                    "文件 '%s' 太大（上限 %zu 字节）", path, max);
            }
            size_t grown_cap = cap * 2;
            unsigned char *grown = realloc(buf, grown_cap + 1);
            if (!grown) {
                free(buf);
                gpi_os_close(fd);
                return gpi_error_nomem(err);
            }
            buf = grown;
            cap = grown_cap;
        }
        long got = gpi_os_read(fd, buf + n, cap - n);
        if (got < 0) {
            int e = errno;
            free(buf);
            gpi_os_close(fd);
            return gpi_error_set(err, GP_ERR_OPEN, e, "读取文件 '%s' 出错：%s", path, gpi_errno_text(e));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    gpi_os_close(fd);
    if (n > max) {
        free(buf);
        return gpi_error_set(err, GP_ERR_OPEN, 0, "文件 '%s' 太大（上限 %zu 字节）", path, max);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return true;
}

void gpi_sha256(const void *data, size_t len, unsigned char out[32])
{
    unsigned int out_len = 32;
    EVP_Digest(data, len, out, &out_len, EVP_sha256(), NULL);
}

void gpi_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

/* Hash an open file; *bytes gets its length. */
static bool sha256_fd(int fd, const char *path, unsigned char out[32], uint64_t *bytes,
                      gp_error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return gpi_error_nomem(err);
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    static _Thread_local unsigned char block[1 << 16];
    long got;
    uint64_t total = 0;
    while ((got = gpi_os_read(fd, block, sizeof block)) > 0) {
        EVP_DigestUpdate(ctx, block, (size_t)got);
        total += (uint64_t)got;
    }
    int e = errno;
    unsigned int out_len = 32;
    EVP_DigestFinal_ex(ctx, out, &out_len);
    EVP_MD_CTX_free(ctx);
    if (got < 0)
        return gpi_error_set(err, GP_ERR_OPEN, e, "读取文件 '%s' 出错：%s", path, gpi_errno_text(e));
    if (bytes)
        *bytes = total;
    return true;
}

bool gpi_sha256_file(const char *path, unsigned char out[32], gp_error *err)
{
    int fd;
    gpi_os_stat st;
    if (!open_input(path, &fd, &st, err))
        return false;
    bool ok = sha256_fd(fd, path, out, NULL, err);
    gpi_os_close(fd);
    return ok;
}

bool gpi_file_digest(const char *path, uint64_t *bytes, char hex[65], gp_error *err)
{
    unsigned char sha[32];
    int fd;
    gpi_os_stat st;
    if (!open_input(path, &fd, &st, err))
        return false;
    bool ok = sha256_fd(fd, path, sha, bytes, err);
    gpi_os_close(fd);
    if (ok)
        gpi_hex(sha, 32, hex);
    return ok;
}

char *gpi_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    /* the root keeps its one slash: "/" + "x" is "/x" */
    return gpi_asprintf(dl && dir[dl - 1] == '/' ? "%.*s%s" : "%.*s/%s", (int)dl, dir, name);
}

bool gpi_name_ends_with_ci(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n >= m && strcasecmp(name + n - m, suffix) == 0;
}

bool gpi_name_is_jpeg(const char *name)
{
    return gpi_name_ends_with_ci(name, ".jpg") || gpi_name_ends_with_ci(name, ".jpeg");
}

const char *gpi_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool gpi_mkdirs(const char *dir, gp_error *err)
{
    char *copy = gpi_strdup(dir, err);
    if (!copy)
        return false;
    for (char *p = copy + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (gpi_os_mkdir(copy) != 0 && errno != EEXIST) {
                int e = errno;
                gpi_error_set(err, GP_ERR_WRITE, e, "无法创建文件夹 '%s'：%s", copy, gpi_errno_text(e));
                free(copy);
                return false;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    free(copy);
    gpi_os_stat st;
    if (gpi_os_stat_path(dir, true, &st) != 0 || st.type != GPI_OS_DIRECTORY)
        return gpi_error_set(err, GP_ERR_WRITE, errno, "'%s' 不是文件夹", dir);
    return true;
}

char *gp_read_input_file(const char *what, const char *path, size_t max, size_t *len,
                         gp_error *err)
{
    unsigned char *data = NULL;
    size_t n = 0;
    if (!gpi_read_input(what, path, max, &data, &n, err))
        return NULL;
    if (len)
        *len = n;
    return (char *)data;
}
