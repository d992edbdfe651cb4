/* JPEG inspection and judging: every defect of issue 2's "Photo inspection"
 * on JPEGs made by photogen, each judged against the real profile. */
#include "helpers.h"
#include "core/profile.h"
#include "photo/photo.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define END GP_CODE_COUNT

static gp_profile *profile;

static int setup(void **state)
{
    (void)state;
    profile = load_profile();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gp_profile_free(profile);
    return 0;
}

static photogen_options defaults(void)
{
    photogen_options o;
    photogen_defaults(&o);
    return o;
}

/* Judge options and expect exactly the listed codes. */
#define EXPECT(options, info, ...)                                     \
    do {                                                               \
        gp_report *report_ = judge_options(&(options), profile, info); \
        assert_codes(report_, __VA_ARGS__, END);                       \
        gp_report_free(report_);                                       \
    } while (0)

static void clean_photo_passes(void **state)
{
    (void)state;
    photogen_options o = defaults();
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(gp_report_count(report), 0);
    gp_report_free(report);
    assert_true(info.is_jpeg);
    assert_true(info.decoded);
    assert_int_equal(info.width, 960);
    assert_int_equal(info.height, 1280);
    assert_int_equal(info.components, 3);
    assert_int_equal(info.bits, 8);
    assert_int_equal(info.color, GPI_JCOLOR_YCBCR);
    assert_true(info.has_jfif);
    assert_int_equal(info.density_unit, 1);
    assert_int_equal(info.x_density, 300);
    assert_int_equal(info.orientation, 1);
    assert_int_equal(info.icc, GPI_ICC_NONE);
    assert_true(gpi_jpeg_dpi(&info) == 300.0);
}

static void progressive_passes(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.progressive = true;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(gp_report_count(report), 0);
    assert_true(info.progressive);
    assert_true(info.decoded);
    gp_report_free(report);
}

static void cmyk_is_colorspace(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.color = PHOTOGEN_CMYK;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.color, GPI_JCOLOR_CMYK);
    assert_int_equal(info.components, 4);
    assert_codes(report, GP_PHOTO_COLORSPACE, END); /* 300 dpi stated in Exif */
    const gp_finding *f = find_code(report, GP_PHOTO_COLORSPACE);
    assert_non_null(f);
    assert_non_null(strstr(f->actual, "CMYK"));
    assert_non_null(strstr(f->message, "0001.jpg"));
    gp_report_free(report);
}

static void ycck_is_colorspace(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.color = PHOTOGEN_YCCK;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.color, GPI_JCOLOR_YCCK);
    assert_codes(report, GP_PHOTO_COLORSPACE, END);
    const gp_finding *f = find_code(report, GP_PHOTO_COLORSPACE);
    assert_non_null(f);
    assert_non_null(strstr(f->actual, "YCCK"));
    gp_report_free(report);
}

static void grayscale_is_colorspace(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.color = PHOTOGEN_GRAY;
    o.quality = 90;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.color, GPI_JCOLOR_GRAY);
    assert_int_equal(info.components, 1);
    const gp_finding *f = find_code(report, GP_PHOTO_COLORSPACE);
    assert_non_null(f);
    assert_non_null(strstr(f->actual, "灰度"));
    gp_report_free(report);
}

static void dpi_72_is_wrong(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.dpi = 72;
    gp_report *report = judge_options(&o, profile, NULL);
    assert_codes(report, GP_PHOTO_DPI, END);
    const gp_finding *f = find_code(report, GP_PHOTO_DPI);
    assert_string_equal(f->actual, "72 dpi");
    assert_string_equal(f->expected, "300 dpi");
    gp_report_free(report);
}

static void dots_per_cm_118_and_119_pass(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.density_unit = 2; /* 300 / 2.54 rounds to 118 */
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.density_unit, 2);
    assert_int_equal(info.x_density, 118);
    assert_int_equal(gp_report_count(report), 0);
    gp_report_free(report);

    o.density = 119;
    report = judge_options(&o, profile, &info);
    assert_int_equal(info.x_density, 119);
    assert_int_equal(gp_report_count(report), 0);
    gp_report_free(report);

    o.density = 117;
    report = judge_options(&o, profile, &info);
    assert_codes(report, GP_PHOTO_DPI, END);
    gp_report_free(report);
}

