/* Unit tests: display width, number ranges, the grouped text report, yes/no
 * values in JSON, progress from the worker pool, error texts in Chinese. */
#include "core/base.h"
#include "core/findings.h"
#include "core/pool.h"
#include "core/messages.h"
#include "core/progress.h"
#include "core/text_width.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static void display_width(void **state)
{
    (void)state;
    assert_int_equal(gpi_text_width(""), 0);
    assert_int_equal(gpi_text_width("abc"), 3);
    assert_int_equal(gpi_text_width("照片"), 4);
    assert_int_equal(gpi_text_width("0001.jpg 照片，（）"), 9 + 4 + 6);
    assert_int_equal(gpi_text_width("e\xCC\x81"), 1); /* combining accent */
    assert_int_equal(gpi_text_width("\xE4\xB8"), 2);  /* truncated: a column per byte */
    assert_int_equal(gpi_text_width(NULL), 0);
    gpi_buf b = {0};
    gpi_buf_put_padded(&b, "结论", 6);
    gpi_buf_puts(&b, "|");
    char *s = gpi_buf_take(&b);
    assert_string_equal(s, "结论  |");
    free(s);
}

static void ranges(void **state)
{
    (void)state;
    long n[] = {5, 1, 2, 3, 9, 6, 3, 12};
    gpi_buf b = {0};
    gpi_buf_put_ranges(&b, n, 8, 4, 10);
    char *s = gpi_buf_take(&b);
    assert_string_equal(s, "0001–0003、0005–0006、0009、0012");
    free(s);
    long m[] = {1, 3, 5, 7};
    gpi_buf_put_ranges(&b, m, 4, 0, 2);
    s = gpi_buf_take(&b);
    assert_string_equal(s, "1、3等");
    free(s);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void grouped_report(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    char seq[8], file[16];
    for (int i = 1; i <= 300; i++) {
        snprintf(seq, sizeof seq, "%04d", i);
        snprintf(file, sizeof file, "%s.jpg", seq);
        gpi_where w = {.row = i + 1, .seq = seq, .file = file};
        assert_true(gpi_report_add(r, GP_PHOTO_DPI, &w, "72 dpi", "300 dpi", "照片 %s 的分辨率是 72 dpi", file));
    }
    /* a lone finding keeps its own block and message */
    assert_true(gpi_report_add(r, GP_ROSTER_SEQ_PADDED, &(gpi_where){.row = 2, .seq = "0001"}, "1", "0001",
                              "拍摄序号“1”已补足为“0001”"));
    char *text = gp_report_to_text(r, 0);
    assert_non_null(text);
    assert_true(count_lines(text) <= 20); /* two blocks of 5 lines, blanks, summary */
    assert_non_null(strstr(text, "300 张照片：照片分辨率（dpi）不对"));
    assert_non_null(strstr(text, "照片 0001–0300"));
    assert_non_null(strstr(text, "实际：72 dpi；应为：300 dpi"));
    assert_non_null(strstr(text, "[photo.dpi] 共 300 处"));
    assert_non_null(strstr(text, "拍摄序号“1”已补足为“0001”"));
    free(text);
    text = gp_report_to_text(r, GP_RENDER_VERBOSE);
    size_t blocks = 0;
    for (const char *p = text; (p = strstr(p, "[photo.dpi]")); p++)
        blocks++;
    assert_int_equal(blocks, 300);
    free(text);
    text = gp_report_to_text(r, GP_RENDER_QUIET);
    assert_int_equal(count_lines(text), 2);
    assert_non_null(strstr(text, "错误 300 个"));
    free(text);
    /* JSON is never grouped */
    text = gp_report_to_json(r, 0);
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    assert_int_equal(json_array_size(json_object_get(doc, "findings")), 301);
    assert_int_equal(json_integer_value(json_object_get(doc, "schema")), GP_JSON_SCHEMA);
    json_decref(doc);
    free(text);
    gp_report_free(r);
}

static void two_alike_are_not_grouped(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    assert_true(gpi_report_add(r, GP_PHOTO_DPI, &(gpi_where){.seq = "0001"}, "72 dpi", "300 dpi", "一"));
    assert_true(gpi_report_add(r, GP_PHOTO_DPI, &(gpi_where){.seq = "0002"}, "96 dpi", "300 dpi", "二"));
    char *text = gp_report_to_text(r, 0);
    assert_null(strstr(text, "张照片"));
    assert_non_null(strstr(text, "照片分辨率（dpi）不对：一"));
    free(text);
    gp_report_free(r);
}

static void booleans_and_aligned_tables(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("pack");
    assert_true(gp_report_set_bool(r, "encrypted", true));
    assert_true(gp_report_table_row(r, "outputs"));
    assert_true(gp_report_cell_str(r, "outputs", "file", "淄博站.zip"));
    assert_true(gp_report_cell_int(r, "outputs", "bytes", 12));
    assert_true(gp_report_table_row(r, "outputs"));
    assert_true(gp_report_cell_str(r, "outputs", "file", "a.txt"));
    assert_true(gp_report_cell_int(r, "outputs", "bytes", 123456));
    char *json = gp_report_to_json(r, 0);
    json_t *doc = json_loads(json, 0, NULL);
    assert_true(json_is_true(json_object_get(json_object_get(doc, "summary"), "encrypted")));
    json_decref(doc);
    free(json);
    long long v = 0;
    assert_true(gp_report_get_int(r, "encrypted", &v));
    assert_int_equal(v, 1);
    char *text = gp_report_to_text(r, 0);
    assert_non_null(strstr(text, "已加密 是"));
    /* the byte column starts at the same display column in every row */
    const char *header = strstr(text, "  文件");
    const char *row1 = strstr(text, "  淄博站.zip");
    const char *row2 = strstr(text, "  a.txt");
    assert_non_null(header);
    assert_non_null(row1);
    assert_non_null(row2);
    char line[3][128];
    const char *starts[3] = {header, row1, row2};
    size_t col[3];
    for (int i = 0; i < 3; i++) {
        size_t n = strcspn(starts[i], "\n");
        snprintf(line[i], sizeof line[i], "%.*s", (int)n, starts[i]);
        char *digits = strpbrk(line[i], "0123456789");
        if (i == 0)
            digits = strstr(line[i], "字节");
        assert_non_null(digits);
        *digits = '\0';
        col[i] = gpi_text_width(line[i]);
    }
    assert_int_equal(col[0], col[1]);
    assert_int_equal(col[1], col[2]);
    free(text);
    gp_report_free(r);
}

typedef struct seen {
    atomic_size_t calls;
    size_t last;
    bool backwards;
    size_t total;
} seen;

static void on_progress(void *context, size_t done, size_t total)
{
    seen *s = context;
    atomic_fetch_add(&s->calls, 1);
    if (done < s->last)
        s->backwards = true;
    s->last = done;
    s->total = total;
}

static void nothing(void *context, size_t i)
{
    (void)context;
    (void)i;
}

static void progress_from_the_pool(void **state)
{
    (void)state;
    seen s = {0};
    atomic_init(&s.calls, 0);
    assert_true(gpi_parallel_for_progress(1000, 4, nothing, NULL, on_progress, &s));
    assert_false(s.backwards);
    assert_int_equal(s.last, 1000);
    assert_int_equal(s.total, 1000);
    assert_true(atomic_load(&s.calls) >= 2);
    /* no callback: plain gpi_parallel_for */
    assert_true(gpi_parallel_for_progress(10, 2, nothing, NULL, NULL, NULL));
    gpi_progress_offset o = {.fn = on_progress, .context = &s, .base = 1000};
    gpi_progress_offset_report(&o, 5, 10);
    assert_int_equal(s.last, 1005);
    assert_int_equal(s.total, 1010);
}

static void error_texts(void **state)
{
    (void)state;
    assert_non_null(strstr(gpi_errno_text(ENOENT), "没有这个文件或文件夹（"));
    assert_non_null(strstr(gp_strerror(ENOSPC), "磁盘已满"));
    assert_non_null(strstr(gpi_errno_text(12345), "系统错误 12345"));
    char out[64];
    gpi_jpeg_message_text(0, "some libjpeg message that is rather long indeed", out, sizeof out);
    assert_true(gpi_utf8_valid(out, strlen(out))); /* cut on a character boundary */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(display_width),
        cmocka_unit_test(ranges),
        cmocka_unit_test(grouped_report),
        cmocka_unit_test(two_alike_are_not_grouped),
        cmocka_unit_test(booleans_and_aligned_tables),
        cmocka_unit_test(progress_from_the_pool),
        cmocka_unit_test(error_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
