/* merge's rules without any zip: the renumbering order, duplicate-student
 * decisions, the mapping rows and mapping.csv, and input discovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "merge/merge_internal.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "roster/roster.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- fixtures -------------------------------------------------------------- */

typedef struct fake_row {
    gpi_student row;
    char *values[GPI_FIELD_COUNT];
} fake_row;

static void fake(fake_row *f, const char *seq, const char *id, const char *student_no,
                 const char *name)
{
    memset(f, 0, sizeof *f);
    snprintf(f->row.seq, sizeof f->row.seq, "%s", seq);
    for (int i = 0; i < GPI_FIELD_COUNT; i++)
        f->row.value[i] = (char *)"";
    f->row.value[GPI_FIELD_SEQ] = f->row.seq;
    f->row.value[GPI_FIELD_ID_NUMBER] = (char *)id;
    f->row.value[GPI_FIELD_STUDENT_NO] = (char *)student_no;
    f->row.value[GPI_FIELD_NAME] = (char *)name;
    f->row.row = atoi(seq) + 1;
}

static merge_student student(size_t bundle, const char *source, const fake_row *f,
                             unsigned char photo_byte)
{
    merge_student s = {.bundle = bundle, .source = source, .row = &f->row, .photo_size = 100};
    memset(s.sha256, photo_byte, 32);
    return s;
}

static const merge_student *find_by_id(const merge_student *s, size_t n, size_t bundle,
                                       const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].bundle == bundle && !strcmp(s[i].row->value[GPI_FIELD_ID_NUMBER], id))
            return &s[i];
    return NULL;
}

/* ---- order and renumbering --------------------------------------------------- */

static void test_order_is_bundle_then_original_number(void **state)
{
    (void)state;
    fake_row r[5];
    fake(&r[0], "0003", "A3", "s1", "甲");
    fake(&r[1], "0001", "A1", "s2", "乙");
    fake(&r[2], "0002", "B2", "s3", "丙");
    fake(&r[3], "0010", "A10", "s4", "丁");
    fake(&r[4], "0001", "B1", "s5", "戊");
    /* bundle 0 sorts before bundle 1 (inputs are sorted by file name) */
    merge_student s[5] = {student(1, "b.zip", &r[2], 1), student(0, "a.zip", &r[0], 2),
                          student(0, "a.zip", &r[3], 3), student(1, "b.zip", &r[4], 4),
                          student(0, "a.zip", &r[1], 5)};
    gp_report *report = gp_report_new("merge");
    assert_true(merge_decide(s, 5, report));
    assert_int_equal(gp_report_count(report), 0);
    const char *want[5][2] = {{"a.zip", "0001"}, {"a.zip", "0003"}, {"a.zip", "0010"},
                              {"b.zip", "0001"}, {"b.zip", "0002"}};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(s[i].source, want[i][0]);
        assert_string_equal(s[i].row->seq, want[i][1]);
    }
    assert_int_equal(merge_renumber(s, 5, MERGE_MAX_PER_BUNDLE), 1);
    for (size_t i = 0; i < 5; i++) {
        char seq[5];
        snprintf(seq, sizeof seq, "%04zu", i + 1);
        assert_string_equal(s[i].new_seq, seq);
        assert_int_equal(s[i].output, 0);
    }
    gp_report_free(report);
}

static void test_renumber_starts_again_per_bundle_and_skips_dropped(void **state)
{
    (void)state;
    fake_row r[5];
    merge_student s[5];
    for (int i = 0; i < 5; i++) {
        char seq[5], id[8];
        snprintf(seq, sizeof seq, "%04d", i + 1);
        snprintf(id, sizeof id, "ID%d", i);
        fake(&r[i], seq, strdup(id), "", "");
        s[i] = student(0, "a.zip", &r[i], (unsigned char)i);
    }
    s[1].fate = MERGE_HELD;
    assert_int_equal(merge_renumber(s, 5, 2), 2);
    assert_string_equal(s[0].new_seq, "0001");
    assert_int_equal(s[0].output, 0);
    assert_string_equal(s[2].new_seq, "0002");
    assert_int_equal(s[2].output, 0);
    assert_string_equal(s[3].new_seq, "0001");
    assert_int_equal(s[3].output, 1);
    assert_string_equal(s[4].new_seq, "0002");
    assert_int_equal(s[4].output, 1);
    for (int i = 0; i < 5; i++)
        free(r[i].row.value[GPI_FIELD_ID_NUMBER]);
    assert_int_equal(merge_renumber(s, 0, 2), 0);
}

/* ---- duplicate students ------------------------------------------------------------ */

