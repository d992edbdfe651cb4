/* Unit tests: the HTML report (gp_report_to_html) read back by libxml2's
 * HTML parser, as a browser would: values escaped, ID numbers masked, one
 * card per photo with the right verdict class, the marks drawn from the
 * per-photo numbers, the thumbnail budget, reproducible bytes. */
#include "core/base.h"
#include "core/findings.h"
#include "photo/photo.h"
#include "photo/thumbnail.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static htmlDocPtr parse(const char *html)
{
    htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    assert_non_null(doc);
    return doc;
}

/* Whether the node's class attribute holds the token (NULL = any). */
static bool has_class(xmlNodePtr node, const char *token)
{
    if (!token)
        return true;
    xmlChar *cls = xmlGetProp(node, (const xmlChar *)"class");
    bool found = false;
    if (cls) {
        char *copy = strdup((const char *)cls), *save = NULL;
        for (char *t = strtok_r(copy, " ", &save); t && !found; t = strtok_r(NULL, " ", &save))
            found = !strcmp(t, token);
        free(copy);
        xmlFree(cls);
    }
    return found;
}

typedef struct found {
    xmlNodePtr nodes[2048];
    size_t count;
} found;

static void collect(xmlNodePtr node, const char *name, const char *cls, found *out)
{
    for (; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && !strcmp((const char *)node->name, name) &&
            has_class(node, cls) && out->count < GPI_ARRAY_LEN(out->nodes))
            out->nodes[out->count++] = node;
        collect(node->children, name, cls, out);
    }
}

static size_t count_elements(htmlDocPtr doc, const char *name, const char *cls)
{
    static found f;
    f.count = 0;
    collect(xmlDocGetRootElement(doc), name, cls, &f);
    return f.count;
}

/* Whether some element `name` has exactly this text content. */
static bool has_text(htmlDocPtr doc, const char *name, const char *text)
{
    static found f;
    f.count = 0;
    collect(xmlDocGetRootElement(doc), name, NULL, &f);
    for (size_t i = 0; i < f.count; i++) {
        xmlChar *content = xmlNodeGetContent(f.nodes[i]);
        bool same = content && !strcmp((const char *)content, text);
        xmlFree(content);
        if (same)
            return true;
    }
    return false;
}

static char *attr(xmlNodePtr node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    char *copy = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return copy;
}

static void student(gp_report *r, const char *seq, const char *name, const char *id)
{
    assert_true(gp_report_photo_text(r, NULL, seq, "name", name));
    assert_true(gp_report_photo_text(r, NULL, seq, "student_no", "2019433120001"));
    assert_true(gp_report_photo_text(r, NULL, seq, "id_number", id));
    char file[16];
    snprintf(file, sizeof file, "%s.jpg", seq);
    assert_true(gp_report_photo_text(r, NULL, seq, "file", file));
}

static void escapes_every_value(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    const char *evil = "<script>alert(1)</script>";
    student(r, "0001", evil, "370102197705172260");
    gp_report_photo_text(r, NULL, "0001", "student_no", "<b>1</b>\"'&");
    gp_report_photo_text(r, NULL, "0001", "file", "x\"><img src=y onerror=alert(2)>.jpg");
    gpi_report_add(r, GP_ROSTER_FIELD_FULLWIDTH,
                  &(gpi_where){.row = 2, .seq = "0001", .field = "姓名"}, evil, NULL,
                  "姓名 %s 含有不允许的字符", evil);
    gpi_report_add(r, GP_PHOTO_ORPHAN, &(gpi_where){.seq = "0002", .file = "<i>0002</i>.jpg"},
                  "<img src=z>", NULL, NULL);
    gp_report_set_str(r, "encoding", "<style>body{display:none}</style>");
    char *html = gp_report_to_html(r, 0);
    assert_non_null(html);
    htmlDocPtr doc = parse(html);
    /* nothing the inputs said became markup */
    assert_int_equal(count_elements(doc, "script", NULL), 0);
    assert_int_equal(count_elements(doc, "img", NULL), 0);
    assert_int_equal(count_elements(doc, "b", NULL) >= 1, 1); /* finding titles only */
    assert_int_equal(count_elements(doc, "i", NULL), 0);
    assert_int_equal(count_elements(doc, "style", NULL), 1); /* the page's own */
    /* ... and every one of them reads as text */
    assert_true(has_text(doc, "dd", evil));
    assert_true(has_text(doc, "dd", "<b>1</b>\"'&"));
    assert_true(has_text(doc, "dd", "x\"><img src=y onerror=alert(2)>.jpg"));
    assert_true(has_text(doc, "td", evil)); /* the roster table's value column */
    assert_true(has_text(doc, "dd", "<style>body{display:none}</style>"));
    assert_null(strstr(html, "<script"));
    xmlFreeDoc(doc);
    free(html);
    gp_report_free(r);
}

