/*
 * jpeg_inspect.c — what a photo is, from its bytes in memory: the frame
 * header, colour space, JFIF/Exif resolution, Exif orientation, the ICC
 * profile, and a full decode so that a truncated or damaged file never
 * passes.  The decode uses libjpeg-turbo's DCT scaling (1/8, or the smallest
 * scale that gives the preview the caller asks for), which still
 * entropy-decodes every block (where damage shows) but skips most of the
 * IDCT and colour work.  The preview (RGB pixels at that scale) is what the
 * content rules measure and the HTML report's thumbnail is made from, so
 * each photo is decoded once.
 *
 * libjpeg's default error manager exits the process and only prints its
 * warnings; here errors longjmp back, and warnings that mean damaged data
 * ("Premature end of JPEG file", "Corrupt JPEG data: ...") stop the decode
 * and mark the photo undecoded, because libjpeg would otherwise fill the
 * rest with grey and report success.
 */
#include "photo_parts.h"
#include "photo/photo.h"
#include "core/messages.h"
#include "jpeg_limits.h"

#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Hostile headers can announce 65535×65535 pixels in a few bytes.  A phone's
 * 108-megapixel photo is the largest real input; libjpeg's memory is capped
 * too, which bounds progressive files' whole-image coefficient buffers. */
#define MAX_DECODE_PIXELS (200ull * 1000 * 1000)
#define MAX_DECODE_MEMORY (512l << 20)
/* A normal progressive JPEG has about 10 scans; thousands of tiny scans are
 * a known way to make a small file take minutes. */
#define MAX_PROGRESSIVE_SCANS 500

static const unsigned char icc_marker_id[12] = "ICC_PROFILE";

typedef struct inspector {
    struct jpeg_error_mgr pub;
    int max_scans;
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    char message[512]; /* Chinese, then libjpeg's English in parentheses */
    unsigned char *row; /* held here, not in a local, so longjmp cannot lose it */
    unsigned char *pixels; /* the preview being filled; likewise */
} inspector;

static void stop(j_common_ptr cinfo)
{
    inspector *in = (inspector *)cinfo->err;
    longjmp(in->jump, 1);
}

static void on_error_exit(j_common_ptr cinfo)
{
    inspector *in = (inspector *)cinfo->err;
    char english[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, english);
    gpi_jpeg_message_text(cinfo->err->msg_code, english, in->message, sizeof in->message);
    stop(cinfo);
}

/* Warnings about metadata only; the picture itself is intact.  A bad ICC
 * marker is judged separately (GPI_ICC_BROKEN). */
static bool harmless_warning(int code)
{
    return code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC;
}

static void on_emit_message(j_common_ptr cinfo, int level)
{
    if (level >= 0 || harmless_warning(cinfo->err->msg_code))
        return; /* trace output, or a warning that does not mean damage */
    on_error_exit(cinfo);
}

static void on_progress(j_common_ptr cinfo)
{
    if (!cinfo->is_decompressor)
        return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    inspector *in = (inspector *)cinfo->err;
    if (d->progressive_mode && d->input_scan_number > in->max_scans) {
        snprintf(in->message, sizeof in->message, "渐进式扫描超过 %d 次（more than %d progressive scans）",
                 in->max_scans, in->max_scans);
        stop(cinfo);
    }
}

static gpi_jpeg_color color_of(J_COLOR_SPACE space)
{
    switch (space) {
    case JCS_GRAYSCALE: return GPI_JCOLOR_GRAY;
    case JCS_YCbCr: return GPI_JCOLOR_YCBCR;
    case JCS_RGB: return GPI_JCOLOR_RGB;
    case JCS_CMYK: return GPI_JCOLOR_CMYK;
    case JCS_YCCK: return GPI_JCOLOR_YCCK;
    default: return GPI_JCOLOR_UNKNOWN;
    }
}

