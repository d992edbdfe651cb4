/* Decoding a photo for fixing, with libjpeg.  Large sources are decoded with
 * DCT scaling (M/8, libjpeg-turbo's scaled inverse DCTs): the IDCT then
 * produces the smaller image directly, which is several times cheaper than
 * a full decode and loses nothing the later resize would keep.  CMYK and YCCK come out as
 * CMYK (libjpeg converts YCCK); the embedded ICC profile is kept for the
 * colour conversion.  libjpeg's default error handler exits the process, so
 * errors longjmp back here; warnings (corrupt data) count as errors. */
#include "fix_internal.h"
#include "core/messages.h"

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct decode_errors {
    struct jpeg_error_mgr mgr;
    jmp_buf escape;
    char message[512]; /* Chinese, then libjpeg's English in parentheses */
} decode_errors;

static void on_error(j_common_ptr cinfo)
{
    decode_errors *errors = (decode_errors *)cinfo->err;
    char english[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, english);
    gpi_jpeg_message_text(cinfo->err->msg_code, english, errors->message, sizeof errors->message);
    longjmp(errors->escape, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
    if (level < 0) /* a warning: the data is damaged */
        on_error(cinfo);
}

void gpi_fix_image_free(gpi_fix_image *image)
{
    if (!image)
        return;
    free(image->pixels);
    image->pixels = NULL;
    image->width = image->height = 0;
}

void gpi_fix_raster_free(gpi_fix_raster *raster)
{
    if (!raster)
        return;
    gpi_fix_image_free(&raster->image);
    free(raster->icc);
    raster->icc = NULL;
    raster->icc_len = 0;
}

/* The IJG quality whose scaled standard luminance table matches the file's
 * (as jpeg_set_quality builds it); 0 when there is no table. */
static int estimate_quality(const struct jpeg_decompress_struct *cinfo)
{
    static const unsigned std_luma[DCTSIZE2] = {
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
    const JQUANT_TBL *table = cinfo->quant_tbl_ptrs[0];
    if (!table)
        return 0;
    double seen = 0, standard = 0;
    for (int i = 0; i < DCTSIZE2; i++) {
        seen += table->quantval[i];
        standard += std_luma[i];
    }
    double scale = seen * 100.0 / standard;
    int quality = scale <= 100 ? (int)((200 - scale) / 2 + 0.5) : (int)(5000 / scale + 0.5);
    return quality < 1 ? 1 : quality > 100 ? 100 : quality;
}

bool gpi_fix_decode(const unsigned char *data, size_t len, int eighths,
                   gpi_fix_raster *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    struct jpeg_decompress_struct cinfo;
    decode_errors errors;
    /* volatile: these change between setjmp and a longjmp back */
    unsigned char *volatile pixels = NULL;
    cinfo.err = jpeg_std_error(&errors.mgr);
    errors.mgr.error_exit = on_error;
    errors.mgr.emit_message = on_message;
    errors.message[0] = '\0';
    if (setjmp(errors.escape)) {
        snprintf(error, error_size, "JPEG 解码失败：%s", errors.message);
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        gpi_fix_raster_free(out);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);

    out->full_width = (int)cinfo.image_width;
    out->full_height = (int)cinfo.image_height;
    out->quality_estimate = estimate_quality(&cinfo);
    JOCTET *icc = NULL;
    unsigned int icc_len = 0;
    if (jpeg_read_icc_profile(&cinfo, &icc, &icc_len)) {
        out->icc = icc;
        out->icc_len = icc_len;
    }

    int channels;
    switch (cinfo.jpeg_color_space) {
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo.out_color_space = JCS_CMYK;
        channels = 4;
        out->adobe_inverted = cinfo.saw_Adobe_marker;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo.out_color_space = JCS_RGB;
        channels = 3;
        break;
    default:
        snprintf(error, error_size, "不支持的颜色模式（%d 个分量）", cinfo.num_components);
        jpeg_destroy_decompress(&cinfo);
        gpi_fix_raster_free(out);
        return false;
    }
    cinfo.scale_num = (unsigned)(eighths >= 1 && eighths <= 16 ? eighths : 8);
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);

    size_t stride = (size_t)cinfo.output_width * (size_t)channels;
    pixels = malloc(stride * cinfo.output_height);
    if (!pixels) {
        snprintf(error, error_size, "内存不足");
        jpeg_destroy_decompress(&cinfo);
        gpi_fix_raster_free(out);
        return false;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[4];
        int n = 0;
        for (; n < 4 && cinfo.output_scanline + (unsigned)n < cinfo.output_height; n++)
            rows[n] = pixels + stride * (cinfo.output_scanline + (unsigned)n);
        jpeg_read_scanlines(&cinfo, rows, (JDIMENSION)n);
    }
    jpeg_finish_decompress(&cinfo);
    out->image.pixels = pixels;
    out->image.width = (int)cinfo.output_width;
    out->image.height = (int)cinfo.output_height;
    out->image.channels = channels;
    jpeg_destroy_decompress(&cinfo);
    return true;
}