static void masks_id_numbers(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    student(r, "0001", "杨琳晓", "370102197705172260");
    student(r, "0002", "徐刚", "37140219970611439X");
    student(r, "0003", "短号", "12345");
    /* a finding about 0002's ID shows it whole: the clerk must see the digits */
    gpi_report_add(r, GP_ROSTER_ID_CHECKSUM,
                  &(gpi_where){.row = 3, .seq = "0002", .field = "身份证号"},
                  "37140219970611439X", "1", "身份证号 %s 的校验位不对", "37140219970611439X");
    char *html = gp_report_to_html(r, 0);
    assert_non_null(html);
    htmlDocPtr doc = parse(html);
    assert_true(has_text(doc, "dd", "3701**********2260"));
    assert_true(has_text(doc, "dd", "3714**********439X"));
    assert_true(has_text(doc, "dd", "****5"));
    assert_null(strstr(html, "370102197705172260")); /* no finding is about it */
    assert_null(strstr(html, "12345"));
    assert_true(has_text(doc, "td", "37140219970611439X")); /* in its finding */
    xmlFreeDoc(doc);
    free(html);
    gp_report_free(r);
}

static void one_card_per_photo_with_verdicts(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    for (int i = 5; i >= 1; i--) { /* out of order: the page sorts */
        char seq[8];
        snprintf(seq, sizeof seq, "%04d", i);
        student(r, seq, "某某", "370102197705172260");
    }
    gpi_report_add(r, GP_PHOTO_DPI, &(gpi_where){.row = 3, .seq = "0002", .file = "0002.jpg"},
                  "72", "300", NULL);
    gpi_report_add_severity(r, GP_WARNING, GP_PHOTO_DPI,
                           &(gpi_where){.row = 4, .seq = "0003", .file = "0003.jpg"}, NULL, NULL,
                           NULL);
    gpi_report_add_severity(r, GP_INFO, GP_PHOTO_DPI,
                           &(gpi_where){.row = 5, .seq = "0004", .file = "0004.jpg"}, NULL, NULL,
                           NULL);
    /* a photo number only a finding knows gets its card too */
    gpi_report_add(r, GP_PHOTO_ORPHAN, &(gpi_where){.seq = "0009", .file = "0009.jpg"}, NULL,
                  NULL, NULL);
    gpi_report_add(r, GP_ROSTER_HEADER_EXTRA, NULL, "备注", NULL, NULL);
    gpi_report_add(r, GP_PACK_STATION_MISSING, NULL, NULL, NULL, NULL);
    char *html = gp_report_to_html(r, 0);
    htmlDocPtr doc = parse(html);
    assert_int_equal(count_elements(doc, "article", "card"), 6);
    assert_int_equal(count_elements(doc, "article", "pass"), 3); /* 0001 0004 0005 */
    assert_int_equal(count_elements(doc, "article", "warn"), 1); /* 0003 */
    assert_int_equal(count_elements(doc, "article", "error"), 2); /* 0002 0009 */
    static found cards;
    cards.count = 0;
    collect(xmlDocGetRootElement(doc), "article", "card", &cards);
    const char *order[] = {"0001", "0002", "0003", "0004", "0005", "0009"};
    for (size_t i = 0; i < cards.count; i++) {
        char *seq = attr(cards.nodes[i], "data-seq");
        assert_string_equal(seq, order[i]);
        free(seq);
    }
    /* the top: verdict, totals, the privacy notice, the filter */
    assert_int_equal(count_elements(doc, "p", "verdict"), 1);
    assert_true(strstr(html, "结论：有错误") != NULL);
    assert_true(strstr(html, "请勿转发") != NULL);
    assert_true(strstr(html, "只看有问题的（3）") != NULL);
    assert_int_equal(count_elements(doc, "input", "filter"), 2);
    /* the extra column goes to the roster's table, the station file to the others */
    assert_true(strstr(html, "花名册的问题（1 个）") != NULL);
    assert_true(strstr(html, "其他问题（1 个）") != NULL);
    /* nothing external */
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<link"));
    xmlFreeDoc(doc);
    free(html);
    gp_report_free(r);
}

