/* The Windows side of lib/core/os_text.h: code pages with
 * MultiByteToWideChar (Windows has no iconv), NFC with NormalizeString
 * instead of ICU.  Contracts are in os_text.h. */
#include "os_text.h"
#include "core/base.h"

#include <windows.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* No handle to keep: the converter only says which conversion. */
struct gpi_os_text {
    bool gb18030;
};

static gpi_os_text from_gb18030 = {true}, from_utf8 = {false};

gpi_os_text *gpi_os_text_open(const char *from)
{
    return strcmp(from, "GB18030") ? &from_utf8 : &from_gb18030;
}

void gpi_os_text_close(gpi_os_text *conv)
{
    (void)conv;
}

/* Length of the well-formed GB18030 sequence at p (1, 2 or 4), 0 if none. */
static size_t gb18030_char(const unsigned char *p, size_t left)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] == 0x80 || p[0] == 0xFF || left < 2)
        return 0;
    if ((p[1] >= 0x40 && p[1] <= 0x7E) || (p[1] >= 0x80 && p[1] <= 0xFE))
        return 2;
    if (p[1] >= 0x30 && p[1] <= 0x39 && left >= 4 && p[2] >= 0x81 && p[2] <= 0xFE &&
        p[3] >= 0x30 && p[3] <= 0x39)
        return 4;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at p, 0 if none. */
static size_t utf8_char(const unsigned char *p, size_t left)
{
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
             : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    if (n == 0 || n > left)
        return 0;
    return gpi_utf8_valid((const char *)p, n) ? n : 0;
}

gpi_os_text_status gpi_os_text_to_utf8(gpi_os_text *conv, const char *in, size_t len,
                                       char **out, size_t *bad_offset)
{
    *out = NULL;
    bool gb = conv->gb18030;
    const unsigned char *u = (const unsigned char *)in;
    for (size_t i = 0; i < len;) {
        size_t n = gb ? gb18030_char(u + i, len - i) : utf8_char(u + i, len - i);
        if (n == 0) {
            *bad_offset = i;
            return GPI_OS_TEXT_INVALID;
        }
        i += n;
    }
    if (!gb) {
        *out = strndup(in, len);
        return *out ? GPI_OS_TEXT_OK : GPI_OS_TEXT_NOMEM;
    }
    if (len > 0x3FFFFFFF)
        return GPI_OS_TEXT_NOMEM;
    /* Windows has had GB18030 since Vista; Wine may lack it: GBK (936)
     * then, which covers the 2-byte part (all of GB2312 and GBK) */
    UINT cp = IsValidCodePage(54936) ? 54936 : 936;
    int wn = len ? MultiByteToWideChar(cp, MB_ERR_INVALID_CHARS, in, (int)len, NULL, 0) : 0;
    if (len && wn <= 0) {
        *bad_offset = 0;
        return GPI_OS_TEXT_INVALID;
    }
    wchar_t *w = malloc(((size_t)wn + 1) * sizeof *w);
    if (!w)
        return GPI_OS_TEXT_NOMEM;
    if (len)
        MultiByteToWideChar(cp, MB_ERR_INVALID_CHARS, in, (int)len, w, wn);
    int n = wn ? WideCharToMultiByte(CP_UTF8, 0, w, wn, NULL, 0, NULL, NULL) : 0;
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        free(w);
        return GPI_OS_TEXT_NOMEM;
    }
    if (wn)
        WideCharToMultiByte(CP_UTF8, 0, w, wn, buf, n, NULL, NULL);
    buf[n] = '\0';
    free(w);
    *out = buf;
    return GPI_OS_TEXT_OK;
}

int gpi_os_nfc(const char *utf8, char **out)
{
    *out = NULL;
    int n16 = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
    if (n16 <= 0) {
        errno = EIO;
        return -1;
    }
    wchar_t *in = malloc((size_t)n16 * sizeof *in);
    char *key = NULL;
    if (in && MultiByteToWideChar(CP_UTF8, 0, utf8, -1, in, n16) > 0) {
        int cap = NormalizeString(NormalizationC, in, -1, NULL, 0);
        wchar_t *nf = cap > 0 ? malloc((size_t)cap * sizeof *nf) : NULL;
        int n = nf ? NormalizeString(NormalizationC, in, -1, nf, cap) : 0;
        int n8 = n > 0 ? WideCharToMultiByte(CP_UTF8, 0, nf, n, NULL, 0, NULL, NULL) : 0;
        if (n8 > 0 && (key = malloc((size_t)n8 + 1)) != NULL) {
            WideCharToMultiByte(CP_UTF8, 0, nf, n, key, n8, NULL, NULL);
            key[n8] = '\0'; /* n counted the terminator: harmless */
        }
        free(nf);
    }
    free(in);
    if (!key) {
        errno = ENOMEM;
        return -1;
    }
    *out = key;
    return 0;
}
