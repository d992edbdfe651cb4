/* The lossless path of fix: a photo whose only faults are metadata (72 dpi,
 * Exif, an sRGB profile) gets its markers rewritten, and decoding input and
 * output with libjpeg must give exactly the same pixels.  Also: restart
 * markers and stuffed bytes in the entropy-coded data survive, hostile
 * marker structures (truncated, lengths past the end) are refused without
 * crashing, and a photo the path does not fit goes through the re-encode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>

#include "fix/fix_internal.h"
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"
#include "photogen.h"

static gp_profile *profile;

static int load_profile(void **state)
{
    (void)state;
    gp_error err = {0};
    profile = gp_profile_load(NULL, &err);
    return profile ? 0 : -1;
}

static int free_profile(void **state)
{
    (void)state;
    gp_profile_free(profile);
    return 0;
}

typedef struct test_errors {
    struct jpeg_error_mgr mgr;
    jmp_buf escape;
} test_errors;

static void on_error(j_common_ptr cinfo)
{
    longjmp(((test_errors *)cinfo->err)->escape, 1);
}

static void on_message(j_common_ptr cinfo, int level)
{
    if (level < 0)
        on_error(cinfo);
}

/* Full-size RGB decode with libjpeg; NULL on any error or warning. */
static unsigned char *decode_rgb(const unsigned char *data, size_t len, int *w, int *h)
{
    struct jpeg_decompress_struct cinfo;
    test_errors errors;
    unsigned char *volatile pixels = NULL;
    cinfo.err = jpeg_std_error(&errors.mgr);
    errors.mgr.error_exit = on_error;
    errors.mgr.emit_message = on_message;
    if (setjmp(errors.escape)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return NULL;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    pixels = malloc(stride * cinfo.output_height);
    assert_non_null(pixels);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    *w = (int)cinfo.output_width;
    *h = (int)cinfo.output_height;
    jpeg_destroy_decompress(&cinfo);
    return pixels;
}

static void assert_same_pixels(const unsigned char *a, size_t a_len, const unsigned char *b,
                               size_t b_len)
{
    int aw = 0, ah = 0, bw = 0, bh = 0;
    unsigned char *pa = decode_rgb(a, a_len, &aw, &ah);
    unsigned char *pb = decode_rgb(b, b_len, &bw, &bh);
    assert_non_null(pa);
    assert_non_null(pb);
    assert_int_equal(aw, bw);
    assert_int_equal(ah, bh);
    assert_memory_equal(pa, pb, (size_t)aw * (size_t)ah * 3);
    free(pa);
    free(pb);
}

static void fix_bytes(const unsigned char *data, size_t len, gpi_fix_outcome *o)
{
    gpi_jpeg_info info;
    gpi_jpeg_inspect(data, len, &info);
    gp_report *judged = gp_report_new("fix");
    assert_non_null(judged);
    gpi_where where = {.seq = "0001", .file = "0001.jpg"};
    gpi_photo_judge(&info, len, profile, &where, judged);
    gpi_fix_photo(data, len, &info, judged, profile, GP_CROP_NONE, false, "0001.jpg", o);
    gp_report_free(judged);
}

static photogen_result make(const photogen_options *o)
{
    photogen_result r;
    char why[200];
    assert_true(photogen_make(o, &r, why, sizeof why));
    assert_true(r.in_window);
    return r;
}

/* The output is 300 dpi JFIF, without Exif or profile, and judges clean. */
static void assert_clean_metadata(const unsigned char *data, size_t len)
{
    gpi_jpeg_info info;
    gpi_jpeg_inspect(data, len, &info);
    assert_true(info.decoded);
    assert_true(info.has_jfif);
    assert_int_equal(info.density_unit, 1);
    assert_int_equal(info.x_density, 300);
    assert_int_equal(info.y_density, 300);
    assert_false(info.has_exif_resolution);
    assert_int_equal(info.icc, GPI_ICC_NONE);
    gp_report *judged = gp_report_new("check");
    assert_non_null(judged);
    assert_int_equal(gpi_photo_judge(&info, len, profile, NULL, judged), 0);
    assert_int_equal(gp_report_count(judged), 0);
    gp_report_free(judged);
    assert_null(memmem(data, len, "Exif", 4));
}

static void low_dpi_photo_keeps_its_pixels(void **state)
{
    (void)state;
    photogen_options variants[3];
    for (int i = 0; i < 3; i++) {
        photogen_defaults(&variants[i]);
        variants[i].dpi = 72;
        variants[i].seed = (uint32_t)(7 + i);
    }
    variants[1].exif_dpi_only = true;   /* Exif resolution, no JFIF */
    variants[2].orientation = 1;        /* Exif with orientation 1 ... */
    variants[2].icc = PHOTOGEN_ICC_SRGB; /* ... and an sRGB profile */
    variants[2].progressive = true;
    for (int i = 0; i < 3; i++) {
        photogen_result in = make(&variants[i]);
        gpi_fix_outcome o;
        fix_bytes(in.data, in.len, &o);
        assert_int_equal(o.action, GPI_FIX_METADATA);
        assert_int_equal(o.code, GP_FIX_CHANGED);
        assert_int_equal(o.encodes, 0);
        assert_non_null(strstr(o.message, "仅修改分辨率信息"));
        assert_non_null(strstr(o.message, "72→300 dpi"));
        assert_true(o.out_len >= profile->min_bytes && o.out_len <= profile->max_bytes);
        assert_clean_metadata(o.out, o.out_len);
        assert_same_pixels(in.data, in.len, o.out, o.out_len);
        gpi_fix_outcome_clear(&o);
        photogen_result_free(&in);
    }
}

static void out_of_window_falls_back_to_reencode(void **state)
{
    (void)state;
    photogen_options o;
    photogen_defaults(&o);
    o.dpi = 72;
    o.quality = 80; /* far below the window: only a re-encode can reach it */
    photogen_result r;
    char why[200];
    assert_true(photogen_make(&o, &r, why, sizeof why));
    gpi_fix_outcome out;
    fix_bytes(r.data, r.len, &out);
    assert_int_equal(out.action, GPI_FIX_FIXED);
    assert_true(out.encodes >= 1);
    gpi_fix_outcome_clear(&out);

    /* orientation 6 needs the pixels turned: never the lossless path */
    photogen_defaults(&o);
    o.dpi = 72;
    o.width = 1280;
    o.height = 960;
    o.orientation = 6;
    photogen_result turned;
    assert_true(photogen_make(&o, &turned, why, sizeof why));
    gpi_jpeg_info info;
    gpi_jpeg_inspect(turned.data, turned.len, &info);
    gp_report *judged = gp_report_new("fix");
    gpi_photo_judge(&info, turned.len, profile, NULL, judged);
    unsigned char *rewritten = (unsigned char *)"x";
    size_t rewritten_len = 1;
    assert_false(gpi_fix_try_lossless(turned.data, turned.len, &info, judged, profile, &rewritten,
                                     &rewritten_len));
    assert_null(rewritten);
    gp_report_free(judged);
    photogen_result_free(&turned);
    photogen_result_free(&r);
}

/* A small JPEG with a restart interval (RSTn inside the entropy data), a
 * comment and an APP segment, encoded here so every marker kind is there. */
static unsigned char *encode_with_restarts(size_t *len)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr mgr;
    cinfo.err = jpeg_std_error(&mgr);
    jpeg_create_compress(&cinfo);
    unsigned char *buf = NULL;
    unsigned long size = 0;
    jpeg_mem_dest(&cinfo, &buf, &size);
    cinfo.image_width = 64;
    cinfo.image_height = 48;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 95, TRUE);
    cinfo.restart_in_rows = 1;
    jpeg_start_compress(&cinfo, TRUE);
    jpeg_write_marker(&cinfo, JPEG_COM, (const JOCTET *)"made by a test", 14);
    jpeg_write_marker(&cinfo, JPEG_APP0 + 13, (const JOCTET *)"Photoshop 3.0", 14);
    unsigned char row[64 * 3];
    while (cinfo.next_scanline < cinfo.image_height) {
        for (int x = 0; x < 64 * 3; x++) /* 255s make stuffed FF 00 likely */
            row[x] = (unsigned char)(x % 7 == 0 ? 255 : (x * 37 + cinfo.next_scanline * 11));
        JSAMPROW r = row;
        jpeg_write_scanlines(&cinfo, &r, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *len = size;
    return buf;
}

static void restarts_comments_and_trailers(void **state)
{
    (void)state;
    size_t len;
    unsigned char *jpeg = encode_with_restarts(&len);
    assert_non_null(memmem(jpeg, len, "\xFF\xD0", 2)); /* RST0 is really there */
    /* something appended after EOI is not image data */
    unsigned char *trailed = malloc(len + 5);
    memcpy(trailed, jpeg, len);
    memcpy(trailed + len, "JUNK!", 5);
    unsigned char *out;
    size_t out_len;
    assert_true(gpi_fix_rewrite_metadata(trailed, len + 5, 300, &out, &out_len));
    assert_null(memmem(out, out_len, "made by a test", 14));
    assert_null(memmem(out, out_len, "Photoshop", 9));
    assert_null(memmem(out, out_len, "JUNK!", 5));
    assert_memory_equal(out + out_len - 2, "\xFF\xD9", 2);
    static const unsigned char jfif[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F',
                                         0x00, 0x01, 0x01, 0x01, 0x01, 0x2C, 0x01, 0x2C};
    assert_memory_equal(out, jfif, sizeof jfif);
    assert_same_pixels(jpeg, len, out, out_len);
    free(out);
    free(trailed);
    free(jpeg);
}

static void hostile_marker_structures_are_refused(void **state)
{
    (void)state;
    size_t len;
    unsigned char *jpeg = encode_with_restarts(&len);
    unsigned char *out = NULL;
    size_t out_len = 0;
    /* every truncation: refused (no EOI), never read past the end */
    for (size_t cut = 0; cut < len - 1; cut++) {
        unsigned char *copy = malloc(cut ? cut : 1);
        memcpy(copy, jpeg, cut);
        assert_false(gpi_fix_rewrite_metadata(copy, cut, 300, &out, &out_len));
        assert_null(out);
        free(copy);
    }
    /* the first segment after SOI (APP0) claims to run past the end */
    unsigned char *bad = malloc(len);
    memcpy(bad, jpeg, len);
    bad[4] = 0xFF, bad[5] = 0xFF;
    assert_false(gpi_fix_rewrite_metadata(bad, len, 300, &out, &out_len));
    /* a length below 2 */
    bad[4] = 0x00, bad[5] = 0x01;
    assert_false(gpi_fix_rewrite_metadata(bad, len, 300, &out, &out_len));
    /* no marker where one must be */
    memcpy(bad, jpeg, len);
    bad[2] = 0x12;
    assert_false(gpi_fix_rewrite_metadata(bad, len, 300, &out, &out_len));
    /* not a JPEG at all */
    assert_false(gpi_fix_rewrite_metadata((const unsigned char *)"GIF89a", 6, 300, &out,
                                         &out_len));
    /* SOI, then EOI: no frame, no scan */
    assert_false(gpi_fix_rewrite_metadata((const unsigned char *)"\xFF\xD8\xFF\xD9", 4, 300,
                                         &out, &out_len));
    assert_null(out);
    free(bad);
    free(jpeg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(low_dpi_photo_keeps_its_pixels),
        cmocka_unit_test(out_of_window_falls_back_to_reencode),
        cmocka_unit_test(restarts_comments_and_trailers),
        cmocka_unit_test(hostile_marker_structures_are_refused),
    };
    return cmocka_run_group_tests(tests, load_profile, free_profile);
}