static void read_exif(j_decompress_ptr cinfo, gpi_jpeg_info *info)
{
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        gpi_exif_ifd0 exif;
        if (m->marker != JPEG_APP0 + 1 || !gpi_exif_read_ifd0(m->data, m->data_length, &exif))
            continue;
        if (exif.orientation)
            info->orientation = exif.orientation;
        if (exif.has_resolution && (exif.resolution_unit == 2 || exif.resolution_unit == 3)) {
            double to_inch = exif.resolution_unit == 3 ? 2.54 : 1.0;
            info->has_exif_resolution = true;
            info->exif_resolution_unit = exif.resolution_unit;
            info->exif_x_dpi = exif.x_resolution * to_inch;
            info->exif_y_dpi = exif.y_resolution * to_inch;
        }
        return; /* the first Exif block is the one readers use */
    }
}

static bool has_icc_marker(j_decompress_ptr cinfo)
{
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 2 && m->data_length >= sizeof icc_marker_id &&
            memcmp(m->data, icc_marker_id, sizeof icc_marker_id) == 0)
            return true;
    return false;
}

static void read_icc(j_decompress_ptr cinfo, gpi_jpeg_info *info)
{
    if (!has_icc_marker(cinfo))
        return;
    JOCTET *icc = NULL;
    unsigned int icc_len = 0;
    if (!jpeg_read_icc_profile(cinfo, &icc, &icc_len)) {
        info->icc = GPI_ICC_BROKEN; /* chunks missing or out of order */
        return;
    }
    info->icc = gpi_icc_classify(icc, icc_len, info->icc_description,
                                sizeof info->icc_description);
    free(icc);
}

static void read_header_facts(j_decompress_ptr cinfo, gpi_jpeg_info *info)
{
    info->width = (int)cinfo->image_width;
    info->height = (int)cinfo->image_height;
    info->components = cinfo->num_components;
    info->bits = cinfo->data_precision;
    info->color = color_of(cinfo->jpeg_color_space);
    info->progressive = cinfo->progressive_mode;
    info->has_jfif = cinfo->saw_JFIF_marker;
    if (info->has_jfif) {
        info->density_unit = cinfo->density_unit;
        info->x_density = cinfo->X_density;
        info->y_density = cinfo->Y_density;
    }
    read_exif(cinfo, info);
    read_icc(cinfo, info);
}

/* The smallest DCT scale M/8 whose output is at least min_width wide (1/8
 * when no preview is wanted). */
static unsigned scale_for(unsigned width, int min_width)
{
    if (min_width <= 0)
        return 1;
    for (unsigned m = 1; m < 8; m++)
        if ((width * m + 7) / 8 >= (unsigned)min_width)
            return m;
    return 8;
}

/* Adobe CMYK is stored inverted: full ink is 0.  A rough conversion, good
 * enough to look at and to measure light; fix does the real one (lcms2). */
static void cmyk_to_rgb(const unsigned char *cmyk, unsigned char *rgb, size_t pixels)
{
    for (size_t i = 0; i < pixels; i++) {
        unsigned k = cmyk[4 * i + 3];
        for (int c = 0; c < 3; c++)
            rgb[3 * i + c] = (unsigned char)(cmyk[4 * i + c] * k / 255);
    }
}

/* Decode every scanline; libjpeg reads all entropy data.  With a preview,
 * keep the rows as RGB. */
static void decode_all(j_decompress_ptr cinfo, inspector *in, int min_width, gpi_preview *preview)
{
    bool keep = preview != NULL;
    cinfo->scale_num = keep ? scale_for(cinfo->image_width, min_width) : 1;
    cinfo->scale_denom = 8;
    cinfo->dct_method = keep ? JDCT_ISLOW : JDCT_IFAST;
    cinfo->do_fancy_upsampling = keep;
    cinfo->do_block_smoothing = FALSE;
    bool cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
    if (keep)
        cinfo->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(cinfo);
    size_t row_bytes = (size_t)cinfo->output_width * (size_t)cinfo->output_components;
    in->row = malloc(row_bytes ? row_bytes : 1);
    if (keep && in->row)
        in->pixels = malloc((size_t)cinfo->output_width * cinfo->output_height * 3 + 1);
    if (!in->row || (keep && !in->pixels)) {
        snprintf(in->message, sizeof in->message, "内存不足（out of memory）");
        longjmp(in->jump, 1);
    }
    JSAMPROW rows[1] = {in->row};
    while (cinfo->output_scanline < cinfo->output_height) {
        size_t y = cinfo->output_scanline;
        if (jpeg_read_scanlines(cinfo, rows, 1) != 1) {
            snprintf(in->message, sizeof in->message, "解码停在第 %u 行（decoder stopped at row %u）",
                     cinfo->output_scanline,
                     cinfo->output_scanline);
            longjmp(in->jump, 1);
        }
        if (!keep)
            continue;
        unsigned char *dst = in->pixels + y * cinfo->output_width * 3;
        if (cinfo->output_components == 4)
            cmyk_to_rgb(in->row, dst, cinfo->output_width);
        else
            memcpy(dst, in->row, (size_t)cinfo->output_width * 3);
    }
    jpeg_finish_decompress(cinfo);
    if (keep) {
        preview->rgb = in->pixels;
        in->pixels = NULL;
        preview->width = (int)cinfo->output_width;
        preview->height = (int)cinfo->output_height;
        preview->scale_num = (int)cinfo->scale_num;
    }
}

