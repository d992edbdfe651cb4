/* fix geometry: the 3:4 tolerance, the centre crop a clerk is told about,
 * the DCT scale choice (the smallest M/8 that keeps the target size), and
 * Exif orientation applied to a tiny known image (all eight values). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fix/fix_internal.h"

static void aspect_tolerance_is_one_percent(void **state)
{
    (void)state;
    assert_true(gpi_fix_aspect_ok(960, 1280, 960, 1280));
    assert_true(gpi_fix_aspect_ok(3024, 4032, 960, 1280));
    assert_true(gpi_fix_aspect_ok(3000, 4000, 960, 1280));
    /* 0.99 × 0.75 and 1.01 × 0.75 are the limits */
    assert_true(gpi_fix_aspect_ok(7425, 10000, 960, 1280));
    assert_true(gpi_fix_aspect_ok(7575, 10000, 960, 1280));
    assert_false(gpi_fix_aspect_ok(7424, 10000, 960, 1280));
    assert_false(gpi_fix_aspect_ok(7576, 10000, 960, 1280));
    assert_false(gpi_fix_aspect_ok(4032, 3024, 960, 1280)); /* 4:3 */
    assert_false(gpi_fix_aspect_ok(1080, 1920, 960, 1280)); /* 9:16 */
    assert_false(gpi_fix_aspect_ok(0, 1280, 960, 1280));
}

static void center_crop_boxes(void **state)
{
    (void)state;
    gpi_fix_box wide = gpi_fix_center_crop(4032, 3024, 960, 1280);
    assert_int_equal(wide.height, 3024);
    assert_int_equal(wide.width, 2268);
    assert_int_equal(wide.x, 882);
    assert_int_equal(wide.y, 0);
    gpi_fix_box tall = gpi_fix_center_crop(1080, 1920, 960, 1280);
    assert_int_equal(tall.width, 1080);
    assert_int_equal(tall.height, 1440);
    assert_int_equal(tall.x, 0);
    assert_int_equal(tall.y, 240);
    gpi_fix_box exact = gpi_fix_center_crop(960, 1280, 960, 1280);
    assert_int_equal(exact.width, 960);
    assert_int_equal(exact.height, 1280);
    char text[256];
    gpi_fix_describe_crop(4032, 3024, 960, 1280, text, sizeof text);
    assert_non_null(strstr(text, "左右各裁掉 882 像素"));
    assert_non_null(strstr(text, "2268×3024"));
    gpi_fix_describe_crop(1001, 1280, 960, 1280, text, sizeof text);
    assert_non_null(strstr(text, "左边裁掉 20 像素、右边裁掉 21 像素"));
    gpi_fix_describe_crop(1080, 1920, 960, 1280, text, sizeof text);
    assert_non_null(strstr(text, "上下各裁掉 240 像素"));
}

