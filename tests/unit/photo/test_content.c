/* The content rules' judging (lib/photo/content.c) on measurements given
 * directly: bands scaled from the standard's 480×640 figures, each code on
 * its side of its band, actual/expected texts, the profile's [content] and
 * [severity] keys, the measurements recorded in the report, the once-only
 * notice when face rules did not run, and lcms2's colour maths. */
#include "photo/content.h"
#include "check/check.h"
#include "core/base.h"
#include "core/findings.h"
#include "core/profile.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* A face that meets every rule of a 960×1280 photo. */
static gpi_photo_measure good_measure(void)
{
    gpi_photo_measure m = {0};
    m.measured = m.face_ran = m.has_face = m.has_head_top = m.has_background = true;
    m.has_landmarks = m.has_clothing = true;
    m.faces = 1;
    m.face_left = 280, m.face_right = 680, m.face_top = 420, m.face_bottom = 860;
    m.eye_left_x = 390, m.eye_right_x = 570, m.eye_left_y = m.eye_right_y = 500;
    m.eye_line = 500, m.face_width = 440, m.face_center_x = 480, m.tilt_deg = 1;
    m.head_top = 150;
    double blue[3] = {100, 197, 255};
    gpi_content_srgb_to_lab(blue, m.background_lab);
    m.background_spread = 3;
    m.face_luminance = 65, m.face_clipped = 0, m.face_lr_ratio = 0.9;
    m.sharpness = 30, m.saturation = 30;
    m.eye_open = 0.3, m.mouth_open = 0.05, m.clothing_fraction = 0.05;
    return m;
}

static gp_report *judge(const gpi_photo_measure *m, const gp_profile *profile)
{
    gp_report *report = gp_report_new("check");
    assert_non_null(report);
    gpi_where w = {.seq = "0001", .file = "0001.jpg"};
    gpi_content_judge(m, 960, 1280, profile, &w, report);
    return report;
}

static const gp_finding *first(const gp_report *report, gp_code code)
{
    for (size_t i = 0; i < gp_report_count(report); i++)
        if (gp_report_get(report, i)->code == code)
            return gp_report_get(report, i);
    return NULL;
}

static void bands_scale_with_the_photo(void **state)
{
    (void)state;
    gpi_content_bands b;
    gpi_content_bands_for(NULL, 480, 640, &b);
    assert_true(fabs(b.head_top_min - 50) < 1e-9 && fabs(b.head_top_max - 110) < 1e-9);
    assert_true(fabs(b.eye_line_min - 200) < 1e-9 && fabs(b.eye_line_max - 300) < 1e-9);
    assert_true(fabs(b.face_width_min - 180) < 1e-9 && fabs(b.face_width_max - 300) < 1e-9);
    gpi_content_bands_for(NULL, 960, 1280, &b);
    assert_true(fabs(b.head_top_min - 100) < 1e-9 && fabs(b.head_top_max - 220) < 1e-9);
    assert_true(fabs(b.eye_line_min - 400) < 1e-9 && fabs(b.eye_line_max - 600) < 1e-9);
    assert_true(fabs(b.face_width_min - 360) < 1e-9 && fabs(b.face_width_max - 600) < 1e-9);
    assert_true(fabs(b.center_tolerance - 48) < 1e-9);
}

static void good_face_gets_nothing_and_is_recorded(void **state)
{
    (void)state;
    gpi_photo_measure m = good_measure();
    gp_report *report = judge(&m, NULL);
    assert_int_equal(gp_report_count(report), 0);
    assert_int_equal(gp_report_photo_count(report), 1);
    double v;
    assert_true(gp_report_photo_get_number(report, 0, "head_top", &v));
    assert_true(fabs(v - 150) < 1e-9);
    assert_true(gp_report_photo_get_number(report, 0, "eye_line_max", &v));
    assert_true(fabs(v - 600) < 1e-9);
    assert_true(gp_report_photo_get_number(report, 0, "background_L", &v));
    assert_true(v > 70 && v < 80);
    gp_report_free(report);
}

