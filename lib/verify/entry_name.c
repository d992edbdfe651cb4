/* Entry names from an untrusted bundle.  A name is safe only when it stays
 * inside the folder it would be extracted to on any system (no absolute
 * path, no "..", no Windows separators or drive letters) and a clerk can
 * read it (valid UTF-8, no control characters). */
#include "bundle_internal.h"
#include "core/base.h"
#include "verify/reader.h"
#include "core/escape.h"

#include <stdio.h>
#include <string.h>

/* Whether a (valid UTF-8) name holds what a clerk cannot see as it is:
 * C0/C1 controls, DEL, bidi overrides, non-characters. */
static bool has_control(const char *s, size_t len)
{
    return gpi_needs_escape(s, len);
}

static bool component_unsafe(const char *c, size_t len)
{
    if (len == 0)
        return true; /* "a//b" or a leading "/" */
    if (len == 1 && c[0] == '.')
        return true;
    return len == 2 && c[0] == '.' && c[1] == '.';
}

gpi_name_verdict gpi_bundle_name_check(const char *name, size_t len)
{
    if (!name || len == 0 || memchr(name, '\0', len))
        return GPI_NAME_BAD;
    if (!gpi_utf8_valid(name, len) || has_control(name, len))
        return GPI_NAME_BAD;
    if (name[0] == '/' || memchr(name, '\\', len) || memchr(name, ':', len))
        return GPI_NAME_UNSAFE_PATH;
    size_t body = len;
    if (name[body - 1] == '/')
        body--; /* a folder entry */
    size_t start = 0;
    for (size_t i = 0; i <= body; i++) {
        if (i == body || name[i] == '/') {
            if (component_unsafe(name + start, i - start))
                return GPI_NAME_UNSAFE_PATH;
            start = i + 1;
        }
    }
    return GPI_NAME_OK;
}

void bundle_name_printable_n(const char *raw, size_t len, char *out, size_t size)
{
    gpi_buf buf = {0};
    gpi_escape_terminal(&buf, raw, len);
    size_t o = buf.failed || !buf.data ? 0 : buf.len;
    if (o >= size) {
        o = size - 1;
        /* never cut a UTF-8 sequence or an escape in half */
        while (o > 0 && !gpi_utf8_valid(buf.data, o))
            o--;
    }
    if (o)
        memcpy(out, buf.data, o);
    out[o] = '\0';
    gpi_buf_free(&buf);
}

void bundle_name_printable(const char *raw, char *out, size_t size)
{
    bundle_name_printable_n(raw, strlen(raw), out, size);
}
