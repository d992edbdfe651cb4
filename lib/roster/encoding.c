/* The roster's text encoding.  Excel on a Chinese Windows saves "CSV" as
 * GBK (read here as GB18030, its superset), "CSV UTF-8" with a byte-order
 * mark; other tools write plain UTF-8.  We recognise the three without
 * being told and convert with iconv (on Windows, which has no iconv, with
 * MultiByteToWideChar and code page 54936, GB18030); --encoding forces one.
 *
 * Detection: a BOM means UTF-8.  Text that is valid UTF-8 throughout is
 * UTF-8.  Otherwise, when the first line is valid UTF-8 and holds non-ASCII
 * characters (a Chinese header), the file is UTF-8 with damage further on,
 * which is reported where it is; GB18030 text almost never passes as UTF-8
 * for a whole line of Chinese.  Anything else is read as GB18030. */
#include "roster/reading.h"
#include "core/base.h"

#ifdef _WIN32
#include <windows.h>
#include <stdint.h>
#else
#include <iconv.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char utf8_bom[3] = {'\xEF', '\xBB', '\xBF'};

static bool has_bom(const char *data, size_t len)
{
    return len >= 3 && memcmp(data, utf8_bom, 3) == 0;
}

/* The first line is valid UTF-8 and not plain ASCII. */
static bool first_line_is_utf8_text(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    size_t n = nl ? (size_t)(nl - data) : len;
    bool non_ascii = false;
    for (size_t i = 0; i < n && !non_ascii; i++)
        non_ascii = (unsigned char)data[i] >= 0x80;
    return non_ascii && gpi_utf8_valid(data, n);
}

#ifdef _WIN32
/* Windows: dec->iconv holds which conversion (no handle to keep). */
enum { DECODE_GB18030 = 1, DECODE_UTF8 = 2 };

static bool open_iconv(roster_decoder *dec, const char *from, gp_error *err)
{
    (void)err;
    dec->iconv = (void *)(uintptr_t)(strcmp(from, "GB18030") ? DECODE_UTF8 : DECODE_GB18030);
    return true;
}
#else
static bool open_iconv(roster_decoder *dec, const char *from, gp_error *err)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return gpi_error_set(err, errno == ENOMEM ? GP_ERR_NOMEM : GP_ERR_INTERNAL, errno,
                            "系统的 iconv 不支持 %s 编码", from);
    dec->iconv = cd;
    return true;
}

#endif

bool roster_decoder_open(roster_decoder *dec, const char *forced, const char *data,
                         size_t len, gp_error *err)
{
    memset(dec, 0, sizeof *dec);
    bool gb = false;
    if (forced) {
        if (!strcasecmp(forced, "UTF-8") || !strcasecmp(forced, "UTF8"))
            gb = false;
        else if (!strcasecmp(forced, "GB18030") || !strcasecmp(forced, "GBK") ||
                 !strcasecmp(forced, "GB2312"))
            gb = true;
        else
            return gpi_error_set(err, GP_ERR_USAGE, 0,
                                "不认识的花名册编码 '%s'：可用 UTF-8、GBK、GB18030、GB2312",
                                forced);
    } else {
        gb = !has_bom(data, len) && !gpi_utf8_valid(data, len) &&
             !first_line_is_utf8_text(data, len);
    }
    if (gb) {
        dec->name = "GB18030";
        return open_iconv(dec, "GB18030", err);
    }
    if (has_bom(data, len)) {
        dec->name = "UTF-8-BOM";
        dec->skip = 3;
    } else {
        dec->name = "UTF-8";
    }
    dec->verified = gpi_utf8_valid(data + dec->skip, len - dec->skip);
    return dec->verified || open_iconv(dec, "UTF-8", err);
}

#ifdef _WIN32
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

roster_decode_status roster_decode(roster_decoder *dec, const char *in, size_t len,
                                   char **out, size_t *bad_offset)
{
    *out = NULL;
    if (dec->verified) {
        *out = strndup(in, len);
        return *out ? ROSTER_DECODE_OK : ROSTER_DECODE_NOMEM;
    }
    bool gb = (uintptr_t)dec->iconv == DECODE_GB18030;
    const unsigned char *u = (const unsigned char *)in;
    for (size_t i = 0; i < len;) {
        size_t n = gb ? gb18030_char(u + i, len - i) : utf8_char(u + i, len - i);
        if (n == 0) {
            *bad_offset = i;
            return ROSTER_DECODE_INVALID;
        }
        i += n;
    }
    if (!gb) {
        *out = strndup(in, len);
        return *out ? ROSTER_DECODE_OK : ROSTER_DECODE_NOMEM;
    }
    if (len > 0x3FFFFFFF)
        return ROSTER_DECODE_NOMEM;
    /* Windows has had GB18030 since Vista; Wine may lack it: GBK (936)
     * then, which covers the 2-byte part (all of GB2312 and GBK) */
    UINT cp = IsValidCodePage(54936) ? 54936 : 936;
    int wn = len ? MultiByteToWideChar(cp, MB_ERR_INVALID_CHARS, in, (int)len, NULL, 0) : 0;
    if (len && wn <= 0) {
        *bad_offset = 0;
        return ROSTER_DECODE_INVALID;
    }
    wchar_t *w = malloc(((size_t)wn + 1) * sizeof *w);
    if (!w)
        return ROSTER_DECODE_NOMEM;
    if (len)
        MultiByteToWideChar(cp, MB_ERR_INVALID_CHARS, in, (int)len, w, wn);
    int n = wn ? WideCharToMultiByte(CP_UTF8, 0, w, wn, NULL, 0, NULL, NULL) : 0;
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        free(w);
        return ROSTER_DECODE_NOMEM;
    }
    if (wn)
        WideCharToMultiByte(CP_UTF8, 0, w, wn, buf, n, NULL, NULL);
    buf[n] = '\0';
    free(w);
    *out = buf;
    return ROSTER_DECODE_OK;
}

void roster_decoder_close(roster_decoder *dec)
{
    dec->iconv = NULL;
}
#else
roster_decode_status roster_decode(roster_decoder *dec, const char *in, size_t len,
                                   char **out, size_t *bad_offset)
{
    *out = NULL;
    if (dec->verified) {
        *out = strndup(in, len);
        return *out ? ROSTER_DECODE_OK : ROSTER_DECODE_NOMEM;
    }
    /* GB18030 grows at most 3/2 into UTF-8; UTF-8 stays the same */
    size_t cap = len + len / 2 + 4;
    char *buf = malloc(cap);
    if (!buf)
        return ROSTER_DECODE_NOMEM;
    iconv_t cd = dec->iconv;
    iconv(cd, NULL, NULL, NULL, NULL);
    char *inp = (char *)in, *outp = buf;
    size_t in_left = len, out_left = cap - 1;
    while (in_left) {
        if (iconv(cd, &inp, &in_left, &outp, &out_left) != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            size_t used = (size_t)(outp - buf);
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return ROSTER_DECODE_NOMEM;
            }
            buf = grown;
            outp = buf + used;
            out_left += cap;
            cap *= 2;
            continue;
        }
        /* EILSEQ: an invalid sequence; EINVAL: one cut off at the end */
        *bad_offset = (size_t)(inp - in);
        free(buf);
        return ROSTER_DECODE_INVALID;
    }
    *outp = '\0';
    *out = buf;
    return ROSTER_DECODE_OK;
}

void roster_decoder_close(roster_decoder *dec)
{
    if (dec->iconv)
        iconv_close((iconv_t)dec->iconv);
    dec->iconv = NULL;
}
#endif