/* A real small JPEG (a flat preview through gpi_thumbnail_encode). */
static unsigned char *tiny_jpeg(size_t *len, int w, int h)
{
    gpi_preview p = {.width = w, .height = h, .scale_num = 8};
    p.rgb = malloc((size_t)w * h * 3);
    memset(p.rgb, 180, (size_t)w * h * 3);
    unsigned char *jpeg = NULL;
    assert_true(gpi_thumbnail_encode(&p, &jpeg, len));
    free(p.rgb);
    return jpeg;
}

static void marks_drawn_from_numbers(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    size_t len;
    unsigned char *jpeg = tiny_jpeg(&len, 240, 320);
    student(r, "0001", "甲", "370102197705172260");
    student(r, "0002", "乙", "370102197705172260");
    for (int i = 0; i < 2; i++)
        assert_true(gp_report_photo_thumbnail(r, NULL, i ? "0002" : "0001", jpeg, len));
    static const struct { const char *key; double v; } numbers[] = {
        {"image_width", 960},    {"image_height", 1280},  {"face_left", 300},
        {"face_top", 250},       {"face_right", 660},     {"face_bottom", 700},
        {"eye_line", 520.25},    {"head_top", 60},        {"face_width", 360},
        {"face_center_x", 480},  {"head_top_min", 80},    {"head_top_max", 160},
        {"eye_line_min", 480},   {"eye_line_max", 560},   {"face_width_min", 380},
        {"face_width_max", 480},
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(numbers); i++)
        assert_true(gp_report_photo_number(r, NULL, "0001", numbers[i].key, numbers[i].v));
    char *html = gp_report_to_html(r, 0);
    htmlDocPtr doc = parse(html);
    assert_int_equal(count_elements(doc, "img", NULL), 2);
    /* only the measured photo has marks */
    assert_int_equal(count_elements(doc, "svg", "marks"), 1);
    static found f;
    f.count = 0;
    collect(xmlDocGetRootElement(doc), "svg", "marks", &f);
    char *box = attr(f.nodes[0], "viewbox"); /* HTML parsers fold attribute names */
    assert_string_equal(box, "0 0 960 1280");
    free(box);
    /* head-top band, eye band, the two cheek strips */
    assert_int_equal(count_elements(doc, "rect", "band"), 4);
    f.count = 0;
    collect(xmlDocGetRootElement(doc), "rect", "band", &f);
    const char *expect[][4] = {
        {"0", "80.0", "960", "80.0"},      /* head top 80–160 */
        {"0", "480.0", "960", "80.0"},     /* eyes 480–560 */
        {"240.0", "250.0", "50.0", "450.0"}, /* left cheek: 480-240 … 480-190 */
        {"670.0", "250.0", "50.0", "450.0"}, /* right cheek: 480+190 … 480+240 */
    };
    for (size_t i = 0; i < 4; i++) {
        const char *names[] = {"x", "y", "width", "height"};
        for (size_t k = 0; k < 4; k++) {
            char *v = attr(f.nodes[i], names[k]);
            assert_non_null(v);
            assert_string_equal(v, expect[i][k]);
            free(v);
        }
    }
    f.count = 0;
    collect(xmlDocGetRootElement(doc), "rect", "face", &f);
    assert_int_equal(f.count, 1);
    char *w = attr(f.nodes[0], "width");
    assert_string_equal(w, "360.0");
    free(w);
    f.count = 0;
    collect(xmlDocGetRootElement(doc), "line", "eye", &f);
    assert_int_equal(f.count, 1);
    char *y = attr(f.nodes[0], "y1");
    assert_string_equal(y, "520.2"); /* %.1f of 520.25 rounds to even */
    free(y);
    assert_int_equal(count_elements(doc, "line", "head"), 1);
    assert_true(strstr(html, "绿色带") != NULL); /* the legend */
    xmlFreeDoc(doc);
    free(html);

    /* without image_width the numbers cannot be placed: no marks, no legend */
    gp_report *plain = gp_report_new("check");
    student(plain, "0001", "甲", "370102197705172260");
    gp_report_photo_thumbnail(plain, NULL, "0001", jpeg, len);
    gp_report_photo_number(plain, NULL, "0001", "eye_line", 500);
    html = gp_report_to_html(plain, 0);
    assert_null(strstr(html, "<svg"));
    assert_null(strstr(html, "绿色带"));
    free(html);
    gp_report_free(plain);
    free(jpeg);
    gp_report_free(r);
}

