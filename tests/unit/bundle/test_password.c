/* Generated passwords: length, alphabet without look-alikes, randomness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bundle/bundle.h"

#include <stdlib.h>
#include <string.h>

static void test_length_and_alphabet(void **state)
{
    (void)state;
    for (int i = 0; i < 200; i++) {
        char *pw = gpi_password_generate(GPI_PASSWORD_LENGTH);
        assert_non_null(pw);
        assert_int_equal(strlen(pw), GPI_PASSWORD_LENGTH);
        assert_true(GPI_PASSWORD_LENGTH >= 16);
        for (const char *p = pw; *p; p++) {
            assert_non_null(strchr(GPI_PASSWORD_ALPHABET, *p));
            assert_null(strchr("0O1lI", *p));
        }
        free(pw);
    }
}

static void test_alphabet_has_no_lookalikes(void **state)
{
    (void)state;
    assert_null(strpbrk(GPI_PASSWORD_ALPHABET, "0O1lI"));
    assert_true(strlen(GPI_PASSWORD_ALPHABET) >= 50);
}

static void test_every_character_used_and_runs_differ(void **state)
{
    (void)state;
    int seen[256] = {0};
    char *first = gpi_password_generate(GPI_PASSWORD_LENGTH);
    char *second = gpi_password_generate(GPI_PASSWORD_LENGTH);
    assert_string_not_equal(first, second);
    free(first);
    free(second);
    char *long_pw = gpi_password_generate(20000);
    assert_non_null(long_pw);
    for (const char *p = long_pw; *p; p++)
        seen[(unsigned char)*p]++;
    /* 20,000 draws over 57 symbols: each appears ~350 times; none is
     * missing or grossly over-represented (rejection sampling, no bias) */
    for (const char *a = GPI_PASSWORD_ALPHABET; *a; a++) {
        assert_true(seen[(unsigned char)*a] > 200);
        assert_true(seen[(unsigned char)*a] < 550);
    }
    free(long_pw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_and_alphabet),
        cmocka_unit_test(test_alphabet_has_no_lookalikes),
        cmocka_unit_test(test_every_character_used_and_runs_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
