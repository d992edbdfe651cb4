/* fix --frame arithmetic (fix_frame.c) on hand-made measurements: the crop
 * for a head too small, too much headroom, an off-centre face, a landscape
 * photo; no re-crop when every band is already met; the refusals (hair at
 * the top edge with the missing pixels computed by hand, too small to frame
 * without upscaling more than allowed, no face, no head top, impossible
 * proportions); and, over many random faces, that every crop is 3:4, inside
 * the source, not upscaled beyond the limit, and puts every measure inside
 * its band. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fix/fix_internal.h"
#include "check/check.h"

/* The standard's bands for 960×1280 (教毕指[2017]99号 at 480×640, doubled). */
static const gpi_fix_bands BANDS = {
    .head_top_min = 100, .head_top_max = 220,
    .eye_line_min = 400, .eye_line_max = 600,
    .face_width_min = 360, .face_width_max = 600,
    .center_tolerance = 48,
};

static gpi_photo_measure face(double head_top, double eye_line, double face_width, double cx)
{
    gpi_photo_measure m = {0};
    m.measured = true;
    m.faces = 1;
    m.has_face = true;
    m.has_head_top = true;
    m.head_top = head_top;
    m.eye_line = eye_line;
    m.face_width = face_width;
    m.face_center_x = cx;
    return m;
}

/* What every crop must be. */
static void assert_good_crop(const gpi_photo_measure *m, const gpi_fix_frame_plan *p, int w, int h)
{
    assert_int_equal(p->verdict, GPI_FRAME_CROP);
    assert_true(p->box.x >= 0 && p->box.y >= 0);
    assert_true(p->box.x + p->box.width <= w && p->box.y + p->box.height <= h);
    assert_true(gpi_fix_aspect_ok(p->box.width, p->box.height, 960, 1280));
    assert_true(p->scale <= GPI_FIX_MAX_UPSCALE + 1e-9);
    gpi_fix_geometry g = gpi_fix_geometry_of(m, &p->box, 960, 1280);
    assert_true(gpi_fix_geometry_inside(&g, &BANDS));
    assert_true(fabs(g.head_top - p->after.head_top) < 1e-9);
    assert_true(gpi_fix_geometry_inside(&p->after, &BANDS));
    assert_false(gpi_fix_geometry_inside(&p->before, &BANDS));
}

static void head_too_small(void **state)
{
    (void)state;
    /* a phone photo from afar: face 600 of 3024 → 190 px in 960 */
    gpi_photo_measure m = face(800, 1300, 600, 1700);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_good_crop(&m, &p, 3024, 4032);
    assert_true(p.before.face_width < 200);
    /* aimed at the middles, not at an edge: every measure in the middle
     * half of its band (this face's proportions allow it), face centred */
    print_message("after: head top %.1f, eyes %.1f, face %.1f, offset %.1f\n",
                  p.after.head_top, p.after.eye_line, p.after.face_width,
                  p.after.center_offset);
    assert_true(p.after.face_width >= 420 && p.after.face_width <= 540);
    assert_true(p.after.head_top >= 130 && p.after.head_top <= 190);
    assert_true(p.after.eye_line >= 450 && p.after.eye_line <= 550);
    assert_true(fabs(p.after.center_offset) < 2);
}

static void too_much_headroom(void **state)
{
    (void)state;
    /* right size, but the head starts 40% down */
    gpi_photo_measure m = face(1600, 2000, 700, 1512);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_true(p.before.head_top > 500);
    assert_good_crop(&m, &p, 3024, 4032);
}

static void off_centre_face_gets_a_larger_crop_scale(void **state)
{
    (void)state;
    /* the face 600 px from the left edge: a crop with the face at 480 of
     * 960 would need picture left of the photo at the preferred size, so the
     * face is made larger (still inside its band) until it fits */
    gpi_photo_measure m = face(700, 1250, 700, 600);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_good_crop(&m, &p, 3024, 4032);
    assert_true(p.after.face_width > 480);
    assert_int_equal(p.box.x, 0);
}

static void landscape_source(void **state)
{
    (void)state;
    gpi_photo_measure m = face(600, 1200, 900, 2400);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 4032, 3024, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_good_crop(&m, &p, 4032, 3024);
}

static void already_inside_is_kept(void **state)
{
    (void)state;
    gpi_photo_measure m = face(160, 500, 480, 500);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 960, 1280, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_KEEP);
    assert_int_equal(p.box.width, 960);
    assert_int_equal(p.box.height, 1280);
    assert_int_equal(p.box.x, 0);
    /* the same at phone size (scaled ×3.15) */
    gpi_photo_measure big = face(160 * 3.15, 500 * 3.15, 480 * 3.15, 500 * 3.15);
    gpi_fix_frame(&big, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_KEEP);
    assert_int_equal(p.box.width, 3024);
}

static void hair_at_the_top_edge_is_refused_with_the_missing_pixels(void **state)
{
    (void)state;
    /* head top at y 0, face 1500 wide, eyes at 1250: the largest face the
     * bands allow is s = 600/1500 = 0.4 (also (600-100)/1250), which needs the
     * head top at 100 px, i.e. 100/0.4 = 250 source pixels of picture above */
    gpi_photo_measure m = face(0, 1250, 1500, 1512);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_MISSING);
    assert_int_equal(p.missing_top, 250);
    assert_int_equal(p.missing_bottom, 0);
    assert_int_equal(p.missing_left, 0);
    assert_int_equal(p.missing_right, 0);
    char text[200];
    gpi_fix_describe_missing(&p, text, sizeof text);
    assert_string_equal(text, "头顶上方缺少约 250 像素");
}

