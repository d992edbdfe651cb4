/* The roster's text encoding.  Excel on a Chinese Windows saves "CSV" as
 * GBK (read here as GB18030, its superset), "CSV UTF-8" with a byte-order
 * mark; other tools write plain UTF-8.  We recognise the three without
 * being told and convert with the platform layer's converter
 * (core/os_text.h: iconv; on Windows, which has no iconv,
 * MultiByteToWideChar and code page 54936, GB18030); --encoding forces one.
 *
 * Detection: a BOM means UTF-8.  Text that is valid UTF-8 throughout is
 * UTF-8.  Otherwise, when the first line is valid UTF-8 and holds non-ASCII
 * characters (a Chinese header), the file is UTF-8 with damage further on,
 * which is reported where it is; GB18030 text almost never passes as UTF-8
 * for a whole line of Chinese.  Anything else is read as GB18030. */
#include "roster/reading.h"
#include "core/base.h"
#include "core/os_text.h"

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

static bool open_iconv(roster_decoder *dec, const char *from, gp_error *err)
{
    gpi_os_text *conv = gpi_os_text_open(from);
    if (!conv)
        return gpi_error_set(err, errno == ENOMEM ? GP_ERR_NOMEM : GP_ERR_INTERNAL, errno,
                            "系统的 iconv 不支持 %s 编码", from);
    dec->conv = conv;
    return true;
}

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

roster_decode_status roster_decode(roster_decoder *dec, const char *in, size_t len,
                                   char **out, size_t *bad_offset)
{
    *out = NULL;
    if (dec->verified) {
        *out = strndup(in, len);
        return *out ? ROSTER_DECODE_OK : ROSTER_DECODE_NOMEM;
    }
    switch (gpi_os_text_to_utf8(dec->conv, in, len, out, bad_offset)) {
    case GPI_OS_TEXT_OK:
        return ROSTER_DECODE_OK;
    case GPI_OS_TEXT_INVALID:
        return ROSTER_DECODE_INVALID;
    default:
        return ROSTER_DECODE_NOMEM;
    }
}

void roster_decoder_close(roster_decoder *dec)
{
    gpi_os_text_close(dec->conv);
    dec->conv = NULL;
}
