/* zip_layout.c: every byte of a zip accounted for.  Archives are built
 * here byte by byte (stored entries), so each case says exactly which bytes
 * are where. */
#include "verify/zip_layout.h"
#include "core/base.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct bytes {
    unsigned char data[4096];
    size_t len;
} bytes;

static void put(bytes *b, const void *p, size_t n)
{
    assert_true(b->len + n <= sizeof b->data);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put16(bytes *b, unsigned v)
{
    unsigned char p[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    put(b, p, 2);
}

static void put32(bytes *b, unsigned long v)
{
    unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put(b, p, 4);
}

/* A stored local entry (CRC not checked here); flags bit 3 adds a data
 * descriptor with its signature. */
static void local_entry(bytes *b, const char *name, const char *data, unsigned flags)
{
    put(b, "PK\3\4", 4);
    put16(b, 20), put16(b, flags), put16(b, 0), put16(b, 0), put16(b, 0x2821);
    put32(b, 0);
    put32(b, flags & 8 ? 0 : strlen(data)), put32(b, flags & 8 ? 0 : strlen(data));
    put16(b, (unsigned)strlen(name)), put16(b, 0);
    put(b, name, strlen(name));
    put(b, data, strlen(data));
    if (flags & 8) {
        put(b, "PK\7\10", 4);
        put32(b, 0), put32(b, strlen(data)), put32(b, strlen(data));
    }
}

static void central_entry(bytes *b, const char *name, const char *data, unsigned flags,
                          unsigned long offset)
{
    put(b, "PK\1\2", 4);
    put16(b, 0x031e), put16(b, 20), put16(b, flags), put16(b, 0), put16(b, 0), put16(b, 0x2821);
    put32(b, 0), put32(b, strlen(data)), put32(b, strlen(data));
    put16(b, (unsigned)strlen(name)), put16(b, 0), put16(b, 0), put16(b, 0), put16(b, 0);
    put32(b, 0100644ul << 16), put32(b, offset);
    put(b, name, strlen(name));
}

static void end_record(bytes *b, unsigned entries, unsigned long cd_size,
                       unsigned long cd_offset, const char *comment)
{
    put(b, "PK\5\6", 4);
    put16(b, 0), put16(b, 0), put16(b, entries), put16(b, entries);
    put32(b, cd_size), put32(b, cd_offset);
    put16(b, (unsigned)strlen(comment));
    put(b, comment, strlen(comment));
}

typedef struct layout_case {
    const char *prefix;     /* before the first entry */
    const char *hidden;     /* a local entry between the two, not in the directory */
    const char *comment;
    const char *trailing;
    unsigned flags;         /* of the listed entries */
    const char *local_name; /* the second local header's name ("" = as listed) */
} layout_case;

/* Two listed entries (a.txt, b.txt) with the case's damage; the layout's
 * findings go into a new report. */
static gp_report *layout_of(const layout_case *c, zip_layout *layout)
{
    bytes b = {.len = 0};
    put(&b, c->prefix, strlen(c->prefix));
    unsigned long off_a = b.len;
    local_entry(&b, "a.txt", "alpha", c->flags);
    if (c->hidden[0])
        local_entry(&b, "roster.csv", c->hidden, 0);
    unsigned long off_b = b.len;
    local_entry(&b, c->local_name[0] ? c->local_name : "b.txt", "beta", c->flags);
    unsigned long cd = b.len;
    central_entry(&b, "a.txt", "alpha", c->flags, off_a);
    central_entry(&b, "b.txt", "beta", c->flags, off_b);
    end_record(&b, 2, b.len - cd, cd, c->comment);
    put(&b, c->trailing, strlen(c->trailing));

    char path[] = "/tmp/gp-test-layout-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
    gp_report *report = gp_report_new("verify");
    gp_error err = {0};
    assert_true(zip_layout_read(fd, b.len, "t.zip", report, layout, &err));
    close(fd);
    unlink(path);
    return report;
}

static void clean_archive_has_no_finding(void **state)
{
    (void)state;
    for (unsigned flags = 0; flags <= 8; flags += 8) {
        layout_case c = {"", "", "", "", flags, ""};
        zip_layout layout;
        gp_report *report = layout_of(&c, &layout);
        assert_true(layout.parsed);
        assert_int_equal(layout.count, 2);
        assert_string_equal(layout.entries[1].raw_name, "b.txt");
        assert_int_equal(gp_report_count(report), 0);
        zip_layout_clear(&layout);
        gp_report_free(report);
    }
}

static void damage_is_reported(void **state)
{
    (void)state;
    static const struct {
        layout_case c;
        gp_code code;
    } cases[] = {
        {{"<html>", "", "", "", 0, ""}, GP_BUNDLE_STRAY_BYTES},
        {{"", "forged", "", "", 0, ""}, GP_BUNDLE_HIDDEN_ENTRY},
        {{"", "forged", "", "", 8, ""}, GP_BUNDLE_HIDDEN_ENTRY},
        {{"", "", "see http://x", "", 0, ""}, GP_BUNDLE_STRAY_BYTES},
        {{"", "", "", "junk", 0, ""}, GP_BUNDLE_STRAY_BYTES},
        {{"", "", "x" "PK\5\6", "", 0, ""}, GP_BUNDLE_STRAY_BYTES},
        {{"", "", "", "", 0, "c.txt"}, GP_BUNDLE_HIDDEN_ENTRY},
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(cases); i++) {
        zip_layout layout;
        gp_report *report = layout_of(&cases[i].c, &layout);
        if (!gp_report_has(report, cases[i].code))
            fail_msg("case %zu: expected code %d, %zu findings", i, cases[i].code,
                     gp_report_count(report));
        zip_layout_clear(&layout);
        gp_report_free(report);
    }
}

static void not_a_zip_is_left_to_libzip(void **state)
{
    (void)state;
    char path[] = "/tmp/gp-test-layout-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello, not a zip", 16), 16);
    gp_report *report = gp_report_new("verify");
    gp_error err = {0};
    zip_layout layout;
    assert_true(zip_layout_read(fd, 16, "t.zip", report, &layout, &err));
    assert_false(layout.parsed);
    assert_int_equal(gp_report_count(report), 0);
    close(fd);
    unlink(path);
    gp_report_free(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_archive_has_no_finding),
        cmocka_unit_test(damage_is_reported),
        cmocka_unit_test(not_a_zip_is_left_to_libzip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