static void dots_per_cm_28_fails(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.density_unit = 2;
    o.dpi = 72; /* 28 dots/cm */
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.x_density, 28);
    assert_codes(report, GP_PHOTO_DPI, END);
    assert_non_null(strstr(find_code(report, GP_PHOTO_DPI)->actual, "28 像素/厘米"));
    gp_report_free(report);
}

static void exif_only_resolution(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.exif_dpi_only = true;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_false(info.has_jfif);
    assert_true(info.has_exif_resolution);
    assert_true(gpi_jpeg_dpi(&info) == 300.0);
    assert_int_equal(gp_report_count(report), 0);
    gp_report_free(report);

    o.dpi = 96;
    report = judge_options(&o, profile, &info);
    assert_codes(report, GP_PHOTO_DPI, END);
    assert_non_null(strstr(find_code(report, GP_PHOTO_DPI)->actual, "96 dpi"));
    gp_report_free(report);
}

static void no_resolution_is_wrong(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.density_unit = 0;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_true(gpi_jpeg_dpi(&info) == 0.0);
    assert_codes(report, GP_PHOTO_DPI, END);
    assert_non_null(strstr(find_code(report, GP_PHOTO_DPI)->message, "没有记录分辨率"));
    gp_report_free(report);
}

static void adobe_rgb_icc_is_wrong(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.icc = PHOTOGEN_ICC_ADOBE;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.icc, GPI_ICC_OTHER);
    assert_string_equal(info.icc_description, "Adobe RGB (1998)");
    assert_codes(report, GP_PHOTO_ICC, END);
    assert_non_null(strstr(find_code(report, GP_PHOTO_ICC)->message, "Adobe RGB (1998)"));
    gp_report_free(report);
}

static void srgb_icc_passes_unless_forbidden(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.icc = PHOTOGEN_ICC_SRGB;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.icc, GPI_ICC_SRGB);
    assert_string_equal(info.icc_description, "sRGB IEC61966-2.1");
    assert_int_equal(gp_report_count(report), 0);
    gp_report_free(report);

    profile->allow_srgb_icc = false;
    report = judge_options(&o, profile, &info);
    profile->allow_srgb_icc = true;
    assert_codes(report, GP_PHOTO_ICC, END);
    gp_report_free(report);
}

static void broken_icc_is_wrong(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.icc = PHOTOGEN_ICC_SRGB;
    o.quality = 90;
    photogen_result r;
    make_photo(&o, &r);
    /* the ICC header's "acsp" signature: without it lcms2 refuses the profile */
    unsigned char *acsp = memmem(r.data, r.len, "acsp", 4);
    assert_non_null(acsp);
    memcpy(acsp, "xxxx", 4);
    gpi_jpeg_info info;
    gp_report *report = judge_bytes(r.data, r.len, profile, &info);
    assert_int_equal(info.icc, GPI_ICC_BROKEN);
    assert_true(info.decoded);
    assert_non_null(find_code(report, GP_PHOTO_ICC));
    assert_null(find_code(report, GP_PHOTO_CORRUPT));
    gp_report_free(report);
    photogen_result_free(&r);
}

static void orientation_6_is_wrong(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.orientation = 6;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_int_equal(info.orientation, 6);
    assert_codes(report, GP_PHOTO_ORIENTATION, END);
    const gp_finding *f = find_code(report, GP_PHOTO_ORIENTATION);
    assert_string_equal(f->actual, "6");
    assert_non_null(strstr(f->message, "顺时针旋转 90°"));
    gp_report_free(report);

    o.orientation = 1; /* written explicitly: fine */
    report = judge_options(&o, profile, &info);
    assert_int_equal(gp_report_count(report), 0);
    gp_report_free(report);
}

static void truncated_is_corrupt(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.truncate = 5000;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_true(info.is_jpeg);
    assert_false(info.decoded);
    assert_int_equal(info.width, 960);
    assert_non_null(find_code(report, GP_PHOTO_CORRUPT));
    gp_report_free(report);

    /* even two bytes short (only the EOI marker missing) never passes */
    o.truncate = 2;
    report = judge_options(&o, profile, &info);
    assert_false(info.decoded);
    assert_codes(report, GP_PHOTO_CORRUPT, END);
    gp_report_free(report);
}