static void fix_shows_before_and_after(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("fix");
    size_t len1, len2;
    unsigned char *before = tiny_jpeg(&len1, 240, 320);
    unsigned char *after = tiny_jpeg(&len2, 120, 160);
    gp_report_photo_text(r, NULL, "0001", "file", "0001.jpg");
    gp_report_photo_text(r, NULL, "0001", "action", "fixed");
    gp_report_photo_thumbnail(r, NULL, "0001", before, len1);
    gp_report_photo_thumbnail_after(r, NULL, "0001", after, len2);
    gp_report_photo_text(r, NULL, "0002", "file", "0002.jpg");
    gp_report_photo_text(r, NULL, "0002", "action", "copied");
    gp_report_photo_thumbnail(r, NULL, "0002", before, len1);
    size_t got;
    assert_non_null(gp_report_photo_get_thumbnail_after(r, 0, &got));
    assert_int_equal(got, len2);
    char *html = gp_report_to_html(r, 0);
    htmlDocPtr doc = parse(html);
    assert_int_equal(count_elements(doc, "article", "card"), 2);
    assert_int_equal(count_elements(doc, "img", NULL), 3);
    assert_true(has_text(doc, "figcaption", "原照片"));
    assert_true(has_text(doc, "figcaption", "修正后"));
    assert_true(has_text(doc, "dd", "已修正"));
    assert_true(has_text(doc, "dd", "原样复制"));
    assert_true(has_text(doc, "h1", "照片修正报告"));
    xmlFreeDoc(doc);
    free(html);
    free(before);
    free(after);
    gp_report_free(r);
}

static void thumbnail_budget_keeps_problems_first(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("merge");
    size_t len = 10 * 1024;
    unsigned char *fake = calloc(1, len);
    for (int i = 1; i <= 1000; i++) {
        char seq[8];
        snprintf(seq, sizeof seq, "%04d", i);
        gp_report_photo_thumbnail(r, "a.zip", seq, fake, len);
        if (i % 100 == 0) /* ten photos with errors, spread to the end */
            gpi_report_add(r, GP_PHOTO_DPI, &(gpi_where){.source = "a.zip", .seq = seq}, NULL,
                          NULL, NULL);
    }
    char *html = gp_report_to_html(r, 0);
    htmlDocPtr doc = parse(html);
    size_t budget = 8u * 1024 * 1024;
    assert_int_equal(count_elements(doc, "img", NULL), budget / len);
    assert_int_equal(count_elements(doc, "article", "card"), 1000);
    /* every card with an error kept its picture, the last ones included */
    static found f;
    f.count = 0;
    collect(xmlDocGetRootElement(doc), "article", "error", &f);
    assert_int_equal(f.count, 10);
    for (size_t i = 0; i < f.count; i++) {
        static found imgs;
        imgs.count = 0;
        collect(f.nodes[i]->children, "img", NULL, &imgs);
        assert_int_equal(imgs.count, 1);
    }
    char note[64];
    snprintf(note, sizeof note, "另有 %zu 张未嵌入", 1000 - budget / len);
    assert_non_null(strstr(html, note));
    assert_true(strlen(html) < 12u * 1024 * 1024);
    xmlFreeDoc(doc);
    free(html);
    free(fake);
    gp_report_free(r);
}

