/* Unit tests: a dropped station folder (gp_station_folder_find) — which
 * table is the roster, which folder holds the photos, station.ini — and
 * the outbox beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gradpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *root;

static char *at(const char *name)
{
    size_t n = strlen(root) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", root, name);
    return p;
}

static void touch(const char *name)
{
    char *p = at(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fclose(f);
    free(p);
}

static void folder(const char *name)
{
    char *p = at(name);
    assert_int_equal(mkdir(p, 0700), 0);
    free(p);
}

static int setup(void **state)
{
    (void)state;
    root = strdup("/tmp/gp-station-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    int rc = system(cmd);
    free(root);
    return rc == 0 ? 0 : -1;
}

static void assert_found(const char *station, const char *roster, const char *photos,
                         const char *ini)
{
    char *dir = at(station);
    gp_station_folder f;
    gp_error err = {0};
    assert_true(gp_station_folder_find(dir, &f, &err));
    char *want = at(roster);
    assert_string_equal(f.roster, want);
    free(want);
    want = at(photos);
    assert_string_equal(f.photos, want);
    free(want);
    if (ini) {
        want = at(ini);
        assert_non_null(f.station);
        assert_string_equal(f.station, want);
        free(want);
    } else {
        assert_null(f.station);
    }
    assert_false(f.truncated);
    gp_station_folder_clear(&f);
    assert_null(f.roster);
    free(dir);
}

static void one_table_and_a_photo_folder(void **state)
{
    (void)state;
    folder("a");
    touch("a/学生名单.csv");
    touch("a/~$学生名单.xlsx"); /* Excel's lock file */
    touch("a/.hidden.csv");
    touch("a/readme.txt");
    touch("a/Station.INI");
    folder("a/其他");
    folder("a/照片");
    assert_found("a", "a/学生名单.csv", "a/照片", "a/Station.INI");
}

static void the_one_named_huamingce_among_several(void **state)
{
    (void)state;
    /* the folder's own name holds 花名册: only file names count */
    folder("花名册资料");
    touch("花名册资料/2025届花名册.xlsx");
    touch("花名册资料/成绩.xls");
    folder("花名册资料/扫描件");
    touch("花名册资料/扫描件/0001.JPG");
    folder("花名册资料/空");
    assert_found("花名册资料", "花名册资料/2025届花名册.xlsx", "花名册资料/扫描件", NULL);
}

static void photos_in_the_folder_itself(void **state)
{
    (void)state;
    folder("c");
    touch("c/roster.csv");
    touch("c/0001.jpg");
    folder("c/x");
    touch("c/x/0001.jpg");
    folder("c/y");
    touch("c/y/0002.jpeg"); /* two folders with JPEGs: neither is chosen */
    assert_found("c", "c/roster.csv", "c", NULL);
}

static void several_tables_none_named(void **state)
{
    (void)state;
    folder("d");
    touch("d/一班.csv");
    touch("d/二班.xlsx");
    touch("d/花名册-旧.csv");
    touch("d/花名册-新.csv");
    char *dir = at("d");
    gp_station_folder f;
    gp_error err = {0};
    assert_false(gp_station_folder_find(dir, &f, &err));
    assert_null(f.roster);
    assert_int_equal(err.status, GP_ERR_USAGE);
    assert_non_null(strstr(err.message, "多个表格"));
    assert_non_null(strstr(err.message, "花名册-新.csv")); /* each named */
    assert_non_null(strstr(err.message, "一班.csv"));
    assert_non_null(strstr(err.message, "只留下一个"));
    assert_null(strchr(err.message, '\\')); /* one line: no \x0A */
    free(dir);
}

/* Past 64 candidates: the one 花名册 is still found, the photo folder
 * still by its name, and a refusal counts every table */
static void every_table_and_folder_is_weighed(void **state)
{
    (void)state;
    folder("g");
    char name[32];
    for (int i = 0; i < 70; i++) {
        snprintf(name, sizeof name, "g/t%02d.csv", i); /* all sort before 花 */
        touch(name);
        snprintf(name, sizeof name, "g/d%02d", i);     /* all sort before 照 */
        folder(name);
    }
    touch("g/花名册.csv");
    folder("g/照片");
    assert_found("g", "g/花名册.csv", "g/照片", NULL);

    char *p = at("g/花名册.csv");
    unlink(p);
    free(p);
    char *dir = at("g");
    gp_station_folder f;
    gp_error err = {0};
    assert_false(gp_station_folder_find(dir, &f, &err));
    assert_non_null(strstr(err.message, "（70 个）"));
    assert_non_null(strstr(err.message, "t00.csv"));
    assert_non_null(strstr(err.message, "……"));
    assert_null(strstr(err.message, "t69.csv")); /* the first 8 are named */
    free(dir);
}

static void no_table_or_no_folder(void **state)
{
    (void)state;
    folder("e");
    touch("e/0001.jpg");
    char *dir = at("e");
    gp_station_folder f;
    gp_error err = {0};
    assert_false(gp_station_folder_find(dir, &f, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "没有花名册"));
    assert_null(strchr(err.message, '\\')); /* one line: no \x0A */
    free(dir);
    dir = at("不存在");
    gp_error err2 = {0};
    assert_false(gp_station_folder_find(dir, &f, &err2));
    assert_int_equal(err2.status, GP_ERR_OPEN);
    assert_non_null(strstr(err2.message, dir));
    free(dir);
}

static void outbox_beside_the_folder(void **state)
{
    (void)state;
    folder("f");
    folder("f/济南站");
    char *dir = at("f/济南站/"), *parent = at("f");
    char *real = realpath(parent, NULL);
    char *box = gp_outbox_beside(dir);
    assert_non_null(box);
    char want[4096];
    snprintf(want, sizeof want, "%s/%s", real, GP_OUTBOX_NAME);
    assert_string_equal(box, want);
    free(box);
    box = gp_outbox_beside("/");
    assert_string_equal(box, "/" GP_OUTBOX_NAME);
    free(box);
    assert_null(gp_outbox_beside("/nonexistent/gp-station"));
    free(dir), free(parent), free(real);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_table_and_a_photo_folder),
        cmocka_unit_test(the_one_named_huamingce_among_several),
        cmocka_unit_test(photos_in_the_folder_itself),
        cmocka_unit_test(several_tables_none_named),
        cmocka_unit_test(no_table_or_no_folder),
        cmocka_unit_test(every_table_and_folder_is_weighed),
        cmocka_unit_test(outbox_beside_the_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
