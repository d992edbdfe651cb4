/* Entry names from an untrusted bundle.  A name is safe only when it stays
 * inside the folder it would be extracted to on any system (no absolute
 * path, no "..", no Windows separators or drive letters) and a clerk can
 * read it (valid UTF-8, no control characters). */
#include "bundle_internal.h"

#include <stdio.h>
#include <string.h>

/* Whether a UTF-8 string holds C0/C1 control characters or DEL. */
static bool has_control(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < 0x20 || p[i] == 0x7f)
            return true;
        /* U+0080..U+009F are encoded C2 80..C2 9F */
        if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
            return true;
    }
    return false;
}

static bool component_unsafe(const char *c, size_t len)
{
    if (len == 0)
        return true; /* "a//b" or a leading "/" */
    if (len == 1 && c[0] == '.')
        return true;
    return len == 2 && c[0] == '.' && c[1] == '.';
}

gp_name_verdict gp_bundle_name_check(const char *name, size_t len)
{
    if (!name || len == 0 || memchr(name, '\0', len))
        return GP_NAME_BAD;
    if (!gp_utf8_valid(name, len) || has_control(name, len))
        return GP_NAME_BAD;
    if (name[0] == '/' || memchr(name, '\\', len) || memchr(name, ':', len))
        return GP_NAME_UNSAFE_PATH;
    size_t body = len;
    if (name[body - 1] == '/')
        body--; /* a folder entry */
    size_t start = 0;
    for (size_t i = 0; i <= body; i++) {
        if (i == body || name[i] == '/') {
            if (component_unsafe(name + start, i - start))
                return GP_NAME_UNSAFE_PATH;
            start = i + 1;
        }
    }
    return GP_NAME_OK;
}

void bundle_name_printable(const char *raw, char *out, size_t size)
{
    size_t len = strlen(raw);
    bool utf8 = gp_utf8_valid(raw, len);
    size_t o = 0;
    for (size_t i = 0; i < len && o + 5 < size; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c < 0x20 || c == 0x7f || (!utf8 && c >= 0x80))
            o += (size_t)snprintf(out + o, size - o, "\\x%02X", c);
        else
            out[o++] = (char)c;
    }
    /* never cut a UTF-8 sequence in half */
    while (o > 0 && utf8 && !gp_utf8_valid(out, o))
        o--;
    out[o] = '\0';
}