void gpi_preview_free(gpi_preview *preview)
{
    if (!preview)
        return;
    free(preview->rgb);
    memset(preview, 0, sizeof *preview);
}

static void inspect(const unsigned char *data, size_t len, gpi_jpeg_info *info, int min_width,
                    gpi_preview *preview, const gpi_jpeg_limits *limits);

void gpi_jpeg_inspect(const unsigned char *data, size_t len, gpi_jpeg_info *info)
{
    inspect(data, len, info, 0, NULL, NULL);
}

void gpi_jpeg_inspect_preview(const unsigned char *data, size_t len, gpi_jpeg_info *info,
                             int min_width, gpi_preview *preview)
{
    inspect(data, len, info, min_width, preview, NULL);
}

void gpi_jpeg_inspect_limited(const unsigned char *data, size_t len, gpi_jpeg_info *info,
                             const gpi_jpeg_limits *limits, int min_width, gpi_preview *preview)
{
    inspect(data, len, info, min_width, preview, limits);
}

static void inspect(const unsigned char *data, size_t len, gpi_jpeg_info *info, int min_width,
                    gpi_preview *preview, const gpi_jpeg_limits *limits)
{
    uint64_t max_pixels = limits && limits->max_pixels ? limits->max_pixels : MAX_DECODE_PIXELS;
    int max_scans = limits && limits->max_scans ? limits->max_scans : MAX_PROGRESSIVE_SCANS;
    long max_memory = limits && limits->max_memory ? limits->max_memory : MAX_DECODE_MEMORY;
    memset(info, 0, sizeof *info);
    if (preview)
        memset(preview, 0, sizeof *preview);
    info->orientation = 1;
    if (len < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        info->looks_like = gpi_sniff_format(data, len);
        return;
    }
    info->is_jpeg = true;

    struct jpeg_decompress_struct cinfo;
    inspector in;
    memset(&in, 0, sizeof in);
    in.max_scans = max_scans;
    cinfo.err = jpeg_std_error(&in.pub);
    in.pub.error_exit = on_error_exit;
    in.pub.emit_message = on_emit_message;
    in.progress.progress_monitor = on_progress;
    if (setjmp(in.jump)) {
        snprintf(info->decode_error, sizeof info->decode_error, "%s", in.message);
        info->decoded = false;
        goto done;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.progress = &in.progress;
    /* over it libjpeg-turbo fails (no backing store) instead of growing */
    cinfo.mem->max_memory_to_use = max_memory;
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
    /* JFIF (APP0) and Adobe (APP14) are parsed by libjpeg itself: it sets
     * the density fields and jpeg_color_space (CMYK vs YCCK) from them. */
    jpeg_read_header(&cinfo, TRUE);
    read_header_facts(&cinfo, info);

    if ((unsigned long long)cinfo.image_width * cinfo.image_height > max_pixels) {
        snprintf(in.message, sizeof in.message, "照片有 %u×%u 像素，超过了 gradpack 解码的上限",
                 cinfo.image_width, cinfo.image_height);
        /* a limit, not damage: the caller reports it (photo.oversized) */
        info->skipped = limits != NULL;
        longjmp(in.jump, 1);
    }
    decode_all(&cinfo, &in, min_width, preview);
    info->decoded = true;
done:
    free(in.row);
    free(in.pixels);
    jpeg_destroy_decompress(&cinfo);
}