/* Each rule on both sides of its band. */
static void each_code_fires_on_its_side(void **state)
{
    (void)state;
    gpi_photo_measure m;
    gp_report *r;
    const gp_finding *f;

    m = good_measure(), m.head_top = 38;
    r = judge(&m, NULL);
    f = first(r, GP_PHOTO_HEAD_TOP);
    assert_non_null(f);
    assert_string_equal(f->actual, "头顶距上边缘 38 像素");
    assert_string_equal(f->expected, "100–220 像素");
    assert_non_null(strstr(f->message, "多留约 70 像素"));
    assert_int_equal(f->severity, GP_WARNING);
    gp_report_free(r);

    m = good_measure(), m.head_top = 0;
    r = judge(&m, NULL);
    assert_non_null(strstr(first(r, GP_PHOTO_HEAD_TOP)->message, "裁掉"));
    gp_report_free(r);

    m = good_measure(), m.head_top = 260;
    r = judge(&m, NULL);
    assert_non_null(strstr(first(r, GP_PHOTO_HEAD_TOP)->message, "上移约 40 像素"));
    gp_report_free(r);

    m = good_measure(), m.eye_line = 380;
    r = judge(&m, NULL);
    assert_non_null(strstr(first(r, GP_PHOTO_EYE_LINE)->message, "下移约 20 像素"));
    gp_report_free(r);
    m = good_measure(), m.eye_line = 655;
    r = judge(&m, NULL);
    assert_non_null(strstr(first(r, GP_PHOTO_EYE_LINE)->message, "上移约 60 像素"));
    gp_report_free(r);

    m = good_measure(), m.face_width = 300;
    r = judge(&m, NULL);
    assert_string_equal(first(r, GP_PHOTO_FACE_WIDTH)->expected, "360–600 像素");
    gp_report_free(r);
    m = good_measure(), m.face_width = 640;
    r = judge(&m, NULL);
    assert_non_null(strstr(first(r, GP_PHOTO_FACE_WIDTH)->message, "缩小"));
    gp_report_free(r);

    m = good_measure(), m.face_center_x = 480 - 60;
    r = judge(&m, NULL);
    f = first(r, GP_PHOTO_FACE_CENTER);
    assert_string_equal(f->actual, "脸的中心偏左 60 像素");
    assert_non_null(strstr(f->message, "向右移"));
    gp_report_free(r);
    m = good_measure(), m.face_center_x = 480 + 47; /* inside 48 */
    r = judge(&m, NULL);
    assert_null(first(r, GP_PHOTO_FACE_CENTER));
    gp_report_free(r);

    m = good_measure(), m.tilt_deg = 8.4;
    r = judge(&m, NULL);
    f = first(r, GP_PHOTO_HEAD_TILT);
    assert_string_equal(f->actual, "两眼连线倾斜 8.4°");
    assert_non_null(strstr(f->message, "逆时针"));
    gp_report_free(r);

    double orange[3] = {205, 120, 60};
    m = good_measure(), gpi_content_srgb_to_lab(orange, m.background_lab);
    r = judge(&m, NULL);
    f = first(r, GP_PHOTO_BACKGROUND_COLOR);
    assert_non_null(f);
    assert_non_null(strstr(f->expected, "浅蓝(100,197,255)"));
    gp_report_free(r);
    double white[3] = {250, 250, 250};
    m = good_measure(), gpi_content_srgb_to_lab(white, m.background_lab);
    r = judge(&m, NULL);
    assert_null(first(r, GP_PHOTO_BACKGROUND_COLOR)); /* white is allowed */
    gp_report_free(r);

    m = good_measure(), m.background_spread = 20;
    r = judge(&m, NULL);
    assert_non_null(first(r, GP_PHOTO_BACKGROUND_UNEVEN));
    gp_report_free(r);

    m = good_measure(), m.face_luminance = 25;
    r = judge(&m, NULL);
    assert_non_null(strstr(first(r, GP_PHOTO_FACE_EXPOSURE)->message, "太暗"));
    gp_report_free(r);
    m = good_measure(), m.face_clipped = 0.2;
    r = judge(&m, NULL);
    assert_non_null(strstr(first(r, GP_PHOTO_FACE_EXPOSURE)->message, "太亮"));
    gp_report_free(r);

    m = good_measure(), m.face_lr_ratio = 0.4;
    r = judge(&m, NULL);
    assert_non_null(first(r, GP_PHOTO_FACE_UNEVEN_LIGHT));
    gp_report_free(r);
    m = good_measure(), m.sharpness = 8;
    r = judge(&m, NULL);
    assert_non_null(first(r, GP_PHOTO_BLURRY));
    gp_report_free(r);
    m = good_measure(), m.saturation = 0.3;
    r = judge(&m, NULL);
    assert_non_null(first(r, GP_PHOTO_NOT_COLOR));
    gp_report_free(r);
    m = good_measure(), m.clothing_fraction = 0.8;
    r = judge(&m, NULL);
    assert_non_null(first(r, GP_PHOTO_CLOTHING_LIKE_BACKGROUND));
    gp_report_free(r);
    m = good_measure(), m.eye_open = 0.05;
    r = judge(&m, NULL);
    assert_non_null(first(r, GP_PHOTO_EYES_CLOSED));
    gp_report_free(r);
    m = good_measure(), m.mouth_open = 0.5;
    r = judge(&m, NULL);
    assert_non_null(first(r, GP_PHOTO_MOUTH_OPEN));
    gp_report_free(r);
}

