/* Encoding a fixed photo with libjpeg.  What the station wants and nothing
 * else: a JFIF header with the density in dots per inch, baseline YCbCr,
 * optimised Huffman tables (smaller at the same quality, so more quality
 * fits the window), and no Exif, XMP, ICC profile or comment: metadata can
 * hold GPS positions and device serial numbers. */
#include "fix_internal.h"
#include "core/messages.h"

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>

typedef struct encode_errors {
    struct jpeg_error_mgr mgr;
    jmp_buf escape;
    char message[512]; /* Chinese, then libjpeg's English in parentheses */
} encode_errors;

static void on_error(j_common_ptr cinfo)
{
    encode_errors *errors = (encode_errors *)cinfo->err;
    char english[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, english);
    gpi_jpeg_message_text(cinfo->err->msg_code, english, errors->message, sizeof errors->message);
    longjmp(errors->escape, 1);
}

bool gpi_fix_encode(const gpi_fix_image *image, int quality, gpi_fix_chroma chroma, int dpi,
                   unsigned char **out, size_t *len, char *error, size_t error_size)
{
    *out = NULL;
    *len = 0;
    if (image->channels != 3 || image->width <= 0 || image->height <= 0) {
        snprintf(error, error_size, "编码的图像不是 RGB");
        return false;
    }
    struct jpeg_compress_struct cinfo;
    encode_errors errors;
    /* jpeg_mem_dest allocates and grows this buffer; its address escapes, so
     * it lives in memory and survives the longjmp */
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&errors.mgr);
    errors.mgr.error_exit = on_error;
    errors.message[0] = '\0';
    if (setjmp(errors.escape)) {
        snprintf(error, error_size, "JPEG 编码失败：%s", errors.message);
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return false;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = (JDIMENSION)image->width;
    cinfo.image_height = (JDIMENSION)image->height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    int sampling = chroma == GPI_FIX_CHROMA_420 ? 2 : 1;
    cinfo.comp_info[0].h_samp_factor = sampling;
    cinfo.comp_info[0].v_samp_factor = sampling;
    for (int c = 1; c < 3; c++)
        cinfo.comp_info[c].h_samp_factor = cinfo.comp_info[c].v_samp_factor = 1;
    cinfo.write_JFIF_header = TRUE;
    cinfo.density_unit = 1; /* dots per inch */
    cinfo.X_density = (UINT16)dpi;
    cinfo.Y_density = (UINT16)dpi;
    cinfo.write_Adobe_marker = FALSE;
    cinfo.optimize_coding = TRUE;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)image->width * 3;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = image->pixels + stride * cinfo.next_scanline;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *len = size;
    return true;
}
