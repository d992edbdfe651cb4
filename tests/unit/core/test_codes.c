/* Unit tests: the finding-code table is complete, unique and well formed. */
#include "core/base.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

static bool well_formed(const char *name)
{
    /* area.thing[.detail]: lower-case ASCII, digits, '_' and dots */
    if (!strchr(name, '.'))
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
            return false;
    return name[0] != '.' && name[strlen(name) - 1] != '.';
}

static void every_code_complete_and_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < gp_code_total(); i++) {
        gp_code c = gp_code_at(i);
        assert_true(gp_code_known(c));
        assert_true(well_formed(gp_code_name(c)));
        assert_true(strlen(gp_code_title(c)) > 0);
        assert_true(strlen(gp_code_fix(c)) > 0);
        assert_int_equal(gp_code_from_name(gp_code_name(c)), c);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(gp_code_name(c), gp_code_name(gp_code_at(j)));
            assert_int_not_equal(c, gp_code_at(j));
        }
    }
    /* every number below the limit that is not in the table is a gap */
    size_t known = 0;
    for (unsigned i = 0; i < GP_CODE_COUNT; i++)
        known += gp_code_known((gp_code)i);
    assert_int_equal(known, gp_code_total());
    assert_false(gp_code_known(GP_CODE_COUNT));
    assert_int_equal(gp_code_from_name("no.such"), GP_CODE_COUNT);
    assert_int_equal(gp_code_from_name(NULL), GP_CODE_COUNT);
}

static void codes_named_in_issue(void **state)
{
    (void)state;
    static const char *const required[] = {
        "photo.filesize", "roster.header.missing", "roster.seq.padded", "roster.seq.format",
        "roster.seq.duplicate", "roster.field.empty", "roster.level.mapped",
        "roster.level.invalid", "roster.sex.invalid", "roster.id.scientific", "roster.id.format",
        "roster.id.checksum", "roster.id.birthdate", "roster.id.sex_mismatch",
        "roster.id.duplicate", "roster.student_no.duplicate", "roster.school_code.format",
        "roster.school.inconsistent", "roster.school.mismatch", "photo.missing", "photo.orphan",
        "photo.ambiguous", "photo.duplicate", "photo.not_jpeg", "photo.corrupt",
        "photo.dimensions", "photo.colorspace", "photo.dpi", "photo.icc", "photo.orientation",
        "bundle.unsafe_path", "bundle.too_large", "bundle.duplicate_entry",
        "bundle.manifest_missing", "bundle.missing_file", "bundle.hash_mismatch",
        "bundle.unlisted", "master.unknown_student", "master.mismatch",
        "master.duplicate_student", "merge.duplicate_student", "fix.aspect", "fix.grayscale",
        "fix.cannot_reach_min",
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(required); i++)
        assert_int_not_equal(gp_code_from_name(required[i]), GP_CODE_COUNT);
}

static void markdown_has_every_code(void **state)
{
    (void)state;
    char *md = gp_codes_to_markdown();
    assert_non_null(md);
    for (size_t i = 0; i < gp_code_total(); i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "| `%s` |", gp_code_name(gp_code_at(i)));
        assert_non_null(strstr(md, needle));
    }
    free(md);
}

/* Codes never move: every line of codes.golden ("NUMBER name") must still
 * hold.  New codes are added to the golden file; a line is never changed. */
static void numbers_never_move(void **state)
{
    (void)state;
    FILE *f = fopen(GP_CODES_GOLDEN, "r");
    assert_non_null(f);
    char line[160];
    size_t lines = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        int number;
        char name[128];
        assert_int_equal(sscanf(line, "%d %127s", &number, name), 2);
        if (gp_code_from_name(name) != (gp_code)number)
            fail_msg("code %s moved: golden %d, table %d", name, number,
                     (int)gp_code_from_name(name));
        lines++;
    }
    fclose(f);
    /* every code of the table is pinned */
    assert_int_equal(lines, gp_code_total());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_complete_and_unique),
        cmocka_unit_test(codes_named_in_issue),
        cmocka_unit_test(markdown_has_every_code),
        cmocka_unit_test(numbers_never_move),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