static void faces_counted(void **state)
{
    (void)state;
    gpi_photo_measure m = good_measure();
    m.faces = 0, m.has_face = false;
    gp_report *r = judge(&m, NULL);
    assert_int_equal(gp_report_count(r), 1);
    assert_non_null(first(r, GP_PHOTO_NO_FACE));
    gp_report_free(r);
    m = good_measure(), m.faces = 2, m.head_top = 10; /* geometry not judged */
    r = judge(&m, NULL);
    assert_int_equal(gp_report_count(r), 1);
    assert_string_equal(first(r, GP_PHOTO_MULTIPLE_FACES)->actual, "2 张脸");
    gp_report_free(r);
}

static void skipped_said_once(void **state)
{
    (void)state;
    gpi_photo_measure m = {0};
    m.measured = true, m.face_ran = false, m.face_status = 1, m.saturation = 30;
    gp_report *report = gp_report_new("check");
    gpi_where w1 = {.seq = "0001"}, w2 = {.seq = "0002"};
    gpi_content_judge(&m, 960, 1280, NULL, &w1, report);
    gpi_content_judge(&m, 960, 1280, NULL, &w2, report);
    assert_int_equal(gp_report_count(report), 1);
    assert_int_equal(gp_report_get(report, 0)->code, GP_PHOTO_FACE_RULES_SKIPPED);
    /* not measured at all (e.g. a photo that did not decode): nothing */
    gpi_photo_measure none = {0};
    gpi_content_judge(&none, 960, 1280, NULL, &w1, report);
    assert_int_equal(gp_report_count(report), 1);
    gp_report_free(report);
}

static char *write_profile(const char *extra)
{
    char *dir = strdup("/tmp/gp-content-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char *path = gpi_asprintf("%s/strict.ini", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "[photo]\nwidth = 960\nheight = 1280\nmin_bytes = 1\nmax_bytes = 2\ndpi = 300\n"
               "components = 3\nbits = 8\n[roster]\nfields = %s/roster-fields.ini\n%s",
            gp_datadir(), extra);
    fclose(f);
    free(dir);
    return path;
}

static void profile_keys(void **state)
{
    (void)state;
    char *path = write_profile("[content]\nhead_top_min = 60/640\nbackdrops = 白色: 255,255,255\n"
                               "backdrop_tolerance = 5\n[severity]\nphoto.head_top = error\n");
    gp_error err = {0};
    gp_profile *p = gp_profile_load(path, &err);
    if (!p)
        fail_msg("%s", err.message);
    gpi_content_bands b;
    gpi_content_bands_for(p, 960, 1280, &b);
    assert_true(fabs(b.head_top_min - 120) < 1e-9);
    gpi_photo_measure m = good_measure();
    m.head_top = 110;
    gp_report *r = judge(&m, p);
    assert_int_equal(first(r, GP_PHOTO_HEAD_TOP)->severity, GP_ERROR);
    /* only white is allowed now: light blue is far from it */
    assert_non_null(first(r, GP_PHOTO_BACKGROUND_COLOR));
    assert_non_null(strstr(first(r, GP_PHOTO_BACKGROUND_COLOR)->expected, "白色"));
    gp_report_free(r);
    gp_profile_free(p);
    free(path);

    const char *bad[] = {"[content]\nhead_top_min = abc\n", "[content]\nno_such = 1\n",
                         "[severity]\nroster.empty = error\n", "[severity]\nphoto.blurry = loud\n",
                         "[content]\nbackdrops = 浅蓝 100 197 255\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        path = write_profile(bad[i]);
        gp_error e = {0};
        gp_profile *q = gp_profile_load(path, &e);
        assert_null(q);
        assert_int_equal(e.status, GP_ERR_USAGE);
        free(path);
    }
}

static void colour_maths(void **state)
{
    (void)state;
    double white[3] = {255, 255, 255}, lab[3];
    gpi_content_srgb_to_lab(white, lab);
    assert_true(fabs(lab[0] - 100) < 0.5 && fabs(lab[1]) < 0.5 && fabs(lab[2]) < 0.5);
    double grey[3] = {240, 240, 240}, lab2[3];
    gpi_content_srgb_to_lab(grey, lab2);
    double d = gpi_content_delta_e(lab, lab2);
    assert_true(d > 3 && d < 6); /* L* 100 vs about 94.4 */
    assert_true(gpi_content_delta_e(lab, lab) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bands_scale_with_the_photo),
        cmocka_unit_test(good_face_gets_nothing_and_is_recorded),
        cmocka_unit_test(each_code_fires_on_its_side),
        cmocka_unit_test(faces_counted),
        cmocka_unit_test(skipped_said_once),
        cmocka_unit_test(profile_keys),
        cmocka_unit_test(colour_maths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
