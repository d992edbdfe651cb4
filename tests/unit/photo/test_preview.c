/* The inspection's preview (gpi_jpeg_inspect_preview: the DCT scale chosen,
 * RGB pixels, CMYK converted) and the HTML report's thumbnail made from it
 * (gpi_thumbnail_encode). */
#include "helpers.h"
#include "photo/photo.h"
#include "photo/thumbnail.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static photogen_options photo_options(void)
{
    photogen_options o;
    photogen_defaults(&o);
    o.quality = 95; /* fixed: no window search, and close to the rendered pixels */
    return o;
}

/* Mean absolute difference between the preview and the rendered picture
 * averaged over the same boxes (the preview is the picture at scale/8). */
static double mean_difference(const gpi_preview *p, const unsigned char *rendered, int w, int h)
{
    double total = 0;
    for (int y = 0; y < p->height; y++)
        for (int x = 0; x < p->width; x++) {
            int x0 = x * w / p->width, x1 = (x + 1) * w / p->width;
            int y0 = y * h / p->height, y1 = (y + 1) * h / p->height;
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (int sy = y0; sy < y1; sy++)
                    for (int sx = x0; sx < x1; sx++)
                        sum += rendered[((size_t)sy * w + sx) * 3 + c];
                double mean = sum / ((y1 - y0) * (x1 - x0));
                total += fabs(mean - p->rgb[((size_t)y * p->width + x) * 3 + c]);
            }
        }
    return total / ((double)p->width * p->height * 3);
}

static void smallest_scale_at_least_min_width(void **state)
{
    (void)state;
    photogen_options o = photo_options();
    photogen_result photo;
    make_photo(&o, &photo);
    static const struct { int min_width, scale, width, height; } cases[] = {
        {0, 1, 120, 160},    {120, 1, 120, 160}, {121, 2, 240, 320},
        {240, 2, 240, 320},  {241, 3, 360, 480}, {480, 4, 480, 640},
        {961, 8, 960, 1280}, /* narrower photo: the whole of it */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gpi_jpeg_info info;
        gpi_preview p;
        gpi_jpeg_inspect_preview(photo.data, photo.len, &info, cases[i].min_width, &p);
        assert_true(info.decoded);
        assert_int_equal(info.width, 960); /* the photo's size, not the preview's */
        assert_non_null(p.rgb);
        assert_int_equal(p.scale_num, cases[i].scale);
        assert_int_equal(p.width, cases[i].width);
        assert_int_equal(p.height, cases[i].height);
        gpi_preview_free(&p);
        assert_null(p.rgb);
    }
    /* no preview asked for: inspection alone, same facts */
    gpi_jpeg_info info;
    gpi_jpeg_inspect_preview(photo.data, photo.len, &info, 240, NULL);
    assert_true(info.decoded);
    photogen_result_free(&photo);
}

static void preview_is_the_picture_in_rgb(void **state)
{
    (void)state;
    photogen_options o = photo_options();
    photogen_result photo;
    make_photo(&o, &photo);
    unsigned char *rendered = photogen_render(&o);
    assert_non_null(rendered);
    int mins[] = {960, 240};
    for (size_t i = 0; i < 2; i++) {
        gpi_jpeg_info info;
        gpi_preview p;
        gpi_jpeg_inspect_preview(photo.data, photo.len, &info, mins[i], &p);
        double diff = mean_difference(&p, rendered, o.width, o.height);
        print_message("scale %d/8: mean |preview - picture| = %.2f\n", p.scale_num, diff);
        assert_true(diff < 4.0);
        gpi_preview_free(&p);
    }
    free(rendered);
    photogen_result_free(&photo);
}

