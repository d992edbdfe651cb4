/* The quality search: on a synthetic image with the real encoder (lands in
 * the window, within the encode budget, output is a clean JFIF 300 dpi
 * JPEG), and on size models that exercise the edges: too plain to reach the
 * minimum, too noisy to get under the maximum, a jump over the window
 * that only the other subsampling fills. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fix/fix_internal.h"
#include "photo/photo.h"

#define MIN_BYTES 563200u
#define MAX_BYTES 665600u

/* ---- a size model instead of an encoder ------------------------------- */

/* ln(size) linear in -ln(IJG table scale), as real encodes behave. */
typedef struct model {
    double base;          /* bytes at quality 90, 4:4:4 */
    double slope;         /* ln(size) per unit of -ln(scale) */
    double chroma_ratio;  /* 4:2:0 size / 4:4:4 size */
    int calls;
} model;

static size_t model_size(const model *m, int q, gpi_fix_chroma chroma)
{
    double scale = q < 50 ? 5000.0 / q : 200.0 - 2.0 * q;
    double s = m->base * exp(m->slope * (log(20.0) - log(scale < 1 ? 1 : scale)));
    if (chroma == GPI_FIX_CHROMA_420)
        s *= m->chroma_ratio;
    return (size_t)s;
}

static bool model_encode(void *context, int q, gpi_fix_chroma chroma, unsigned char **out,
                         size_t *len)
{
    model *m = context;
    m->calls++;
    *len = model_size(m, q, chroma);
    *out = malloc(1);
    return *out != NULL;
}

static void typical_model_lands_near_middle(void **state)
{
    (void)state;
    double bases[] = {300e3, 350e3, 450e3, 600e3, 900e3, 1.5e6, 3e6};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        model m = {.base = bases[i], .slope = 0.4, .chroma_ratio = 0.85};
        gpi_fix_search r;
        gpi_fix_search_quality(model_encode, &m, MIN_BYTES, MAX_BYTES, &r);
        assert_int_equal(r.fit, GPI_FIX_FIT_IN_WINDOW);
        assert_in_range(r.len, MIN_BYTES, MAX_BYTES);
        assert_int_equal(r.len, model_size(&m, r.quality, r.chroma));
        /* the axis: 4:4:4 from 90 up, 4:2:0 below */
        assert_int_equal(r.chroma, r.quality >= 90 ? GPI_FIX_CHROMA_444 : GPI_FIX_CHROMA_420);
        assert_int_equal(r.encodes, m.calls);
        assert_true(r.encodes <= 4);
        free(r.out);
    }
}

static void flat_model_cannot_reach_min(void **state)
{
    (void)state;
    model m = {.base = 100e3, .slope = 0.4, .chroma_ratio = 0.85};
    gpi_fix_search r;
    gpi_fix_search_quality(model_encode, &m, MIN_BYTES, MAX_BYTES, &r);
    assert_int_equal(r.fit, GPI_FIX_FIT_BELOW_MIN);
    assert_null(r.out);
    assert_int_equal(r.best_quality, 100);
    assert_int_equal(r.best_chroma, GPI_FIX_CHROMA_444);
    assert_int_equal(r.best_len, model_size(&m, 100, GPI_FIX_CHROMA_444));
    assert_true(r.encodes <= 3);
}

static void noisy_model_cannot_get_under_max(void **state)
{
    (void)state;
    model m = {.base = 20e6, .slope = 0.1, .chroma_ratio = 0.85};
    gpi_fix_search r;
    gpi_fix_search_quality(model_encode, &m, MIN_BYTES, MAX_BYTES, &r);
    assert_int_equal(r.fit, GPI_FIX_FIT_ABOVE_MAX);
    assert_null(r.out);
    assert_int_equal(r.best_quality, 1);
    assert_true(r.encodes <= GPI_FIX_MAX_ENCODES);
}

/* 4:4:4 jumps from 540 KB at 97 to 700 KB at 98; 4:2:0 at 99 fits. */
static bool gap_encode(void *context, int q, gpi_fix_chroma chroma, unsigned char **out,
                       size_t *len)
{
    int *calls = context;
    ++*calls;
    if (chroma == GPI_FIX_CHROMA_444)
        *len = q <= 97 ? (size_t)(540e3 * exp(0.04 * (q - 97))) : (size_t)(700e3 * exp(0.2 * (q - 98)));
    else
        *len = q >= 99 ? 600000 : 500000;
    *out = malloc(1);
    return *out != NULL;
}

static void gap_is_filled_by_other_subsampling(void **state)
{
    (void)state;
    int calls = 0;
    gpi_fix_search r;
    gpi_fix_search_quality(gap_encode, &calls, MIN_BYTES, MAX_BYTES, &r);
    assert_int_equal(r.fit, GPI_FIX_FIT_IN_WINDOW);
    assert_int_equal(r.chroma, GPI_FIX_CHROMA_420);
    assert_true(r.quality >= 99);
    assert_int_equal(r.len, 600000);
    assert_true(r.encodes <= GPI_FIX_MAX_ENCODES);
    free(r.out);
}

