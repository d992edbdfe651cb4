/* One photo through the whole fix pipeline, and a folder through gp_fix,
 * with inputs made by photogen: Exif orientation 6, CMYK, grayscale, 4:3
 * (refused, and centre-cropped on request), already conforming (copied),
 * 72 dpi.  Pixels are compared with photogen's own rendering; outputs are
 * judged as check judges them; originals must stay byte-identical. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fix/fix_internal.h"
#include "core/files.h"
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

static photogen_result make(photogen_options *o)
{
    photogen_result r;
    char why[200];
    assert_true(photogen_make(o, &r, why, sizeof why));
    return r;
}

static photogen_options defaults(void)
{
    photogen_options o;
    photogen_defaults(&o);
    o.quality = 90;
    return o;
}

/* Inspect, judge and fix bytes as gp_fix does for each photo. */
static void fix_bytes(const unsigned char *data, size_t len, gp_crop crop, gpi_fix_outcome *o)
{
    gpi_jpeg_info info;
    gpi_jpeg_inspect(data, len, &info);
    gp_report *judged = gp_report_new("fix");
    assert_non_null(judged);
    gpi_where where = {.seq = "0001", .file = "0001.jpg"};
    gpi_photo_judge(&info, len, profile, &where, judged);
    gpi_fix_photo(data, len, &info, judged, profile, crop, false, "0001.jpg", o);
    gp_report_free(judged);
}

/* The output passes every photo rule of the profile. */
static void assert_conforms(const unsigned char *data, size_t len)
{
    gpi_jpeg_info info;
    gpi_jpeg_inspect(data, len, &info);
    gp_report *judged = gp_report_new("check");
    assert_int_equal(gpi_photo_judge(&info, len, profile, NULL, judged), 0);
    assert_int_equal(gp_report_count_severity(judged, GP_ERROR), 0);
    gp_report_free(judged);
}

/* Mean absolute difference per channel between the decoded output and an
 * RGB rendering of the same size. */
static double mean_difference(const unsigned char *jpeg, size_t len, const unsigned char *rgb)
{
    gpi_fix_raster raster;
    char error[200];
    assert_true(gpi_fix_decode(jpeg, len, 8, &raster, error, sizeof error));
    assert_int_equal(raster.image.width, 960);
    assert_int_equal(raster.image.height, 1280);
    assert_int_equal(raster.image.channels, 3);
    size_t n = (size_t)960 * 1280 * 3;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += abs((int)raster.image.pixels[i] - (int)rgb[i]);
    gpi_fix_raster_free(&raster);
    return total / (double)n;
}

/* Mean colour of the top-left 100×100 corner (background) of RGB rows. */
static void corner_mean(const unsigned char *rgb, int width, double mean[3])
{
    mean[0] = mean[1] = mean[2] = 0;
    for (int y = 0; y < 100; y++)
        for (int x = 0; x < 100; x++)
            for (int c = 0; c < 3; c++)
                mean[c] += rgb[((size_t)y * width + x) * 3 + c] / 10000.0;
}

/* The background keeps photogen's light blue (near RGB(100,197,255)). */
static void assert_background_matches(const unsigned char *jpeg, size_t len,
                                      const unsigned char *rendered)
{
    gpi_fix_raster raster;
    char error[200];
    assert_true(gpi_fix_decode(jpeg, len, 8, &raster, error, sizeof error));
    double seen[3], expected[3];
    corner_mean(raster.image.pixels, raster.image.width, seen);
    corner_mean(rendered, 960, expected);
    gpi_fix_raster_free(&raster);
    assert_true(fabs(expected[0] - 100) < 10 && fabs(expected[1] - 197) < 10);
    for (int c = 0; c < 3; c++)
        assert_true(fabs(seen[c] - expected[c]) < 6.0); /* near-255 blue clips a little per generation */
}