static void test_identical_copy_is_absorbed_earlier_bundle_wins(void **state)
{
    (void)state;
    fake_row a, b, other;
    fake(&a, "0005", "370102199001011234", "2019001", "张三");
    fake(&b, "0002", "370102199001011234", "2019001", "张三"); /* re-sent: other number */
    fake(&other, "0001", "370102199001015678", "2019002", "李四");
    merge_student s[3] = {student(1, "z-重发.zip", &b, 7), student(0, "a.zip", &a, 7),
                          student(1, "z-重发.zip", &other, 8)};
    gp_report *report = gp_report_new("merge");
    assert_true(merge_decide(s, 3, report));
    const merge_student *kept = find_by_id(s, 3, 0, "370102199001011234");
    const merge_student *dropped = find_by_id(s, 3, 1, "370102199001011234");
    assert_int_equal(kept->fate, MERGE_KEEP);
    assert_int_equal(dropped->fate, MERGE_ABSORBED);
    assert_int_equal(find_by_id(s, 3, 1, "370102199001015678")->fate, MERGE_KEEP);
    assert_int_equal(gp_report_count(report), 1);
    const gp_finding *f = gp_report_get(report, 0);
    assert_int_equal(f->code, GP_MERGE_RESENT);
    assert_int_equal(f->severity, GP_INFO);
    assert_string_equal(f->source, "z-重发.zip");
    assert_string_equal(f->expected, "a.zip");
    assert_int_equal(merge_renumber(s, 3, MERGE_MAX_PER_BUNDLE), 1);
    gp_report_free(report);
}

static void test_different_photo_or_values_hold_both(void **state)
{
    (void)state;
    fake_row a, b, c, d;
    fake(&a, "0001", "ID-SAME-PHOTO-DIFFERS", "n1", "王五");
    fake(&b, "0001", "ID-SAME-PHOTO-DIFFERS", "n1", "王五");
    fake(&c, "0002", "ID-NAME-DIFFERS", "n2", "赵六");
    fake(&d, "0002", "ID-NAME-DIFFERS", "n2", "赵陆");
    merge_student s[4] = {student(0, "a.zip", &a, 1), student(1, "b.zip", &b, 2),
                          student(0, "a.zip", &c, 3), student(1, "b.zip", &d, 3)};
    gp_report *report = gp_report_new("merge");
    assert_true(merge_decide(s, 4, report));
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(s[i].fate, MERGE_HELD);
    assert_int_equal(gp_report_count(report), 4);
    for (size_t i = 0; i < 4; i++) {
        const gp_finding *f = gp_report_get(report, i);
        assert_int_equal(f->code, GP_MERGE_DUPLICATE_STUDENT);
        /* each copy names the other source */
        const char *other = !strcmp(f->source, "a.zip") ? "b.zip" : "a.zip";
        assert_non_null(strstr(f->expected, other));
        assert_non_null(strstr(f->message, other));
    }
    assert_int_equal(merge_renumber(s, 4, MERGE_MAX_PER_BUNDLE), 0);
    gp_report_free(report);
}

static void test_shared_student_no_or_photo_holds_both(void **state)
{
    (void)state;
    fake_row a, b, c, d, e;
    fake(&a, "0001", "ID1", "2019-1", "甲");
    fake(&b, "0001", "ID2", "2019-1", "乙"); /* another student, same 学号 */
    fake(&c, "0002", "ID3", "2019-3", "丙");
    fake(&d, "0002", "ID4", "2019-4", "丁"); /* another student, same photo as c */
    fake(&e, "0003", "ID5", "", "戊");       /* no 学号: never a clash */
    fake_row f;
    fake(&f, "0003", "ID6", "", "己");
    merge_student s[6] = {student(0, "a.zip", &a, 1), student(1, "b.zip", &b, 2),
                          student(0, "a.zip", &c, 9), student(1, "b.zip", &d, 9),
                          student(0, "a.zip", &e, 5), student(1, "b.zip", &f, 6)};
    gp_report *report = gp_report_new("merge");
    assert_true(merge_decide(s, 6, report));
    assert_int_equal(find_by_id(s, 6, 0, "ID1")->fate, MERGE_HELD);
    assert_int_equal(find_by_id(s, 6, 1, "ID2")->fate, MERGE_HELD);
    assert_int_equal(find_by_id(s, 6, 0, "ID3")->fate, MERGE_HELD);
    assert_int_equal(find_by_id(s, 6, 1, "ID4")->fate, MERGE_HELD);
    assert_int_equal(find_by_id(s, 6, 0, "ID5")->fate, MERGE_KEEP);
    assert_int_equal(find_by_id(s, 6, 1, "ID6")->fate, MERGE_KEEP);
    size_t no = 0, photo = 0;
    for (size_t i = 0; i < gp_report_count(report); i++) {
        no += gp_report_get(report, i)->code == GP_MERGE_DUPLICATE_STUDENT_NO;
        photo += gp_report_get(report, i)->code == GP_MERGE_DUPLICATE_PHOTO;
    }
    assert_int_equal(no, 2);
    assert_int_equal(photo, 2);
    gp_report_free(report);
}

