/* Small text helpers: UTF-8 validity, trimming, full-width to half-width,
 * a growable buffer.  Encoding conversion itself is the platform layer's
 * (os_text.h). */
#include "core/base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool gpi_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned char c = *p;
        size_t n;
        uint32_t cp;
        if (c < 0x80) { p++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
        else return false;
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* overlong, surrogate and out-of-range forms */
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

static size_t leading_space(const char *s)
{
    size_t n = 0;
    for (;;) {
        if (s[n] == ' ' || s[n] == '\t' || s[n] == '\r' || s[n] == '\n')
            n++;
        else if ((unsigned char)s[n] == 0xE3 && (unsigned char)s[n + 1] == 0x80 &&
                 (unsigned char)s[n + 2] == 0x80) /* U+3000 ideographic space */
            n += 3;
        else
            return n;
    }
}

char *gpi_trim(char *s)
{
    size_t lead = leading_space(s);
    if (lead)
        memmove(s, s + lead, strlen(s + lead) + 1);
    size_t len = strlen(s);
    for (;;) {
        if (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
                    s[len - 1] == '\n'))
            len--;
        else if (len >= 3 && (unsigned char)s[len - 3] == 0xE3 &&
                 (unsigned char)s[len - 2] == 0x80 && (unsigned char)s[len - 1] == 0x80)
            len -= 3;
        else
            break;
    }
    s[len] = '\0';
    return s;
}

bool gpi_fullwidth_to_ascii(char *s)
{
    /* U+FF01..U+FF5E is EF BC 81..EF BD 9E; it maps to U+0021..U+007E. */
    bool changed = false;
    char *out = s;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2]) {
            unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                *out++ = (char)(cp - 0xFF01 + 0x21);
                p += 3;
                changed = true;
                continue;
            }
        }
        *out++ = (char)*p++;
    }
    *out = '\0';
    return changed;
}

char *gpi_strdup(const char *s, gp_error *err)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        gpi_error_nomem(err);
    return copy;
}

char *gpi_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

static bool buf_reserve(gpi_buf *buf, size_t extra)
{
    if (buf->failed)
        return false;
    if (buf->len + extra + 1 <= buf->cap)
        return true;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < buf->len + extra + 1)
        cap *= 2;
    char *data = realloc(buf->data, cap);
    if (!data) {
        buf->failed = true;
        return false;
    }
    buf->data = data;
    buf->cap = cap;
    return true;
}

void *gpi_grow(void *items, size_t count, size_t *cap, size_t size, size_t first_cap)
{
    if (count < *cap)
        return items;
    size_t grown_cap = *cap ? *cap * 2 : first_cap;
    if (grown_cap < *cap || grown_cap > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(items, grown_cap * size);
    if (grown)
        *cap = grown_cap;
    return grown;
}

void gpi_buf_append(gpi_buf *buf, const void *data, size_t len)
{
    if (!buf_reserve(buf, len))
        return;
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void gpi_buf_puts(gpi_buf *buf, const char *s)
{
    gpi_buf_append(buf, s, strlen(s));
}

void gpi_buf_printf(gpi_buf *buf, const char *fmt, ...)
{
    va_list ap, copy;
    va_start(ap, fmt);
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && buf_reserve(buf, (size_t)n)) {
        vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, copy);
        buf->len += (size_t)n;
    }
    va_end(copy);
}

char *gpi_buf_take(gpi_buf *buf)
{
    if (buf->failed) {
        gpi_buf_free(buf);
        return NULL;
    }
    if (!buf->data && !buf_reserve(buf, 0))
        return NULL;
    if (buf->len == 0)
        buf->data[0] = '\0';
    char *data = buf->data;
    *buf = (gpi_buf){0};
    return data;
}

void gpi_buf_free(gpi_buf *buf)
{
    free(buf->data);
    *buf = (gpi_buf){0};
}