static void orientation_6_is_turned_upright(void **state)
{
    (void)state;
    /* the upright picture, stored turned 90° counter-clockwise with tag 6,
     * as a phone held upright writes it */
    photogen_options o = defaults();
    unsigned char *upright = photogen_render(&o);
    assert_non_null(upright);
    gpi_fix_image stored = {.width = 960, .height = 1280, .channels = 3};
    stored.pixels = malloc((size_t)960 * 1280 * 3);
    memcpy(stored.pixels, upright, (size_t)960 * 1280 * 3);
    assert_true(gpi_fix_orient(&stored, 8)); /* 8 undoes 6 */
    unsigned char *jpeg;
    size_t len;
    char error[200];
    assert_true(gpi_fix_encode(&stored, 95, GPI_FIX_CHROMA_444, 300, &jpeg, &len, error, sizeof error));
    gpi_fix_image_free(&stored);
    /* insert an Exif APP1 with Orientation = 6 after SOI */
    static const unsigned char exif[] = {
        0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,
        'M', 'M', 0, 42, 0, 0, 0, 8,               /* TIFF header, IFD0 at 8 */
        0, 1,                                       /* one entry */
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0,   /* Orientation SHORT 6 */
        0, 0, 0, 0};                                /* no next IFD */
    unsigned char *tagged = malloc(len + sizeof exif);
    memcpy(tagged, jpeg, 2);
    memcpy(tagged + 2, exif, sizeof exif);
    memcpy(tagged + 2 + sizeof exif, jpeg + 2, len - 2);
    size_t tagged_len = len + sizeof exif;
    free(jpeg);

    gpi_jpeg_info info;
    gpi_jpeg_inspect(tagged, tagged_len, &info);
    assert_int_equal(info.orientation, 6);

    gpi_fix_outcome out;
    fix_bytes(tagged, tagged_len, GP_CROP_NONE, &out);
    assert_int_equal(out.action, GPI_FIX_FIXED);
    assert_int_equal(out.code, GP_FIX_CHANGED);
    assert_conforms(out.out, out.out_len);
    assert_true(mean_difference(out.out, out.out_len, upright) < 4.0);
    assert_background_matches(out.out, out.out_len, upright);
    assert_non_null(strstr(out.message, "方向 6"));
    assert_in_range(out.encodes, 1, GPI_FIX_MAX_ENCODES);
    gpi_fix_outcome_clear(&out);
    free(tagged);
    free(upright);
}

static void cmyk_becomes_srgb(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.color = PHOTOGEN_CMYK;
    photogen_result r = make(&o);
    unsigned char *rgb = photogen_render(&o);
    gpi_fix_outcome out;
    fix_bytes(r.data, r.len, GP_CROP_NONE, &out);
    assert_int_equal(out.action, GPI_FIX_FIXED);
    assert_conforms(out.out, out.out_len);
    /* two JPEG generations and photogen's integer CMYK: a few levels */
    assert_true(mean_difference(out.out, out.out_len, rgb) < 6.0);
    assert_background_matches(out.out, out.out_len, rgb);
    assert_non_null(strstr(out.from, "CMYK"));
    gpi_fix_outcome_clear(&out);
    photogen_result_free(&r);
    free(rgb);
}

static void grayscale_is_refused(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.color = PHOTOGEN_GRAY;
    photogen_result r = make(&o);
    gpi_fix_outcome out;
    fix_bytes(r.data, r.len, GP_CROP_NONE, &out);
    assert_int_equal(out.action, GPI_FIX_FAILED);
    assert_int_equal(out.code, GP_FIX_GRAYSCALE);
    assert_null(out.out);
    gpi_fix_outcome_clear(&out);
    photogen_result_free(&r);
}

static void four_by_three_is_refused_or_cropped(void **state)
{
    (void)state;
    photogen_options o = defaults();
    o.width = 1280;
    o.height = 960;
    photogen_result r = make(&o);
    gpi_fix_outcome out;
    fix_bytes(r.data, r.len, GP_CROP_NONE, &out);
    assert_int_equal(out.action, GPI_FIX_FAILED);
    assert_int_equal(out.code, GP_FIX_ASPECT);
    assert_null(out.out);
    assert_non_null(strstr(out.message, "左右各裁掉 280 像素"));
    assert_non_null(strstr(out.expected, "3:4"));
    gpi_fix_outcome_clear(&out);

    fix_bytes(r.data, r.len, GP_CROP_CENTER, &out);
    assert_int_equal(out.action, GPI_FIX_FIXED);
    assert_conforms(out.out, out.out_len);
    gpi_fix_outcome_clear(&out);
    photogen_result_free(&r);
}

static void conforming_photo_is_copied(void **state)
{
    (void)state;
    photogen_options o;
    photogen_defaults(&o); /* searched into the window */
    photogen_result r = make(&o);
    assert_true(r.in_window);
    gpi_fix_outcome out;
    fix_bytes(r.data, r.len, GP_CROP_NONE, &out);
    assert_int_equal(out.action, GPI_FIX_COPIED);
    assert_int_equal(out.code, GP_CODE_COUNT);
    assert_int_equal(out.encodes, 0);
    gpi_fix_outcome_clear(&out);
    photogen_result_free(&r);
}