static void cut_inside_header_is_corrupt(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.quality = 90;
    photogen_result r;
    make_photo(&o, &r);
    gpi_jpeg_info info;
    gp_report *report = judge_bytes(r.data, 100, profile, &info);
    assert_true(info.is_jpeg);
    assert_false(info.decoded);
    assert_int_equal(info.width, 0);
    assert_codes(report, GP_PHOTO_CORRUPT, GP_PHOTO_FILESIZE, END);
    gp_report_free(report);
    photogen_result_free(&r);
}

static void bit_flips_are_corrupt(void **state)
{
    (void)state;
    photogen_options o = defaults();
    photogen_result r;
    make_photo(&o, &r);
    /* damage in the middle of the entropy-coded data, as a bad copy does */
    size_t at = r.len / 2;
    for (size_t i = 0; i < 64; i += 4)
        r.data[at + i] ^= 0x5A;
    gpi_jpeg_info info;
    gp_report *report = judge_bytes(r.data, r.len, profile, &info);
    assert_false(info.decoded);
    assert_true(info.decode_error[0] != '\0');
    assert_codes(report, GP_PHOTO_CORRUPT, END);
    gp_report_free(report);
    photogen_result_free(&r);
}

static void png_renamed_is_not_jpeg(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.png = true;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_false(info.is_jpeg);
    assert_string_equal(info.looks_like, "PNG");
    /* a 960×1280 PNG is megabytes: only not_jpeg and filesize */
    assert_codes(report, GP_PHOTO_NOT_JPEG, GP_PHOTO_FILESIZE, END);
    assert_non_null(strstr(find_code(report, GP_PHOTO_NOT_JPEG)->message, "PNG"));
    gp_report_free(report);
}

static void empty_file_is_not_jpeg(void **state)
{
    (void)state;
    gpi_jpeg_info info;
    gp_report *report = judge_bytes((const unsigned char *)"", 0, profile, &info);
    assert_false(info.is_jpeg);
    assert_codes(report, GP_PHOTO_NOT_JPEG, GP_PHOTO_FILESIZE, END);
    assert_non_null(strstr(find_code(report, GP_PHOTO_NOT_JPEG)->message, "空文件"));
    gp_report_free(report);
}

static void random_bytes_never_pass(void **state)
{
    (void)state;
    size_t len = 600000;
    unsigned char *junk = malloc(len);
    assert_non_null(junk);
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        junk[i] = (unsigned char)x;
    }
    gpi_jpeg_info info;
    gp_report *report = judge_bytes(junk, len, profile, &info);
    assert_codes(report, GP_PHOTO_NOT_JPEG, END);
    gp_report_free(report);

    /* the same junk behind a JPEG start marker */
    junk[0] = 0xFF, junk[1] = 0xD8, junk[2] = 0xFF;
    report = judge_bytes(junk, len, profile, &info);
    assert_true(info.is_jpeg);
    assert_false(info.decoded);
    assert_non_null(find_code(report, GP_PHOTO_CORRUPT));
    assert_null(find_code(report, GP_PHOTO_NOT_JPEG));
    gp_report_free(report);
    free(junk);
}

static void other_formats_are_named(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t len;
        const char *kind;
    } cases[] = {
        {"GIF89a\1\0\1\0", 10, "GIF"},
        {"\0\0\0\x18" "ftypheic\0\0\0\0", 16, "HEIC"},
        {"BM\x36\0\0\0\0\0\0\0\x36\0\0\0", 14, "BMP"},
        {"RIFF\0\0\0\0WEBPVP8 ", 16, "WebP"},
        {"%PDF-1.4\n", 9, "PDF"},
        {"hello, world", 12, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gpi_jpeg_info info;
        gp_report *report = judge_bytes((const unsigned char *)cases[i].bytes, cases[i].len,
                                        profile, &info);
        assert_false(info.is_jpeg);
        if (cases[i].kind)
            assert_string_equal(info.looks_like, cases[i].kind);
        else
            assert_null(info.looks_like);
        assert_codes(report, GP_PHOTO_NOT_JPEG, GP_PHOTO_FILESIZE, END);
        gp_report_free(report);
    }
}