/* ---- the map ------------------------------------------------------------------------ */

static void test_mapping_rows_and_csv(void **state)
{
    (void)state;
    fake_row a, b;
    fake(&a, "0007", "370102199001011234", "2019001", "张三");
    fake(&b, "0002", "370102199001015678", "2019,002", "李四");
    merge_student s[2] = {student(0, "济南站.zip", &a, 1), student(1, "b \"x\".zip", &b, 2)};
    memcpy(s[0].new_seq, "0001", 5);
    memcpy(s[1].new_seq, "0002", 5);
    const char *cells[MERGE_MAPPING_COLUMNS];
    merge_mapping_row(&s[0], cells);
    assert_string_equal(cells[0], "0001");
    assert_string_equal(cells[1], "济南站.zip");
    assert_string_equal(cells[2], "0007");
    assert_string_equal(cells[3], "2019001");
    assert_string_equal(cells[4], "370102199001011234");
    const char *const *headers = merge_mapping_headers();
    assert_string_equal(headers[0], "新拍摄序号");
    assert_string_equal(headers[4], "身份证号");
    const merge_student *rows[2] = {&s[0], &s[1]};
    size_t len = 0;
    char *csv = merge_mapping_csv(rows, 2, &len);
    assert_non_null(csv);
    assert_int_equal(len, strlen(csv));
    assert_string_equal(csv, "\xEF\xBB\xBF"
                             "新拍摄序号,来源压缩包,原拍摄序号,学号,身份证号\r\n"
                             "0001,济南站.zip,0007,2019001,370102199001011234\r\n"
                             "0002,\"b \"\"x\"\".zip\",0002,\"2019,002\",370102199001015678\r\n");
    free(csv);
}

/* ---- input discovery ------------------------------------------------------------------- */

static void touch(const char *dir, const char *name)
{
    char *path = gpi_path_join(dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    close(fd);
    free(path);
}

static void test_inputs_found_by_extension_sorted_deduplicated(void **state)
{
    (void)state;
    char root[] = "/tmp/gp-merge-unit-XXXXXX";
    assert_non_null(mkdtemp(root));
    char *inbox = gpi_path_join(root, "inbox");
    char *nested = gpi_path_join(inbox, "old");
    char *out = gpi_path_join(root, "out");
    assert_int_equal(mkdir(inbox, 0755), 0);
    assert_int_equal(mkdir(nested, 0755), 0);
    assert_int_equal(mkdir(out, 0755), 0);
    touch(inbox, "乙站.zip");
    touch(inbox, "a站.ZIP");
    touch(inbox, "notes.txt");
    touch(inbox, ".hidden.zip");
    touch(nested, "deep.zip"); /* no recursion */
    touch(root, "single.zip");
    char *single = gpi_path_join(root, "single.zip");
    char *again = gpi_path_join(inbox, "乙站.zip");
    const char *args[] = {inbox, single, again};
    merge_inputs in = {0};
    gp_error err = {0};
    assert_true(merge_find_inputs(args, 3, out, &in, &err));
    assert_int_equal(in.count, 3);
    assert_string_equal(in.items[0].name, "a站.ZIP");
    assert_string_equal(in.items[1].name, "single.zip");
    assert_string_equal(in.items[2].name, "乙站.zip");
    merge_inputs_clear(&in);

    /* the output folder as an input, and a missing input, are refused */
    const char *self[] = {out};
    assert_false(merge_find_inputs(self, 1, out, &in, &err));
    assert_int_equal(err.status, GP_ERR_USAGE);
    gp_error_clear(&err);
    char *missing = gpi_path_join(root, "nope");
    const char *gone[] = {missing};
    assert_false(merge_find_inputs(gone, 1, out, &in, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_int_equal(in.count, 0);

    char *cmd = gpi_asprintf("rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(missing);
    free(single);
    free(again);
    free(inbox);
    free(nested);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_is_bundle_then_original_number),
        cmocka_unit_test(test_renumber_starts_again_per_bundle_and_skips_dropped),
        cmocka_unit_test(test_identical_copy_is_absorbed_earlier_bundle_wins),
        cmocka_unit_test(test_different_photo_or_values_hold_both),
        cmocka_unit_test(test_shared_student_no_or_photo_holds_both),
        cmocka_unit_test(test_mapping_rows_and_csv),
        cmocka_unit_test(test_inputs_found_by_extension_sorted_deduplicated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