static void scale_smallest_eighths(void **state)
{
    (void)state;
    /* phone photo: 3/8 gives 1134×1512 (2/8 would be 756×1008, too small) */
    assert_int_equal(gpi_fix_scale_eighths(3024, 4032, 1, 960, 1280), 3);
    /* exactly 2× the target: 4/8 lands on 960×1280 */
    assert_int_equal(gpi_fix_scale_eighths(1920, 2560, 1, 960, 1280), 4);
    /* one pixel short of 4/8 in width: 3/8 would fall below, 4/8 is not
     * enough either (1919×4/8 = 959), so 5/8 */
    assert_int_equal(gpi_fix_scale_eighths(1919, 2560, 1, 960, 1280), 5);
    assert_int_equal(gpi_fix_scale_eighths(7680, 10240, 1, 960, 1280), 1);
    assert_int_equal(gpi_fix_scale_eighths(7679, 10240, 1, 960, 1280), 2);
    /* just above the target: 7/8 would give 875×1166, so no scaling */
    assert_int_equal(gpi_fix_scale_eighths(1000, 1333, 1, 960, 1280), 8);
    assert_int_equal(gpi_fix_scale_eighths(960, 1280, 1, 960, 1280), 8);
    assert_int_equal(gpi_fix_scale_eighths(480, 640, 1, 960, 1280), 8);
    /* the tighter axis decides: 1600×2400 needs 5/8 for the width */
    assert_int_equal(gpi_fix_scale_eighths(1600, 2400, 1, 960, 1280), 5);
    /* orientations 5-8 store the photo sideways: the same stored 1600×2400
     * becomes 2400×1600 upright, so 1600 must cover 1280 -> 7/8 */
    assert_int_equal(gpi_fix_scale_eighths(1600, 2400, 6, 960, 1280), 7);
    assert_int_equal(gpi_fix_scale_eighths(1600, 2400, 8, 960, 1280), 7);
    assert_int_equal(gpi_fix_scale_eighths(1600, 2400, 3, 960, 1280), 5);
    /* a phone photo stored 4032×3024 with orientation 6 is 3024×4032 upright */
    assert_int_equal(gpi_fix_scale_eighths(4032, 3024, 6, 960, 1280), 3);
    assert_int_equal(gpi_fix_scale_eighths(4032, 3024, 8, 960, 1280), 3);
    /* a centre-cropped box (2268×3024 out of 4032×3024): 4/8 = 1134×1512 */
    assert_int_equal(gpi_fix_scale_eighths(2268, 3024, 1, 960, 1280), 4);
}

/* A 3×2 image whose pixel (x, y) has value 10*y + x in every channel:
 *   0  1  2
 *  10 11 12 */
static gpi_fix_image tiny(void)
{
    gpi_fix_image img = {.width = 3, .height = 2, .channels = 3};
    img.pixels = malloc(18);
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++)
            memset(img.pixels + (y * 3 + x) * 3, 10 * y + x, 3);
    return img;
}

static void expect_rows(const gpi_fix_image *img, int w, int h, const int *values)
{
    assert_int_equal(img->width, w);
    assert_int_equal(img->height, h);
    for (int i = 0; i < w * h; i++) {
        assert_int_equal(img->pixels[i * 3], values[i]);
        assert_int_equal(img->pixels[i * 3 + 2], values[i]);
    }
}

static void orientation_all_eight(void **state)
{
    (void)state;
    /* what the upright image must hold, row by row, for each tag */
    static const int expected[9][6] = {
        {0},
        {0, 1, 2, 10, 11, 12},  /* 1 */
        {2, 1, 0, 12, 11, 10},  /* 2 mirrored */
        {12, 11, 10, 2, 1, 0},  /* 3 rotated 180 */
        {10, 11, 12, 0, 1, 2},  /* 4 flipped */
        {0, 10, 1, 11, 2, 12},  /* 5 transposed */
        {10, 0, 11, 1, 12, 2},  /* 6 rotated 90 CW */
        {12, 2, 11, 1, 10, 0},  /* 7 transversed */
        {2, 12, 1, 11, 0, 10},  /* 8 rotated 270 CW */
    };
    for (int o = 1; o <= 8; o++) {
        gpi_fix_image img = tiny();
        assert_true(gpi_fix_orient(&img, o));
        if (o >= 5)
            expect_rows(&img, 2, 3, expected[o]);
        else
            expect_rows(&img, 3, 2, expected[o]);
        gpi_fix_image_free(&img);
    }
    gpi_fix_image img = tiny();
    assert_false(gpi_fix_orient(&img, 9));
    assert_false(gpi_fix_orient(&img, 0));
    expect_rows(&img, 3, 2, expected[1]);
    gpi_fix_image_free(&img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(aspect_tolerance_is_one_percent),
        cmocka_unit_test(center_crop_boxes),
        cmocka_unit_test(scale_smallest_eighths),
        cmocka_unit_test(orientation_all_eight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