static void too_small_and_too_large(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.texture = PHOTOGEN_TEXTURE_FLAT;
    photogen_result r;
    make_photo(&o, &r);
    assert_false(r.in_window);
    gp_report *report = judge_bytes(r.data, r.len, profile, NULL);
    assert_codes(report, GP_PHOTO_FILESIZE, END);
    const gp_finding *f = find_code(report, GP_PHOTO_FILESIZE);
    assert_string_equal(f->expected, "563200–665600");
    assert_non_null(strstr(f->message, "小于"));
    char bytes[32];
    snprintf(bytes, sizeof bytes, "%zu", r.len);
    assert_string_equal(f->actual, bytes);
    gp_report_free(report);
    photogen_result_free(&r);

    o = defaults();
    o.quality = 100;
    report = judge_options(&o, profile, NULL);
    assert_codes(report, GP_PHOTO_FILESIZE, END);
    assert_non_null(strstr(find_code(report, GP_PHOTO_FILESIZE)->message, "大于"));
    gp_report_free(report);
}

static void window_edges_are_inclusive(void **state)
{
    (void)state;
    photogen_options o = defaults();
    photogen_result r;
    make_photo(&o, &r);
    gpi_jpeg_info info;
    gpi_jpeg_inspect(r.data, r.len, &info);
    const uint64_t sizes[] = {563199, 563200, 665600, 665601};
    const bool wrong[] = {true, false, false, true};
    for (size_t i = 0; i < 4; i++) {
        gp_report *report = gp_report_new("check");
        gpi_photo_judge(&info, sizes[i], profile, NULL, report);
        assert_int_equal(gp_report_has(report, GP_PHOTO_FILESIZE), wrong[i]);
        gp_report_free(report);
    }
    photogen_result_free(&r);
}

static void wrong_dimensions(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.width = 1280, o.height = 960; /* turned sideways */
    gp_report *report = judge_options(&o, profile, NULL);
    assert_codes(report, GP_PHOTO_DIMENSIONS, END);
    const gp_finding *f = find_code(report, GP_PHOTO_DIMENSIONS);
    assert_string_equal(f->actual, "1280×960");
    assert_string_equal(f->expected, "960×1280");
    assert_non_null(strstr(f->message, "宽高颠倒"));
    gp_report_free(report);

    o.width = 1512, o.height = 2016, o.quality = 80;
    report = judge_options(&o, profile, NULL);
    assert_string_equal(find_code(report, GP_PHOTO_DIMENSIONS)->actual, "1512×2016");
    assert_null(strstr(find_code(report, GP_PHOTO_DIMENSIONS)->message, "宽高颠倒"));
    gp_report_free(report);
}

static void every_finding_is_reported(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.color = PHOTOGEN_CMYK;
    o.exif_dpi_only = true;
    o.dpi = 72;
    o.orientation = 8;
    o.icc = PHOTOGEN_ICC_ADOBE;
    o.width = 480, o.height = 640;
    o.quality = 75;
    gpi_jpeg_info info;
    gp_report *report = judge_options(&o, profile, &info);
    assert_codes(report, GP_PHOTO_COLORSPACE, GP_PHOTO_DPI, GP_PHOTO_ORIENTATION, GP_PHOTO_ICC,
                 GP_PHOTO_DIMENSIONS, GP_PHOTO_FILESIZE, END);
    assert_int_equal(gp_report_count_severity(report, GP_ERROR), 6);
    gp_report_free(report);
}

