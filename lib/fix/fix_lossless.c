/* The lossless path of `fix`: when only the metadata of a photo is wrong
 * (72 dpi, Exif, XMP, an sRGB profile the rules do not want), decoding and
 * re-encoding would lose quality for nothing.  The JPEG's marker segments
 * are rewritten instead: every APPn (JFIF, Exif, XMP, ICC, Adobe, …) and
 * COM is dropped, a fresh JFIF APP0 with the wanted dpi goes right after
 * SOI, and every other segment (DQT, DHT, SOF, SOS, DRI, …) and the
 * entropy-coded data are copied byte for byte, so the decoded pixels stay
 * exactly the same.  Anything after EOI (trailers, appended previews) is
 * dropped.  The input is hostile: every length is checked against the end,
 * and anything unexpected refuses rather than guesses.
 *
 * Why not libjpeg's coefficient copy (jpegtran -copy none): it re-codes the
 * entropy data, so the size moves, and the size is a rule here (550–650 KB).
 * Measured on a 960×1280 photo: optimised-Huffman 576,225 B → 592,997 B
 * (+2.9%); progressive 552,727 B → 592,997 B (+7.3%), or 576,225 B with
 * -optimize.  Copying the entropy-coded bytes keeps the size and the pixels
 * exactly (docs/design.md). */
#include "fix_internal.h"
#include "core/base.h"
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"

#include <stdlib.h>
#include <string.h>

enum {
    M_SOI = 0xD8, M_EOI = 0xD9, M_SOS = 0xDA, M_RST0 = 0xD0, M_RST7 = 0xD7,
    M_TEM = 0x01, M_APP0 = 0xE0, M_APP15 = 0xEF, M_COM = 0xFE,
};

/* The end of the entropy-coded data starting at `at`: the first 0xFF that
 * begins a marker (not a stuffed 0xFF00, not RSTn, not a fill byte run
 * leading to one of those).  len when the data runs to the end. */
static size_t entropy_end(const unsigned char *data, size_t len, size_t at)
{
    while (at < len) {
        const unsigned char *ff = memchr(data + at, 0xFF, len - at);
        if (!ff)
            return len;
        size_t i = (size_t)(ff - data);
        size_t next = i + 1;
        while (next < len && data[next] == 0xFF)
            next++;
        if (next >= len)
            return len;
        if (data[next] != 0x00 && !(data[next] >= M_RST0 && data[next] <= M_RST7))
            return i;
        at = next + 1;
    }
    return len;
}

static void put_jfif(gpi_buf *b, int dpi)
{
    unsigned d = dpi > 0 && dpi <= 0xFFFF ? (unsigned)dpi : 300;
    const unsigned char jfif[] = {
        0xFF, M_APP0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01,
        0x01, /* unit: dots per inch */
        (unsigned char)(d >> 8), (unsigned char)d, (unsigned char)(d >> 8), (unsigned char)d,
        0x00, 0x00, /* no thumbnail */
    };
    gpi_buf_append(b, jfif, sizeof jfif);
}

bool gpi_fix_rewrite_metadata(const unsigned char *data, size_t len, int dpi,
                             unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (len < 4 || data[0] != 0xFF || data[1] != M_SOI)
        return false;
    gpi_buf b = {0};
    gpi_buf_append(&b, data, 2);
    put_jfif(&b, dpi);
    size_t at = 2;
    bool saw_frame = false, saw_scan = false;
    for (;;) {
        if (at >= len || data[at] != 0xFF)
            break; /* no marker where one must be: malformed */
        while (at < len && data[at] == 0xFF)
            at++; /* fill bytes */
        if (at >= len)
            break;
        unsigned marker = data[at++];
        if (marker == M_EOI) {
            if (!saw_frame || !saw_scan)
                break;
            const unsigned char eoi[] = {0xFF, M_EOI};
            gpi_buf_append(&b, eoi, sizeof eoi);
            size_t written = b.len;
            *out = (unsigned char *)gpi_buf_take(&b); /* NULL when out of memory */
            *out_len = *out ? written : 0;
            return *out != NULL;
        }
        if (marker == 0x00 || marker == M_SOI || marker == M_TEM ||
            (marker >= M_RST0 && marker <= M_RST7))
            break; /* not a segment that may stand here */
        if (len - at < 2)
            break;
        size_t seg_len = (size_t)data[at] << 8 | data[at + 1];
        if (seg_len < 2 || seg_len > len - at)
            break;
        size_t seg_start = at - 2; /* the last FF before the marker code */
        size_t seg_end = at + seg_len;
        at = seg_end;
        if ((marker >= M_APP0 && marker <= M_APP15) || marker == M_COM)
            continue;
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 &&
            marker != 0xCC)
            saw_frame = true;
        gpi_buf_append(&b, data + seg_start, seg_end - seg_start);
        if (marker == M_SOS) {
            saw_scan = true;
            size_t end = entropy_end(data, len, at);
            gpi_buf_append(&b, data + at, end - at);
            at = end;
        }
    }
    gpi_buf_free(&b);
    return false;
}

/* The findings the lossless path can clear, given the conditions below. */
static bool only_metadata_wrong(const gpi_jpeg_info *info, const gp_report *judged,
                                const gp_profile *profile)
{
    if (!info->is_jpeg || !info->decoded || info->width != profile->width ||
        info->height != profile->height || info->components != 3 || info->bits != 8 ||
        info->orientation != 1)
        return false;
    /* JFIF implies YCbCr: a JPEG coded in RGB would change colour under it */
    if (info->color != GPI_JCOLOR_YCBCR)
        return false;
    if (info->icc != GPI_ICC_NONE && info->icc != GPI_ICC_SRGB)
        return false;
    size_t clearable = 0;
    if (gp_report_has(judged, GP_PHOTO_DPI))
        clearable++;
    if (gp_report_has(judged, GP_PHOTO_ICC)) /* an sRGB profile the rules do not allow */
        clearable++;
    if (gp_report_has(judged, GP_PHOTO_FILESIZE)) /* stripping may bring it inside */
        clearable++;
    return clearable > 0 && gp_report_count_severity(judged, GP_ERROR) == clearable;
}

/* The rewritten file judged exactly as check will judge it. */
static bool judges_clean(const unsigned char *data, size_t len, const gp_profile *profile)
{
    gpi_jpeg_info info;
    gpi_jpeg_inspect(data, len, &info);
    gp_report *report = gp_report_new("fix");
    if (!report)
        return false;
    gpi_where where = {0};
    gpi_photo_judge(&info, len, profile, &where, report);
    bool clean = !gp_report_failed(report) && gp_report_count_severity(report, GP_ERROR) == 0 &&
                 gp_report_count_severity(report, GP_WARNING) == 0;
    gp_report_free(report);
    return clean && info.decoded && info.width == profile->width &&
           info.height == profile->height;
}

bool gpi_fix_try_lossless(const unsigned char *data, size_t len, const gpi_jpeg_info *info,
                         const gp_report *judged, const gp_profile *profile,
                         unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!only_metadata_wrong(info, judged, profile))
        return false;
    unsigned char *rewritten;
    size_t rewritten_len;
    if (!gpi_fix_rewrite_metadata(data, len, profile->dpi, &rewritten, &rewritten_len))
        return false;
    if (rewritten_len < profile->min_bytes || rewritten_len > profile->max_bytes ||
        !judges_clean(rewritten, rewritten_len, profile)) {
        free(rewritten);
        return false;
    }
    *out = rewritten;
    *out_len = rewritten_len;
    return true;
}