static void cmyk_comes_back_as_rgb(void **state)
{
    (void)state;
    photogen_options o = photo_options();
    o.color = PHOTOGEN_CMYK;
    photogen_result photo;
    make_photo(&o, &photo);
    gpi_jpeg_info info;
    gpi_preview p;
    gpi_jpeg_inspect_preview(photo.data, photo.len, &info, 240, &p);
    assert_int_equal(info.components, 4);
    assert_non_null(p.rgb);
    assert_int_equal(p.width, 240);
    photogen_options rgb = photo_options();
    unsigned char *rendered = photogen_render(&rgb);
    double diff = mean_difference(&p, rendered, o.width, o.height);
    print_message("CMYK at 2/8: mean |preview - picture| = %.2f\n", diff);
    assert_true(diff < 8.0);
    /* the backdrop (top left) is the light blue RGB(100,197,255) */
    assert_true(abs(p.rgb[0] - 100) < 16 && abs(p.rgb[1] - 197) < 16 && abs(p.rgb[2] - 255) < 16);
    free(rendered);
    gpi_preview_free(&p);
    photogen_result_free(&photo);
}

static void damaged_photo_has_no_preview(void **state)
{
    (void)state;
    photogen_options o = photo_options();
    o.truncate = 20000;
    photogen_result photo;
    make_photo(&o, &photo);
    gpi_jpeg_info info;
    gpi_preview p;
    gpi_jpeg_inspect_preview(photo.data, photo.len, &info, 240, &p);
    assert_false(info.decoded);
    assert_null(p.rgb);
    gpi_preview_free(&p);
    photogen_result_free(&photo);
}

static void thumbnail_fits_the_box(void **state)
{
    (void)state;
    photogen_options o = photo_options();
    photogen_result photo;
    make_photo(&o, &photo);
    static const struct { int min_width, width, height; } cases[] = {
        {240, 240, 320}, /* 2/8 exactly */
        {241, 240, 320}, /* 3/8 shrunk */
        {0, 120, 160},   /* never enlarged */
    };
    for (size_t i = 0; i < 3; i++) {
        gpi_jpeg_info info;
        gpi_preview p;
        gpi_jpeg_inspect_preview(photo.data, photo.len, &info, cases[i].min_width, &p);
        unsigned char *jpeg = NULL, *again = NULL;
        size_t len = 0, again_len = 0;
        assert_true(gpi_thumbnail_encode(&p, &jpeg, &len));
        assert_true(gpi_thumbnail_encode(&p, &again, &again_len));
        assert_int_equal(len, again_len); /* reproducible */
        assert_memory_equal(jpeg, again, len);
        gpi_jpeg_info thumb;
        gpi_jpeg_inspect(jpeg, len, &thumb);
        assert_true(thumb.decoded);
        assert_int_equal(thumb.width, cases[i].width);
        assert_int_equal(thumb.height, cases[i].height);
        print_message("thumbnail %dx%d: %zu bytes\n", thumb.width, thumb.height, len);
        assert_true(len < 20 * 1024);
        free(jpeg);
        free(again);
        gpi_preview_free(&p);
    }
    /* a landscape picture fits the width */
    gpi_preview wide = {.width = 640, .height = 480, .scale_num = 8};
    wide.rgb = calloc((size_t)640 * 480, 3);
    unsigned char *jpeg = NULL;
    size_t len = 0;
    assert_true(gpi_thumbnail_encode(&wide, &jpeg, &len));
    gpi_jpeg_info thumb;
    gpi_jpeg_inspect(jpeg, len, &thumb);
    assert_int_equal(thumb.width, 240);
    assert_int_equal(thumb.height, 180);
    free(jpeg);
    free(wide.rgb);
    /* nothing to encode */
    gpi_preview empty = {0};
    assert_false(gpi_thumbnail_encode(&empty, &jpeg, &len));
    assert_null(jpeg);
    photogen_result_free(&photo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(smallest_scale_at_least_min_width),
        cmocka_unit_test(preview_is_the_picture_in_rgb),
        cmocka_unit_test(cmyk_comes_back_as_rgb),
        cmocka_unit_test(damaged_photo_has_no_preview),
        cmocka_unit_test(thumbnail_fits_the_box),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
