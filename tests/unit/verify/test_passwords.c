/* Unit tests: which password of a passwords table opens which bundle. */
#include "core/base.h"
#include "verify/passwords.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

static const gp_password_entry table[] = {
    {"10433-淄博站-0001-0120", "zibo"},
    {"济南站.zip", "jinan"},
};

static const char *choose(const char *path)
{
    gp_verify_options o = {.password = "single", .passwords = table, .password_count = 2};
    return gpi_verify_choose_password(&o, path);
}

static void by_name(void **state)
{
    (void)state;
    assert_string_equal(choose("/in/10433-淄博站-0001-0120.zip"), "zibo");
    assert_string_equal(choose("10433-淄博站-0001-0120"), "zibo");
    /* a name without -partK-of-N covers every part */
    assert_string_equal(choose("/in/10433-淄博站-0001-0120-part2-of-3.zip"), "zibo");
    assert_string_equal(choose("/in/济南站.zip"), "jinan");
    assert_string_equal(choose("/in/济南站-part1-of-2.zip"), "jinan");
}

static void no_name_falls_back(void **state)
{
    (void)state;
    /* no line names it and it cannot be opened to try: the single password */
    assert_string_equal(choose("/nonexistent/济南站2.zip"), "single");
    assert_string_equal(choose("/nonexistent/10433-淄博站-0001-0120-part2.zip"), "single");
    gp_verify_options plain = {.password = "p"};
    assert_string_equal(gpi_verify_choose_password(&plain, "/x/a.zip"), "p");
    assert_null(gpi_verify_choose_password(NULL, "/x/a.zip"));
    assert_false(gpi_zip_has_encrypted_entry("/nonexistent/a.zip"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(by_name),
        cmocka_unit_test(no_name_falls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
