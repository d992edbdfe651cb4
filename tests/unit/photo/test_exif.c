/* The Exif IFD0 reader on hand-built blocks: both byte orders, centimetres,
 * and blocks that lie (offsets past the end, truncated directories). */
#include "helpers.h"
#include "photo/photo_parts.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* A writer for IFD0 entries in either byte order. */
typedef struct block {
    unsigned char b[256];
    size_t len;
    bool big;
} block;

static void put(block *k, size_t at, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) {
        int shift = k->big ? 8 * (bytes - 1 - i) : 8 * i;
        k->b[at + (size_t)i] = (unsigned char)(v >> shift);
    }
}

/* Exif header, TIFF header, IFD0 at 8 with `n` entries. */
static void start(block *k, bool big, unsigned n)
{
    memset(k, 0, sizeof *k);
    k->big = big;
    memcpy(k->b, big ? "Exif\0\0MM\0*" : "Exif\0\0II*\0", 10);
    put(k, 6 + 4, 8, 4);
    put(k, 6 + 8, n, 2);
    k->len = 6 + 10 + n * 12 + 4;
}

static void entry(block *k, unsigned i, unsigned tag, unsigned type, uint32_t value)
{
    size_t at = 6 + 10 + i * 12;
    put(k, at, tag, 2);
    put(k, at + 2, type, 2);
    put(k, at + 4, 1, 4);
    if (type == 3)
        put(k, at + 8, value, 2);
    else
        put(k, at + 8, value, 4);
}

/* A RATIONAL num/den appended to the block; returns its TIFF offset. */
static uint32_t rational(block *k, uint32_t num, uint32_t den)
{
    uint32_t offset = (uint32_t)(k->len - 6);
    put(k, k->len, num, 4);
    put(k, k->len + 4, den, 4);
    k->len += 8;
    return offset;
}

static void both_byte_orders(void **state)
{
    (void)state;
    for (int big = 0; big < 2; big++) {
        block k;
        start(&k, big, 4);
        entry(&k, 0, 0x0112, 3, 6);
        entry(&k, 1, 0x011A, 5, rational(&k, 600, 2));
        entry(&k, 2, 0x011B, 5, rational(&k, 300, 1));
        entry(&k, 3, 0x0128, 3, 2);
        gpi_exif_ifd0 e;
        assert_true(gpi_exif_read_ifd0(k.b, k.len, &e));
        assert_int_equal(e.orientation, 6);
        assert_true(e.has_resolution);
        assert_int_equal(e.resolution_unit, 2);
        assert_true(e.x_resolution == 300.0 && e.y_resolution == 300.0);
    }
}

static void centimetres(void **state)
{
    (void)state;
    block k;
    start(&k, true, 3);
    entry(&k, 0, 0x011A, 5, rational(&k, 11811, 100));
    entry(&k, 1, 0x011B, 5, rational(&k, 11811, 100));
    entry(&k, 2, 0x0128, 3, 3);
    gpi_exif_ifd0 e;
    assert_true(gpi_exif_read_ifd0(k.b, k.len, &e));
    assert_int_equal(e.resolution_unit, 3);
    assert_true(e.x_resolution > 118.10 && e.x_resolution < 118.12);
}

static void lies_are_skipped(void **state)
{
    (void)state;
    block k;
    start(&k, false, 3);
    entry(&k, 0, 0x011A, 5, 0xFFFFFFF0u); /* offset far past the end */
    entry(&k, 1, 0x011B, 5, rational(&k, 300, 0)); /* zero denominator */
    entry(&k, 2, 0x0112, 7, 6); /* wrong type */
    gpi_exif_ifd0 e;
    assert_true(gpi_exif_read_ifd0(k.b, k.len, &e));
    assert_false(e.has_resolution);
    assert_int_equal(e.orientation, 0);

    /* a directory claiming 1000 entries in a short block */
    start(&k, false, 1);
    entry(&k, 0, 0x0112, 3, 3);
    put(&k, 6 + 8, 1000, 2);
    assert_true(gpi_exif_read_ifd0(k.b, k.len, &e));
    assert_int_equal(e.orientation, 3);

    /* IFD0 offset beyond the block, bad byte order, not Exif at all */
    start(&k, false, 0);
    put(&k, 6 + 4, 5000, 4);
    assert_false(gpi_exif_read_ifd0(k.b, k.len, &e));
    start(&k, false, 0);
    k.b[6] = 'X';
    assert_false(gpi_exif_read_ifd0(k.b, k.len, &e));
    assert_false(gpi_exif_read_ifd0((const unsigned char *)"http://ns.adobe.com/xap/1.0/", 29,
                                   &e));
    assert_false(gpi_exif_read_ifd0(k.b, 7, &e));
}

static void every_prefix_is_safe(void **state)
{
    (void)state;
    block k;
    start(&k, true, 2);
    entry(&k, 0, 0x011A, 5, rational(&k, 300, 1));
    entry(&k, 1, 0x011B, 5, rational(&k, 300, 1));
    /* under ASan, any read past `len` fails this test */
    size_t complete = 0;
    for (size_t len = 0; len <= k.len; len++) {
        unsigned char *copy = malloc(len ? len : 1); /* exact size: ASan sees overreads */
        assert_non_null(copy);
        memcpy(copy, k.b, len);
        gpi_exif_ifd0 e;
        if (gpi_exif_read_ifd0(copy, len, &e) && e.has_resolution)
            complete++;
        free(copy);
    }
    assert_int_equal(complete, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_byte_orders),
        cmocka_unit_test(centimetres),
        cmocka_unit_test(lies_are_skipped),
        cmocka_unit_test(every_prefix_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
