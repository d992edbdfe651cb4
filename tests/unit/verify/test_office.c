/* Unit tests: the office config (lib/verify/office.c) against hostile
 * files: a byte order mark, NULs, over-long lines, the size limit. */
#include "core/base.h"
#include "core/error.h"
#include "verify/office.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The profile chosen by a config holding exactly these bytes, or NULL
 * (with err set). */
static char *profile_of(const char *bytes, size_t len, gp_error *err)
{
    char path[] = "/tmp/gp-office-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    close(fd);
    gp_verify_options o = {.config = path};
    char *p = gpi_office_profile(&o, err);
    unlink(path);
    return p;
}

static void plain_and_bom(void **state)
{
    (void)state;
    static const char plain[] = "[office]\nprofile = xinhua\n";
    static const char bom[] = "\xef\xbb\xbf[office]\r\nprofile = xinhua\r\n";
    gp_error err = {0};
    char *p = profile_of(plain, sizeof plain - 1, &err);
    assert_non_null(p);
    assert_string_equal(p, "xinhua");
    free(p);
    p = profile_of(bom, sizeof bom - 1, &err);
    assert_non_null(p);
    assert_string_equal(p, "xinhua");
    free(p);
}

/* inih reads lines of at most 199 bytes and reads the rest of a longer one
 * as a line of its own: the tail of a comment must not become a setting. */
static void long_comment_is_not_obeyed(void **state)
{
    (void)state;
    for (size_t k = 150; k < 260; k++) {
        char text[512];
        int n = snprintf(text, sizeof text, "[office]\n;%*sprofile = evil\n", (int)k, "");
        memset(text + 10, 'a', k);
        gp_error err = {0};
        char *p = profile_of(text, (size_t)n, &err);
        if (p)
            assert_string_not_equal(p, "evil");
        free(p);
    }
}

static void long_value_is_refused(void **state)
{
    (void)state;
    char text[512] = "[office]\nprofile = ";
    size_t n = strlen(text);
    memset(text + n, 'a', 300);
    text[n + 300] = '\n';
    gp_error err = {0};
    char *p = profile_of(text, n + 301, &err);
    if (p) /* never a truncated name */
        assert_int_equal(strlen(p), 300);
    else
        assert_non_null(strstr(err.message, "第 2 行"));
    free(p);
    /* the longest line inih reads whole: 198 bytes and its newline */
    n = strlen("profile = ");
    memcpy(text, "[office]\nprofile = ", 9 + n);
    memset(text + 9 + n, 'b', 198 - n);
    text[9 + 198] = '\n';
    p = profile_of(text, 9 + 199, &err);
    assert_non_null(p);
    assert_int_equal(strlen(p), 198 - n);
    free(p);
}

/* a NUL must not hide the rest of the file */
static void nul_is_refused(void **state)
{
    (void)state;
    static const char text[] = "[office]\n\0profile = xinhua\n";
    gp_error err = {0};
    char *p = profile_of(text, sizeof text - 1, &err);
    assert_null(p);
    free(p);
}

static void over_limit_is_refused(void **state)
{
    (void)state;
    size_t len = (1u << 20) + 1;
    char *text = malloc(len);
    assert_non_null(text);
    memset(text, ';', len);
    memcpy(text, "[office]\n", 9);
    text[len - 1] = '\n';
    gp_error err = {0};
    char *p = profile_of(text, len, &err);
    assert_null(p);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_and_bom),
        cmocka_unit_test(long_comment_is_not_obeyed),
        cmocka_unit_test(long_value_is_refused),
        cmocka_unit_test(nul_is_refused),
        cmocka_unit_test(over_limit_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