static void not_a_jpeg_is_unfixable(void **state)
{
    (void)state;
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
    gpi_fix_outcome out;
    fix_bytes(png, sizeof png, GP_CROP_NONE, &out);
    assert_int_equal(out.action, GPI_FIX_FAILED);
    assert_int_equal(out.code, GP_FIX_UNFIXABLE);
    gpi_fix_outcome_clear(&out);
}

/* ---- the folder --------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const unsigned char *data, size_t len)
{
    char *path = gpi_path_join(dir, name);
    assert_true(photogen_write(path, data, len));
    free(path);
}

static void hash_file(const char *dir, const char *name, unsigned char out[32])
{
    char *path = gpi_path_join(dir, name);
    gp_error err = {0};
    assert_true(gpi_sha256_file(path, out, &err));
    free(path);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *path = gpi_path_join(dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
        free(path);
    }
    closedir(d);
    rmdir(dir);
}

static void folder_is_fixed_without_touching_originals(void **state)
{
    (void)state;
    char root[] = "/tmp/gp-fix-test-XXXXXX";
    assert_non_null(mkdtemp(root));
    char *photos = gpi_path_join(root, "photos");
    char *fixed = gpi_path_join(root, "fixed");
    assert_int_equal(mkdir(photos, 0755), 0);

    photogen_options good;
    photogen_defaults(&good);
    photogen_result a = make(&good);
    photogen_options low_dpi = defaults();
    low_dpi.dpi = 72;
    low_dpi.seed = 2;
    photogen_result b = make(&low_dpi);
    write_file(photos, "0001.jpg", a.data, a.len);
    write_file(photos, "0002.JPG", b.data, b.len);
    unsigned char before[2][32], after[2][32];
    hash_file(photos, "0001.jpg", before[0]);
    hash_file(photos, "0002.JPG", before[1]);

    gp_fix_options options = {.output_dir = fixed, .threads = 2};
    gp_error err = {0};
    gp_report *report = gp_fix(photos, &options, &err);
    assert_non_null(report);
    long long value;
    assert_true(gp_report_get_int(report, "photos", &value));
    assert_int_equal(value, 2);
    assert_true(gp_report_get_int(report, "fixed", &value));
    assert_int_equal(value, 1);
    assert_true(gp_report_get_int(report, "copied", &value));
    assert_int_equal(value, 1);
    assert_true(gp_report_get_int(report, "failed", &value));
    assert_int_equal(value, 0);
    assert_true(gp_report_has(report, GP_FIX_CHANGED));
    assert_int_equal(gp_report_exit_status(report), 0);
    gp_report_free(report);

    /* originals untouched; the copy is byte-identical; the fix conforms */
    hash_file(photos, "0001.jpg", after[0]);
    hash_file(photos, "0002.JPG", after[1]);
    assert_memory_equal(before, after, sizeof before);
    unsigned char copy[32];
    hash_file(fixed, "0001.jpg", copy);
    assert_memory_equal(copy, before[0], 32);
    char *fixed_path = gpi_path_join(fixed, "0002.JPG");
    unsigned char *data;
    size_t len;
    assert_true(gpi_read_file(fixed_path, 64u << 20, &data, &len, &err));
    assert_conforms(data, len);
    free(data);
    free(fixed_path);

    /* again: outputs exist, refused before writing; --force overwrites */
    gp_error exists = {0};
    assert_null(gp_fix(photos, &options, &exists));
    assert_int_equal(exists.status, GP_ERR_EXISTS);
    options.force = true;
    report = gp_fix(photos, &options, &err);
    assert_non_null(report);
    gp_report_free(report);

    /* the input folder is not an output folder */
    gp_fix_options same = {.output_dir = photos, .force = true};
    gp_error usage = {0};
    assert_null(gp_fix(photos, &same, &usage));
    assert_int_equal(usage.status, GP_ERR_USAGE);

    photogen_result_free(&a);
    photogen_result_free(&b);
    remove_tree(root);
    free(photos);
    free(fixed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(orientation_6_is_turned_upright),
        cmocka_unit_test(cmyk_becomes_srgb),
        cmocka_unit_test(grayscale_is_refused),
        cmocka_unit_test(four_by_three_is_refused_or_cropped),
        cmocka_unit_test(conforming_photo_is_copied),
        cmocka_unit_test(not_a_jpeg_is_unfixable),
        cmocka_unit_test(folder_is_fixed_without_touching_originals),
    };
    return cmocka_run_group_tests(tests, load_profile, free_profile);
}
