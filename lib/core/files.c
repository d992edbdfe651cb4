/* File helpers: bounded whole-file reads, SHA-256 (OpenSSL), paths. */
#include "gp_internal.h"
#include "core/messages.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool gp_read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                  gp_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return gp_error_set(err, GP_ERR_OPEN, errno, "无法打开文件 '%s'：%s", path,
                            gp_errno_text(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return gp_error_set(err, GP_ERR_OPEN, errno, "'%s' 不是普通文件", path);
    }
    size_t cap = st.st_size > 0 && (uint64_t)st.st_size < max ? (size_t)st.st_size + 1 : 4096;
    unsigned char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return gp_error_nomem(err);
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(buf);
                fclose(f);
                return gp_error_set(err, GP_ERR_OPEN, 0,
                                    "文件 '%s' 太大（上限 %zu 字节）", path, max);
            }
            size_t grown_cap = cap * 2;
            unsigned char *grown = realloc(buf, grown_cap + 1);
            if (!grown) {
                free(buf);
                fclose(f);
                return gp_error_nomem(err);
            }
            buf = grown;
            cap = grown_cap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int e = errno;
                free(buf);
                fclose(f);
                return gp_error_set(err, GP_ERR_OPEN, e, "读取文件 '%s' 出错：%s", path,
                                    gp_errno_text(e));
            }
            break;
        }
    }
    fclose(f);
    if (n > max) {
        free(buf);
        return gp_error_set(err, GP_ERR_OPEN, 0, "文件 '%s' 太大（上限 %zu 字节）", path, max);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return true;
}

void gp_sha256(const void *data, size_t len, unsigned char out[32])
{
    unsigned int out_len = 32;
    EVP_Digest(data, len, out, &out_len, EVP_sha256(), NULL);
}

void gp_hex(const unsigned char *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

bool gp_sha256_file(const char *path, unsigned char out[32], gp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gp_error_set(err, GP_ERR_OPEN, errno, "无法打开文件 '%s'：%s", path,
                            gp_errno_text(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) {
        fclose(f);
        return gp_error_nomem(err);
    }
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char block[1 << 16];
    size_t got;
    while ((got = fread(block, 1, sizeof block, f)) > 0)
        EVP_DigestUpdate(ctx, block, got);
    bool ok = !ferror(f);
    int e = errno;
    fclose(f);
    unsigned int out_len = 32;
    EVP_DigestFinal_ex(ctx, out, &out_len);
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return gp_error_set(err, GP_ERR_OPEN, e, "读取文件 '%s' 出错：%s", path, gp_errno_text(e));
    return true;
}

bool gp_file_digest(const char *path, uint64_t *bytes, char hex[65], gp_error *err)
{
    struct stat st;
    unsigned char sha[32];
    if (stat(path, &st) != 0)
        return gp_error_set(err, GP_ERR_WRITE, errno, "无法读取刚写出的 '%s'", path);
    if (!gp_sha256_file(path, sha, err))
        return false;
    *bytes = (uint64_t)st.st_size;
    gp_hex(sha, 32, hex);
    return true;
}

char *gp_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    return gp_asprintf("%.*s/%s", (int)dl, dir, name);
}

const char *gp_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool gp_mkdirs(const char *dir, gp_error *err)
{
    char *copy = gp_strdup(dir, err);
    if (!copy)
        return false;
    for (char *p = copy + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                gp_error_set(err, GP_ERR_WRITE, e, "无法创建文件夹 '%s'：%s", copy, gp_errno_text(e));
                free(copy);
                return false;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    free(copy);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return gp_error_set(err, GP_ERR_WRITE, errno, "'%s' 不是文件夹", dir);
    return true;
}
