/* Entry-name safety rules: a table of names and the verdict each must get. */
#include "core/base.h"
#include "verify/reader.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

typedef struct name_case {
    const char *name;
    size_t len; /* 0 = strlen */
    gpi_name_verdict verdict;
} name_case;

static const name_case cases[] = {
    {"ID/bundle.json", 0, GPI_NAME_OK},
    {"ID/photos/0001.jpg", 0, GPI_NAME_OK},
    /* what a clerk cannot see as it is (issue 9) */
    {"ID/gpj\xe2\x80\xae" "exe.jpg", 0, GPI_NAME_BAD},   /* U+202E */
    {"ID/a\xef\xbf\xbe.jpg", 0, GPI_NAME_BAD},        /* U+FFFE */
    {"ID/a\x1b[2J.jpg", 0, GPI_NAME_BAD},               /* ESC */
    {"ID/a\xc2\x85" "b", 0, GPI_NAME_BAD},                /* U+0085 NEL */
    {"ID/a\0" "b.jpg", 10, GPI_NAME_BAD},                  /* NUL inside the stated length */
    {"ID/photos/", 0, GPI_NAME_OK},
    {"山东理工/花名册.csv", 0, GPI_NAME_OK},
    {"..a/b..", 0, GPI_NAME_OK},
    {"a/.hidden", 0, GPI_NAME_OK},
    {"/etc/passwd", 0, GPI_NAME_UNSAFE_PATH},
    {"../evil.sh", 0, GPI_NAME_UNSAFE_PATH},
    {"ID/../../evil", 0, GPI_NAME_UNSAFE_PATH},
    {"ID/..", 0, GPI_NAME_UNSAFE_PATH},
    {"ID/../", 0, GPI_NAME_UNSAFE_PATH},
    {"./ID/a", 0, GPI_NAME_UNSAFE_PATH},
    {"ID//a", 0, GPI_NAME_UNSAFE_PATH},
    {"ID\\..\\evil", 0, GPI_NAME_UNSAFE_PATH},
    {"ID\\a.jpg", 0, GPI_NAME_UNSAFE_PATH},
    {"C:/Windows/evil", 0, GPI_NAME_UNSAFE_PATH},
    {"c:evil", 0, GPI_NAME_UNSAFE_PATH},
    {"ID/file.txt:stream", 0, GPI_NAME_UNSAFE_PATH},
    {"", 0, GPI_NAME_BAD},
    {"ID/a\nb", 0, GPI_NAME_BAD},
    {"ID/a\tb", 0, GPI_NAME_BAD},
    {"ID/\x7f", 0, GPI_NAME_BAD},
    {"ID/\xc2\x85next-line", 0, GPI_NAME_BAD},
    {"ID/\xff\xfe.jpg", 0, GPI_NAME_BAD},
    {"ID/\xb9\xfe\xb0\xa1.jpg", 0, GPI_NAME_BAD}, /* GBK bytes, not UTF-8 */
    {"ID/\xc0\xaf.jpg", 0, GPI_NAME_BAD},         /* overlong "/" */
    {"ID/a\0../../x", 12, GPI_NAME_BAD},          /* embedded NUL */
};

static void test_name_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < GPI_ARRAY_LEN(cases); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].name);
        gpi_name_verdict got = gpi_bundle_name_check(cases[i].name, len);
        if (got != cases[i].verdict)
            fail_msg("case %zu \"%s\": verdict %d, expected %d", i, cases[i].name, got,
                     cases[i].verdict);
    }
}

static void test_null_is_bad(void **state)
{
    (void)state;
    assert_int_equal(gpi_bundle_name_check(NULL, 0), GPI_NAME_BAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_table),
        cmocka_unit_test(test_null_is_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