static void face_at_the_side_is_refused_with_the_missing_pixels(void **state)
{
    (void)state;
    /* face centre 100 px from the left edge, face 500 wide: at the largest
     * allowed s = 600/500 = 1.2 the crop is 800 wide; the face centre must be
     * at least 480-48 = 432 target px = 360 source px from the left edge */
    gpi_photo_measure m = face(300, 700, 500, 100);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 2000, 2667, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_MISSING);
    assert_int_equal(p.missing_left, 260);
    assert_int_equal(p.missing_right, 0);
    assert_int_equal(p.missing_top, 0);
    char text[200];
    gpi_fix_describe_missing(&p, text, sizeof text);
    assert_string_equal(text, "左侧缺少约 260 像素");
}

static void too_small_to_frame(void **state)
{
    (void)state;
    /* a 960×1280 photo with a 200 px face: 360/200 = 1.8× upscaling needed */
    gpi_photo_measure m = face(400, 560, 200, 480);
    gpi_fix_frame_plan p;
    gpi_fix_frame(&m, &BANDS, 960, 1280, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_TOO_SMALL);
    assert_true(fabs(p.needed_scale - 1.8) < 1e-9);
    /* a slightly small face is framed within the allowed upscale */
    gpi_photo_measure near = face(250, 600, 320, 480);
    gpi_fix_frame(&near, &BANDS, 960, 1280, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_good_crop(&near, &p, 960, 1280);
    assert_true(p.scale > 1.0);
}

static void refusals_without_measurements(void **state)
{
    (void)state;
    gpi_fix_frame_plan p;
    gpi_photo_measure none = {0};
    gpi_fix_frame(&none, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_NO_FACE);
    gpi_photo_measure two = face(800, 1300, 600, 1700);
    two.faces = 2;
    gpi_fix_frame(&two, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_NO_FACE);
    gpi_photo_measure no_top = face(800, 1300, 600, 1700);
    no_top.has_head_top = false;
    gpi_fix_frame(&no_top, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_NO_HEAD_TOP);
    /* eyes 2000 below the head top with a 500 wide face: no scale fits both */
    gpi_photo_measure odd = face(100, 2100, 500, 1500);
    gpi_fix_frame(&odd, &BANDS, 3024, 4032, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
    assert_int_equal(p.verdict, GPI_FRAME_PROPORTIONS);
}

static uint32_t next(uint32_t *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return *seed >> 8;
}

static double uniform(uint32_t *seed, double lo, double hi)
{
    return lo + (hi - lo) * (next(seed) & 0xFFFF) / 65535.0;
}

static void random_faces_are_framed_inside_the_bands_or_refused(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    int crops = 0, keeps = 0, refused = 0;
    for (int i = 0; i < 20000; i++) {
        int w = 600 + (int)(next(&seed) % 3500), h = 800 + (int)(next(&seed) % 4200);
        double fw = uniform(&seed, 0.1, 0.9) * w;
        double d = fw * uniform(&seed, 0.6, 1.0);
        double top = uniform(&seed, 0, 0.6) * h;
        double cx = uniform(&seed, 0.05, 0.95) * w;
        gpi_photo_measure m = face(top, top + d, fw, cx);
        gpi_fix_frame_plan p;
        gpi_fix_frame(&m, &BANDS, w, h, 960, 1280, GPI_FIX_MAX_UPSCALE, &p);
        switch (p.verdict) {
        case GPI_FRAME_CROP:
            assert_good_crop(&m, &p, w, h);
            crops++;
            break;
        case GPI_FRAME_KEEP:
            assert_true(gpi_fix_geometry_inside(&p.before, &BANDS));
            keeps++;
            break;
        case GPI_FRAME_MISSING:
            assert_true(p.missing_top + p.missing_bottom + p.missing_left + p.missing_right > 0);
            refused++;
            break;
        case GPI_FRAME_TOO_SMALL:
            assert_true(p.needed_scale > GPI_FIX_MAX_UPSCALE);
            refused++;
            break;
        case GPI_FRAME_PROPORTIONS:
            refused++;
            break;
        default:
            fail_msg("verdict %d for a measured face", p.verdict);
        }
    }
    /* the generator covers all outcomes */
    assert_true(crops > 1000);
    assert_true(refused > 1000);
    print_message("%d crops, %d kept, %d refused\n", crops, keeps, refused);
}

static void geometry_text(void **state)
{
    (void)state;
    gpi_fix_geometry g = {.head_top = 160.2, .eye_line = 500, .face_width = 480,
                         .center_offset = -12.4};
    char text[200];
    gpi_fix_describe_geometry(&g, text, sizeof text);
    assert_string_equal(text, "头顶 160、眼睛 500、脸宽 480 像素、脸偏左 12 像素");
    g.center_offset = 0.2;
    gpi_fix_describe_geometry(&g, text, sizeof text);
    assert_string_equal(text, "头顶 160、眼睛 500、脸宽 480 像素、脸居中");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(head_too_small),
        cmocka_unit_test(too_much_headroom),
        cmocka_unit_test(off_centre_face_gets_a_larger_crop_scale),
        cmocka_unit_test(landscape_source),
        cmocka_unit_test(already_inside_is_kept),
        cmocka_unit_test(hair_at_the_top_edge_is_refused_with_the_missing_pixels),
        cmocka_unit_test(face_at_the_side_is_refused_with_the_missing_pixels),
        cmocka_unit_test(too_small_to_frame),
        cmocka_unit_test(refusals_without_measurements),
        cmocka_unit_test(random_faces_are_framed_inside_the_bands_or_refused),
        cmocka_unit_test(geometry_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