static void dpi_rounding_rule(void **state)
{
    (void)state;
    gpi_jpeg_info info = {.has_jfif = true, .density_unit = 1, .x_density = 300,
                         .y_density = 300};
    assert_true(gpi_jpeg_dpi_matches(&info, 300));
    info.y_density = 72; /* both axes must match */
    assert_false(gpi_jpeg_dpi_matches(&info, 300));
    info = (gpi_jpeg_info){.has_jfif = true, .density_unit = 2, .x_density = 118,
                          .y_density = 118};
    assert_true(gpi_jpeg_dpi(&info) > 299.7 && gpi_jpeg_dpi(&info) < 299.75);
    assert_true(gpi_jpeg_dpi_matches(&info, 300));
    info.x_density = info.y_density = 120;
    assert_false(gpi_jpeg_dpi_matches(&info, 300));
    /* JFIF without a unit defers to Exif */
    info = (gpi_jpeg_info){.has_jfif = true, .density_unit = 0, .x_density = 1, .y_density = 1,
                          .has_exif_resolution = true, .exif_resolution_unit = 2,
                          .exif_x_dpi = 300, .exif_y_dpi = 300};
    assert_true(gpi_jpeg_dpi(&info) == 300.0);
    assert_true(gpi_jpeg_dpi_matches(&info, 300));
    info.exif_x_dpi = info.exif_y_dpi = 299.4;
    assert_false(gpi_jpeg_dpi_matches(&info, 300));
    /* Exif in centimetres: 118.11 dots/cm */
    info.exif_resolution_unit = 3;
    info.exif_x_dpi = info.exif_y_dpi = 118.11 * 2.54;
    assert_true(gpi_jpeg_dpi_matches(&info, 300));
}

/* Point the frame header (SOF0) at other dimensions. */
static void set_dimensions(unsigned char *jpeg, size_t len, unsigned width, unsigned height)
{
    for (size_t i = 2; i + 9 < len; i++)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
            jpeg[i + 5] = (unsigned char)(height >> 8), jpeg[i + 6] = (unsigned char)height;
            jpeg[i + 7] = (unsigned char)(width >> 8), jpeg[i + 8] = (unsigned char)width;
            return;
        }
    fail_msg("no SOF0 marker");
}

static void hostile_dimensions_end_quickly(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.width = 64, o.height = 80, o.quality = 50;
    photogen_result r;
    make_photo(&o, &r);
    /* 65000×65000 announced in a tiny file: refused before decoding */
    set_dimensions(r.data, r.len, 65000, 65000);
    gpi_jpeg_info info;
    gp_report *report = judge_bytes(r.data, r.len, profile, &info);
    assert_false(info.decoded);
    assert_int_equal(info.width, 65000);
    assert_non_null(find_code(report, GP_PHOTO_CORRUPT));
    assert_non_null(find_code(report, GP_PHOTO_DIMENSIONS));
    gp_report_free(report);
    /* 12000×9000 (a 108-megapixel phone) with data for 64×80: stops at the
     * first sign that the data ran out */
    set_dimensions(r.data, r.len, 12000, 9000);
    report = judge_bytes(r.data, r.len, profile, &info);
    assert_false(info.decoded);
    assert_non_null(find_code(report, GP_PHOTO_CORRUPT));
    gp_report_free(report);
    photogen_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_photo_passes),
        cmocka_unit_test(progressive_passes),
        cmocka_unit_test(cmyk_is_colorspace),
        cmocka_unit_test(ycck_is_colorspace),
        cmocka_unit_test(grayscale_is_colorspace),
        cmocka_unit_test(dpi_72_is_wrong),
        cmocka_unit_test(dots_per_cm_118_and_119_pass),
        cmocka_unit_test(dots_per_cm_28_fails),
        cmocka_unit_test(exif_only_resolution),
        cmocka_unit_test(no_resolution_is_wrong),
        cmocka_unit_test(adobe_rgb_icc_is_wrong),
        cmocka_unit_test(srgb_icc_passes_unless_forbidden),
        cmocka_unit_test(broken_icc_is_wrong),
        cmocka_unit_test(orientation_6_is_wrong),
        cmocka_unit_test(truncated_is_corrupt),
        cmocka_unit_test(cut_inside_header_is_corrupt),
        cmocka_unit_test(bit_flips_are_corrupt),
        cmocka_unit_test(png_renamed_is_not_jpeg),
        cmocka_unit_test(empty_file_is_not_jpeg),
        cmocka_unit_test(random_bytes_never_pass),
        cmocka_unit_test(other_formats_are_named),
        cmocka_unit_test(too_small_and_too_large),
        cmocka_unit_test(window_edges_are_inclusive),
        cmocka_unit_test(wrong_dimensions),
        cmocka_unit_test(every_finding_is_reported),
        cmocka_unit_test(dpi_rounding_rule),
        cmocka_unit_test(hostile_dimensions_end_quickly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
