/* The cover letter: placeholders filled, CRLF and BOM for Notepad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pack/pack_internal.h"

#include <stdlib.h>
#include <string.h>

static void test_fill(void **state)
{
    (void)state;
    const char *tpl = "您好 {{who}}：\n共 {{rows}} 人\r\n{{unknown}} {{unterminated\n";
    gpi_letter_value values[] = {{"who", "新华社"}, {"rows", "120"}};
    size_t len = 0;
    char *out = gpi_letter_fill(tpl, strlen(tpl), values, 2, &len);
    assert_non_null(out);
    assert_int_equal(len, strlen(out));
    assert_string_equal(out, "\xEF\xBB\xBF您好 新华社：\r\n共 120 人\r\n{{unknown}} {{unterminated\r\n");
    free(out);
}

static void test_values_with_newlines_and_template_bom(void **state)
{
    (void)state;
    const char *tpl = "\xEF\xBB\xBF清单：\n{{list}}结束";
    gpi_letter_value values[] = {{"list", "  1. a.zip\n  2. b.zip\n"}};
    char *out = gpi_letter_fill(tpl, strlen(tpl), values, 1, NULL);
    assert_string_equal(out, "\xEF\xBB\xBF清单：\r\n  1. a.zip\r\n  2. b.zip\r\n结束");
    /* exactly one BOM */
    assert_null(strstr(out + 3, "\xEF\xBB\xBF"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill),
        cmocka_unit_test(test_values_with_newlines_and_template_bom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
