/* bundle.json read back: what pack writes parses without a finding; a text
 * member pack could never have written (control characters, bidi
 * overrides) is a bundle.metadata finding and is not kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/base.h"
#include "bundle/bundle.h"

#include <stdlib.h>
#include <string.h>

/* bundle.json as pack writes it for a station named station_name and a
 * submission called name */
static char *written(const char *name, const char *station_name)
{
    gpi_station station = {.present = true};
    char empty[] = "";
    for (int f = 0; f < GPI_STATION_FIELD_COUNT; f++)
        station.value[f] = empty;
    station.value[GPI_STATION_NAME] = (char *)station_name;
    gpi_bundle_info info = {
        .profile = "xinhua-shandong",
        .name = name,
        .bundle_id = "10422-bundle",
        .school = {.type = "本部", .code = "10422", .name = "山东大学"},
        .station = &station,
        .part = 1,
        .parts = 1,
        .rows = 2,
        .seq_first = "0001",
        .seq_last = "0002",
        .submission = "5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9",
    };
    gp_error err = {0};
    char *json = gpi_bundle_json(&info, &err);
    assert_non_null(json);
    return json;
}

/* how many findings name this key */
static size_t findings_on(const gp_report *report, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < gp_report_count(report); i++) {
        const gp_finding *f = gp_report_get(report, i);
        if (f->field && strcmp(f->field, key) == 0) {
            assert_int_equal(f->code, GP_BUNDLE_METADATA);
            n++;
        }
    }
    return n;
}

static void parse(const char *json, gpi_bundle_meta *meta, gp_report *report)
{
    gp_error err = {0};
    assert_true(gpi_bundle_meta_parse(json, strlen(json), meta, "b.zip", report, &err));
    assert_true(meta->present);
}

static void test_what_pack_writes_parses_clean(void **state)
{
    (void)state;
    char *json = written("10422-济南函授站-0001-0002", "济南函授站");
    gp_report *report = gp_report_new("verify");
    gpi_bundle_meta meta = {0};
    parse(json, &meta, report);
    assert_int_equal(gp_report_count(report), 0);
    assert_string_equal(meta.name, "10422-济南函授站-0001-0002");
    assert_string_equal(meta.station_name, "济南函授站");
    gpi_bundle_meta_clear(&meta);
    gp_report_free(report);
    free(json);
}

static void test_control_characters_in_the_name_are_refused(void **state)
{
    (void)state;
    /* an escape sequence that would clear the clerk's terminal, and a bidi
     * override that shows "0001" as another number */
    const char *names[] = {"a\033[2Jb", "提交\n第二行", "x\xe2\x80\xae" "1000", "tab\there",
                           "济南站\xe2\x80\x8b-0001"}; /* a zero-width space: reads as another */
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *json = written(names[i], "济南函授站");
        gp_report *report = gp_report_new("verify");
        gpi_bundle_meta meta = {0};
        parse(json, &meta, report);
        assert_int_equal(findings_on(report, "name"), 1);
        assert_int_equal(gp_report_count(report), 1);
        assert_string_equal(meta.name, ""); /* never shown in later messages */
        /* the value is shown escaped, never as it is */
        const gp_finding *f = gp_report_get(report, 0);
        assert_null(strchr(f->actual, '\033'));
        assert_null(strchr(f->actual, '\n'));
        assert_null(strstr(f->actual, "\xe2\x80\xae"));
        gpi_bundle_meta_clear(&meta);
        gp_report_free(report);
        free(json);
    }
}

/* json gives exactly one finding, on station.name, which is not kept */
static void expect_station_name_refused(char *json)
{
    gp_report *report = gp_report_new("verify");
    gpi_bundle_meta meta = {0};
    parse(json, &meta, report);
    assert_int_equal(findings_on(report, "station.name"), 1);
    assert_int_equal(gp_report_count(report), 1);
    assert_string_equal(meta.station_name, "");
    gpi_bundle_meta_clear(&meta);
    gp_report_free(report);
    free(json);
}

static void test_control_characters_in_the_station_name_are_refused(void **state)
{
    (void)state;
    expect_station_name_refused(written("10422-0001-0002", "站\033]0;title\007"));
}

/* {"station": {"name": 5}}: said, like any other member of the wrong type */
static void test_station_name_of_another_type_is_refused(void **state)
{
    (void)state;
    char *json = written("10422-0001-0002", "济南函授站");
    char *at = strstr(json, "\"济南函授站\"");
    assert_non_null(at);
    memcpy(at, "5", 1);
    memset(at + 1, ' ', strlen("\"济南函授站\"") - 1); /* "name": 5 and spaces */
    expect_station_name_refused(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_what_pack_writes_parses_clean),
        cmocka_unit_test(test_control_characters_in_the_name_are_refused),
        cmocka_unit_test(test_control_characters_in_the_station_name_are_refused),
        cmocka_unit_test(test_station_name_of_another_type_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