static void same_report_same_bytes(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    student(r, "0001", "甲", "370102197705172260");
    unsetenv("SOURCE_DATE_EPOCH");
    char *a = gp_report_to_html(r, 0), *b = gp_report_to_html(r, 0);
    assert_string_equal(a, b);
    assert_null(strstr(a, "日期")); /* no clock */
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    char *dated = gp_report_to_html(r, 0);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_non_null(strstr(dated, "<dt>日期</dt><dd>2023-11-14</dd>"));
    free(a);
    free(b);
    free(dated);
    gp_report_free(r);
}

/* Summary strings are names and paths: an output folder called "fixed" is
 * not the table word "fixed" (已修正), in the page or in the text. */
static void summary_values_are_not_translated(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("fix");
    gp_report_set_str(r, "output", "fixed");
    gp_report_table_row(r, "photos");
    gp_report_cell_str(r, "photos", "action", "fixed");
    char *html = gp_report_to_html(r, 0);
    htmlDocPtr doc = parse(html);
    assert_true(has_text(doc, "dd", "fixed"));
    assert_true(has_text(doc, "dt", "输出文件夹"));
    assert_true(has_text(doc, "td", "已修正")); /* the table cell is a machine word */
    xmlFreeDoc(doc);
    free(html);
    char *text = gp_report_to_text(r, 0);
    assert_non_null(strstr(text, "输出文件夹 fixed，"));
    free(text);
    gp_report_free(r);
}

static void written_atomically(void **state)
{
    (void)state;
    char dir[] = "/tmp/gp-html-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/报告.html", dir);
    gp_report *r = gp_report_new("check");
    student(r, "0001", "甲", "370102197705172260");
    gp_error err = {0};
    assert_true(gp_report_write_html(r, path, 0, &err));
    assert_true(gp_report_write_html(r, path, 0, &err)); /* replaces */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(st.st_mode & 0777, 0600 & ~mask); /* personal data: private, as the workbook */
    char *html = gp_report_to_html(r, 0);
    assert_int_equal((size_t)st.st_size, strlen(html));
    free(html);
    unlink(path);
    assert_int_equal(rmdir(dir), 0); /* no temporary file left */
    char missing[96];
    snprintf(missing, sizeof missing, "%s/no/such/dir/r.html", dir);
    assert_false(gp_report_write_html(r, missing, 0, &err));
    assert_int_equal(err.status, GP_ERR_WRITE);
    gp_report_free(r);
}

static void absorb_moves_photo_records(void **state)
{
    (void)state;
    gp_report *into = gp_report_new("verify"), *from = gp_report_new("verify");
    gp_report_photo_text(from, NULL, "0001", "name", "甲");
    gp_report_photo_number(from, "b.zip", "0002", "eye_line", 500);
    assert_true(gpi_report_absorb(into, from, "a.zip"));
    assert_int_equal(gp_report_photo_count(from), 0);
    assert_int_equal(gp_report_photo_count(into), 2);
    gp_report_sort(into);
    assert_string_equal(gp_report_photo_source(into, 0), "a.zip");
    assert_string_equal(gp_report_photo_get_text(into, 0, "name"), "甲");
    assert_string_equal(gp_report_photo_source(into, 1), "b.zip");
    gp_report_free(from);
    gp_report_free(into);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_every_value),
        cmocka_unit_test(masks_id_numbers),
        cmocka_unit_test(one_card_per_photo_with_verdicts),
        cmocka_unit_test(marks_drawn_from_numbers),
        cmocka_unit_test(fix_shows_before_and_after),
        cmocka_unit_test(thumbnail_budget_keeps_problems_first),
        cmocka_unit_test(same_report_same_bytes),
        cmocka_unit_test(summary_values_are_not_translated),
        cmocka_unit_test(written_atomically),
        cmocka_unit_test(absorb_moves_photo_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