static bool failing_encode(void *context, int q, gpi_fix_chroma chroma, unsigned char **out,
                           size_t *len)
{
    (void)context, (void)q, (void)chroma;
    *out = NULL;
    *len = 0;
    return false;
}

static void encoder_failure_is_reported(void **state)
{
    (void)state;
    gpi_fix_search r;
    gpi_fix_search_quality(failing_encode, NULL, MIN_BYTES, MAX_BYTES, &r);
    assert_int_equal(r.fit, GPI_FIX_FIT_FAILED);
    assert_int_equal(r.encodes, 1);
}

/* ---- the real encoder on a synthetic picture --------------------------- */

static gpi_fix_image synthetic(int w, int h, int grain)
{
    gpi_fix_image img = {.width = w, .height = h, .channels = 3};
    img.pixels = malloc((size_t)w * h * 3);
    uint32_t seed = 12345;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
            int noise = (int)(seed % (2u * grain + 1)) - grain;
            unsigned char *p = img.pixels + ((size_t)y * w + x) * 3;
            bool figure = (x - w / 2) * (x - w / 2) + (y - h / 2) * (y - h / 2) < (w / 3) * (w / 3);
            int base[3] = {100, 197, 255};
            if (figure)
                base[0] = 200, base[1] = 160, base[2] = 140;
            for (int c = 0; c < 3; c++) {
                int v = base[c] + noise;
                p[c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    return img;
}

typedef struct real_context {
    const gpi_fix_image *image;
    int calls;
} real_context;

static bool real_encode(void *context, int q, gpi_fix_chroma chroma, unsigned char **out,
                        size_t *len)
{
    real_context *rc = context;
    rc->calls++;
    char error[200];
    return gpi_fix_encode(rc->image, q, chroma, 300, out, len, error, sizeof error);
}

static void real_encoder_lands_in_window(void **state)
{
    (void)state;
    gpi_fix_image img = synthetic(960, 1280, 10);
    real_context rc = {.image = &img};
    gpi_fix_search r;
    gpi_fix_search_quality(real_encode, &rc, MIN_BYTES, MAX_BYTES, &r);
    assert_int_equal(r.fit, GPI_FIX_FIT_IN_WINDOW);
    assert_in_range(r.len, MIN_BYTES, MAX_BYTES);
    assert_true(r.encodes <= GPI_FIX_MAX_ENCODES);
    assert_int_equal(r.encodes, rc.calls);

    /* what the station's checker sees in it */
    gpi_jpeg_info info;
    gpi_jpeg_inspect(r.out, r.len, &info);
    assert_true(info.is_jpeg);
    assert_true(info.decoded);
    assert_int_equal(info.width, 960);
    assert_int_equal(info.height, 1280);
    assert_int_equal(info.components, 3);
    assert_int_equal(info.color, GPI_JCOLOR_YCBCR);
    assert_true(info.has_jfif);
    assert_int_equal(info.density_unit, 1);
    assert_int_equal(info.x_density, 300);
    assert_int_equal(info.y_density, 300);
    assert_int_equal(info.orientation, 1);
    assert_int_equal(info.icc, GPI_ICC_NONE);
    assert_false(info.has_exif_resolution);

    /* the bytes hold no APP1 (Exif/XMP), APP2 (ICC) or COM segment */
    for (size_t i = 2; i + 1 < r.len; i++) {
        if (r.out[i] != 0xFF)
            continue;
        unsigned char m = r.out[i + 1];
        if (m == 0xDA)
            break; /* start of scan: headers are over */
        assert_int_not_equal(m, 0xE1);
        assert_int_not_equal(m, 0xE2);
        assert_int_not_equal(m, 0xFE);
    }
    free(r.out);
    gpi_fix_image_free(&img);
}

static void flat_picture_cannot_reach_min(void **state)
{
    (void)state;
    gpi_fix_image img = synthetic(960, 1280, 0);
    real_context rc = {.image = &img};
    gpi_fix_search r;
    gpi_fix_search_quality(real_encode, &rc, MIN_BYTES, MAX_BYTES, &r);
    assert_int_equal(r.fit, GPI_FIX_FIT_BELOW_MIN);
    assert_int_equal(r.best_quality, 100);
    assert_true(r.best_len < MIN_BYTES);
    assert_true(r.encodes <= 3);
    gpi_fix_image_free(&img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typical_model_lands_near_middle),
        cmocka_unit_test(flat_model_cannot_reach_min),
        cmocka_unit_test(noisy_model_cannot_get_under_max),
        cmocka_unit_test(gap_is_filled_by_other_subsampling),
        cmocka_unit_test(encoder_failure_is_reported),
        cmocka_unit_test(real_encoder_lands_in_window),
        cmocka_unit_test(flat_picture_cannot_reach_min),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
