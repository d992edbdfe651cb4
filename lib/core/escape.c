/* Escaping of untrusted text before it is shown (see escape.h).  An ESC
 * in a station name could clear the clerk's screen and print a forged
 * verdict; U+202E could make "gpj.exe" read as "exe.jpg". */
#include "escape.h"
#include "core/base.h"

#include <stdio.h>

bool gpi_codepoint_unsafe(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
        return true;
    if (cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
        return true;
    /* invisible: "station\u200B-a" would read as "station-a", a name as
     * another.  Variation selectors are not here: they choose a CJK glyph
     * (U+E0100–U+E01EF after a rare character of a name). */
    if (cp == 0x00ad || cp == 0x034f || cp == 0x115f || cp == 0x1160 || cp == 0x17b4 ||
        cp == 0x17b5 || cp == 0x180e || (cp >= 0x200b && cp <= 0x200d) ||
        (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206a && cp <= 0x206f) || cp == 0x3164 ||
        cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff9 && cp <= 0xfffb) ||
        (cp >= 0xe0000 && cp <= 0xe007f))
        return true;
    return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

size_t gpi_utf8_next(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!len)
        return 0;
    unsigned char c = p[0];
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (len <= n)
        return 0;
    for (size_t i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && v < 0x800) || (n == 3 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n + 1;
}

void gpi_escape_terminal(gpi_buf *buf, const char *s, size_t len)
{
    size_t i = 0, plain = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = gpi_utf8_next(s + i, len - i, &cp);
        if (n && !gpi_codepoint_unsafe(cp)) {
            i += n;
            continue;
        }
        gpi_buf_append(buf, s + plain, i - plain);
        if (!n || cp < 0x80)
            gpi_buf_printf(buf, "\\x%02X", (unsigned char)s[i]);
        else
            gpi_buf_printf(buf, "\\u%04X", (unsigned)cp);
        i += n ? n : 1;
        plain = i;
    }
    gpi_buf_append(buf, s + plain, len - plain);
}

bool gpi_needs_escape(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = gpi_utf8_next(s + i, len - i, &cp);
        if (!n || gpi_codepoint_unsafe(cp))
            return true;
        i += n;
    }
    return false;
}
