/* The report as one self-contained HTML page for a station clerk: what was
 * checked, the verdict, the roster's problems, then a contact sheet with one
 * card per photo (thumbnail with the content rules' marks, 拍摄序号, 姓名,
 * 学号, a coloured verdict and that photo's findings).
 *
 * Rules the page keeps:
 *  - Nothing external: inline CSS, thumbnails as data: URIs, no script (the
 *    "only problems" filter is two radio buttons and a CSS rule), no fonts.
 *  - Every value from the inputs is escaped; ID numbers are masked
 *    (3701**********123X) except in a finding about the ID itself.
 *  - It reads only the report, and the same report gives the same bytes:
 *    no clock (a date appears only from SOURCE_DATE_EPOCH).
 *  - Size: thumbnails are embedded up to GPI_HTML_THUMB_BUDGET bytes, cards
 *    with problems first (docs/limits.md). */
#include "report_internal.h"
#include "core/atomic.h"
#include "core/base.h"
#include "core/messages.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* JPEG bytes embedded in one page at most (base64 adds a third): about 800
 * thumbnails of 10 KB, a page of ~11 MB that Edge and 360 still open. */
#define GPI_HTML_THUMB_BUDGET (8u * 1024 * 1024)

/* ---- escaping ----------------------------------------------------------- */

/* Text or attribute value: the five HTML specials as entities, control
 * characters dropped (they cannot be shown and some are not allowed). */
static void put_esc(gpi_buf *buf, const char *s)
{
    if (!s)
        return;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '&': gpi_buf_puts(buf, "&amp;"); break;
        case '<': gpi_buf_puts(buf, "&lt;"); break;
        case '>': gpi_buf_puts(buf, "&gt;"); break;
        case '"': gpi_buf_puts(buf, "&quot;"); break;
        case '\'': gpi_buf_puts(buf, "&#39;"); break;
        default:
            if (c >= 0x20 && c != 0x7f)
                gpi_buf_append(buf, p, 1);
            else if (c == '\t' || c == '\n')
                gpi_buf_puts(buf, " ");
        }
    }
}

/* An ID number with its middle hidden: the first four and the last four
 * characters stay (region, check digit), every other character becomes
 * '*'; shorter values keep only their last character.  Counted in UTF-8
 * characters so a malformed value never splits a character. */
static void put_masked(gpi_buf *buf, const char *id)
{
    if (!id || !*id)
        return;
    size_t n = 0;
    for (const char *p = id; *p; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    size_t keep_head = n > 8 ? 4 : 0, keep_tail = n > 8 ? 4 : 1;
    size_t i = 0;
    for (const char *p = id; *p;) {
        const char *next = p + 1;
        while (*next && ((unsigned char)*next & 0xC0) == 0x80)
            next++;
        if (i < keep_head || i >= n - keep_tail) {
            char one[8] = "";
            size_t len = (size_t)(next - p) < sizeof one ? (size_t)(next - p) : 0;
            memcpy(one, p, len);
            put_esc(buf, one);
        } else {
            gpi_buf_puts(buf, "*");
        }
        i++;
        p = next;
    }
}

static void put_base64(gpi_buf *buf, const unsigned char *data, size_t len)
{
    /* EVP_EncodeBlock takes an int length: encode in 48 KB slices (a
     * multiple of 3, so the pieces join without padding in between) */
    unsigned char out[4 * (49152 / 3) + 1];
    for (size_t at = 0; at < len; at += 49152) {
        size_t n = len - at < 49152 ? len - at : 49152;
        int written = EVP_EncodeBlock(out, data + at, (int)n);
        gpi_buf_append(buf, out, (size_t)written);
    }
}

/* ---- words --------------------------------------------------------------- */

static const char *severity_word(gp_severity s)
{
    return s == GP_ERROR ? "错误" : s == GP_WARNING ? "警告" : "提示";
}

static const char *severity_class(gp_severity s)
{
    return s == GP_ERROR ? "error" : s == GP_WARNING ? "warn" : "info";
}

static const char *page_title(const char *command)
{
    static const char *const titles[][2] = {
        {"check", "照片与花名册检查报告"}, {"pack", "打包检查报告"},
        {"fix", "照片修正报告"},         {"verify", "压缩包核验报告"},
        {"merge", "汇总报告"},
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(titles); i++)
        if (command && !strcmp(command, titles[i][0]))
            return titles[i][1];
    return "gradpack 报告";
}

/* ---- cards --------------------------------------------------------------- */

/* One card: a per-photo record, or a photo number that only findings name. */
typedef struct card {
    const char *source;
    const char *seq;
    long record;          /* index of the per-photo record, -1 when none */
    size_t *findings;     /* indices into the report's findings */
    size_t finding_count;
    gp_severity worst;
    bool any;             /* worst is meaningful (there is a warning or error) */
    bool show_thumbs;     /* within the page's thumbnail budget */
} card;

static int cmp_opt(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int compare_cards(const void *pa, const void *pb)
{
    const card *a = pa, *b = pb;
    int c = cmp_opt(a->source, b->source);
    return c ? c : strcmp(a->seq, b->seq);
}

static card *find_card(card *cards, size_t count, const char *source, const char *seq)
{
    card key = {.source = source, .seq = seq};
    return count ? bsearch(&key, cards, count, sizeof *cards, compare_cards) : NULL;
}

/* Findings that belong to the roster table: about a roster value (a field),
 * or a roster code.  Photo findings that carry a row stay on the cards. */
static bool is_roster_finding(const gp_finding *f)
{
    return f->field != NULL || !strncmp(gp_code_name(f->code), "roster.", 7);
}

typedef struct page {
    const gp_report *report;
    card *cards;
    size_t card_count;
    bool has_source;   /* findings or cards name bundles (verify, merge) */
    bool has_marks;
    bool any_thumbs;   /* thumbnails were made at all (else none is "missing") */
    size_t thumbs_left_out;
} page;

static bool add_card(card **cards, size_t *count, size_t *cap, const char *source,
                     const char *seq, long record)
{
    if (*count == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : 64;
        card *grown = realloc(*cards, grown_cap * sizeof *grown);
        if (!grown)
            return false;
        *cards = grown;
        *cap = grown_cap;
    }
    (*cards)[(*count)++] = (card){.source = source, .seq = seq, .record = record};
    return true;
}

static bool build_cards(page *pg)
{
    const gp_report *r = pg->report;
    size_t cap = 0;
    for (size_t i = 0; i < r->photo_count; i++)
        if (!add_card(&pg->cards, &pg->card_count, &cap, r->photos[i].source, r->photos[i].seq,
                      (long)i))
            return false;
    if (pg->card_count > 1)
        qsort(pg->cards, pg->card_count, sizeof *pg->cards, compare_cards);
    /* photo numbers that only findings know (e.g. a report filled by hand) */
    size_t known = pg->card_count;
    for (size_t i = 0; i < r->count; i++) {
        const gp_finding *f = &r->findings[i].finding;
        pg->has_source |= f->source != NULL;
        if (f->seq && !find_card(pg->cards, known, f->source, f->seq)) {
            bool seen = false;
            for (size_t k = known; k < pg->card_count && !seen; k++)
                seen = !cmp_opt(pg->cards[k].source, f->source) &&
                       !strcmp(pg->cards[k].seq, f->seq);
            if (!seen && !add_card(&pg->cards, &pg->card_count, &cap, f->source, f->seq, -1))
                return false;
        }
    }
    if (pg->card_count > known)
        qsort(pg->cards, pg->card_count, sizeof *pg->cards, compare_cards);
    for (size_t i = 0; i < r->count; i++) {
        const gp_finding *f = &r->findings[i].finding;
        if (!f->seq)
            continue;
        card *c = find_card(pg->cards, pg->card_count, f->source, f->seq);
        size_t *grown = realloc(c->findings, (c->finding_count + 1) * sizeof *grown);
        if (!grown)
            return false;
        c->findings = grown;
        c->findings[c->finding_count++] = i;
        if (f->severity != GP_INFO && (!c->any || f->severity > c->worst)) {
            c->worst = f->severity;
            c->any = true;
        }
    }
    for (size_t k = 0; k < pg->card_count; k++)
        pg->has_source |= pg->cards[k].source != NULL;

    /* the thumbnail budget: cards with problems first, then the others */
    size_t used = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < pg->card_count; k++) {
            card *c = &pg->cards[k];
            if (c->record < 0 || c->any != (pass == 0))
                continue;
            const gpi_photo_record *rec = &r->photos[c->record];
            size_t bytes = rec->thumb_len + rec->thumb_after_len;
            if (!bytes)
                continue;
            pg->any_thumbs = true;
            if (used + bytes <= GPI_HTML_THUMB_BUDGET) {
                used += bytes;
                c->show_thumbs = true;
            } else {
                pg->thumbs_left_out++;
            }
        }
    return true;
}

static void free_cards(page *pg)
{
    for (size_t k = 0; k < pg->card_count; k++)
        free(pg->cards[k].findings);
    free(pg->cards);
}

static const char *record_text(const gp_report *r, long record, const char *key)
{
    return record < 0 ? NULL : gp_report_photo_get_text(r, (size_t)record, key);
}

static bool record_number(const gp_report *r, long record, const char *key, double *v)
{
    return record >= 0 && gp_report_photo_get_number(r, (size_t)record, key, v);
}

/* ---- the marks --------------------------------------------------------- */

/* An SVG drawn over the thumbnail in the photo's own pixels (viewBox =
 * image_width × image_height, stretched to the thumbnail), so nothing is
 * rescaled here: the profile's bands as shaded strips, the measured face
 * box, eye line and head top as lines.  Only what was measured is drawn. */
static bool put_marks(gpi_buf *buf, const gp_report *r, long record)
{
    double w, h;
    if (!record_number(r, record, "image_width", &w) ||
        !record_number(r, record, "image_height", &h) || w <= 0 || h <= 0)
        return false;
    gpi_buf_printf(buf,
                  "<svg class=\"marks\" viewBox=\"0 0 %.0f %.0f\" preserveAspectRatio=\"none\" "
                  "aria-hidden=\"true\">",
                  w, h);
    double a, b, left, top, right, bottom, cx, y;
    if (record_number(r, record, "head_top_min", &a) &&
        record_number(r, record, "head_top_max", &b) && b >= a)
        gpi_buf_printf(buf, "<rect class=\"band\" x=\"0\" y=\"%.1f\" width=\"%.0f\" "
                      "height=\"%.1f\"><title>头顶应在这条带内</title></rect>",
                      a, w, b - a);
    if (record_number(r, record, "eye_line_min", &a) &&
        record_number(r, record, "eye_line_max", &b) && b >= a)
        gpi_buf_printf(buf, "<rect class=\"band\" x=\"0\" y=\"%.1f\" width=\"%.0f\" "
                      "height=\"%.1f\"><title>眼睛应在这条带内</title></rect>",
                      a, w, b - a);
    if (record_number(r, record, "face_width_min", &a) &&
        record_number(r, record, "face_width_max", &b) && b >= a &&
        record_number(r, record, "face_center_x", &cx)) {
        /* where the cheeks may fall: between the narrowest and the widest
         * allowed face, on both sides of the measured centre */
        double y0 = 0, y1 = h;
        if (record_number(r, record, "face_top", &top) &&
            record_number(r, record, "face_bottom", &bottom) && bottom > top)
            y0 = top, y1 = bottom;
        gpi_buf_printf(buf, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                      "height=\"%.1f\"><title>脸的左边缘应在这条带内</title></rect>",
                      cx - b / 2, y0, (b - a) / 2, y1 - y0);
        gpi_buf_printf(buf, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                      "height=\"%.1f\"><title>脸的右边缘应在这条带内</title></rect>",
                      cx + a / 2, y0, (b - a) / 2, y1 - y0);
    }
    if (record_number(r, record, "face_left", &left) &&
        record_number(r, record, "face_top", &top) &&
        record_number(r, record, "face_right", &right) &&
        record_number(r, record, "face_bottom", &bottom) && right > left && bottom > top)
        gpi_buf_printf(buf, "<rect class=\"face\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                      "height=\"%.1f\" vector-effect=\"non-scaling-stroke\">"
                      "<title>测到的脸</title></rect>",
                      left, top, right - left, bottom - top);
    if (record_number(r, record, "eye_line", &y))
        gpi_buf_printf(buf, "<line class=\"eye\" x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
                      "vector-effect=\"non-scaling-stroke\"><title>测到的眼睛位置</title></line>",
                      y, w, y);
    if (record_number(r, record, "head_top", &y))
        gpi_buf_printf(buf, "<line class=\"head\" x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
                      "vector-effect=\"non-scaling-stroke\"><title>测到的头顶</title></line>",
                      y, w, y);
    gpi_buf_puts(buf, "</svg>");
    return true;
}

/* ---- pieces of the page ------------------------------------------------ */

static void put_finding_text(gpi_buf *buf, const gp_finding *f)
{
    const char *title = gp_code_title(f->code);
    gpi_buf_puts(buf, "<b>");
    put_esc(buf, title);
    gpi_buf_puts(buf, "</b>");
    if (f->message && strcmp(f->message, title) != 0) {
        gpi_buf_puts(buf, "：");
        put_esc(buf, f->message);
    }
    if (f->actual || f->expected) {
        gpi_buf_puts(buf, "<br><span class=\"ae\">");
        if (f->actual) {
            gpi_buf_puts(buf, "实际：");
            put_esc(buf, f->actual);
        }
        if (f->actual && f->expected)
            gpi_buf_puts(buf, "；");
        if (f->expected) {
            gpi_buf_puts(buf, "应为：");
            put_esc(buf, f->expected);
        }
        gpi_buf_puts(buf, "</span>");
    }
}

static void put_fix(gpi_buf *buf, const gp_finding *f)
{
    put_esc(buf, gp_code_fix(f->code));
    gpi_buf_puts(buf, " <code>");
    put_esc(buf, gp_code_name(f->code));
    gpi_buf_puts(buf, "</code>");
}

static void put_picture(gpi_buf *buf, const page *pg, const card *c, bool after)
{
    const gp_report *r = pg->report;
    const unsigned char *jpeg = NULL;
    size_t len = 0;
    if (c->record >= 0)
        jpeg = after ? gp_report_photo_get_thumbnail_after(r, (size_t)c->record, &len)
                     : gp_report_photo_get_thumbnail(r, (size_t)c->record, &len);
    const char *file = record_text(r, c->record, "file");
    gpi_buf_puts(buf, "<figure class=\"thumb\">");
    if (jpeg && len && c->show_thumbs) {
        gpi_buf_printf(buf, "<div class=\"frame\"><img alt=\"照片 %s%s\" "
                      "src=\"data:image/jpeg;base64,", c->seq, after ? "（修正后）" : "");
        put_base64(buf, jpeg, len);
        gpi_buf_puts(buf, "\">");
        if (!after)
            put_marks(buf, r, c->record);
        gpi_buf_puts(buf, "</div>");
    } else {
        const char *why = !file                ? "没有照片"
                          : jpeg && len        ? "照片太多，本页未嵌入"
                          : pg->any_thumbs     ? "照片无法解码，没有缩略图"
                                               : "未生成缩略图";
        gpi_buf_printf(buf, "<span class=\"nopic\">%s</span>", why);
    }
    if (after || (c->record >= 0 && gp_report_photo_get_thumbnail_after(r, (size_t)c->record,
                                                                         &len)))
        gpi_buf_printf(buf, "<figcaption>%s</figcaption>", after ? "修正后" : "原照片");
    gpi_buf_puts(buf, "</figure>");
}

static void put_card(gpi_buf *buf, const page *pg, const card *c)
{
    const gp_report *r = pg->report;
    const char *verdict = !c->any ? "pass" : c->worst == GP_ERROR ? "error" : "warn";
    const char *word = !c->any ? "通过" : c->worst == GP_ERROR ? "错误" : "警告";
    size_t after_len = 0;
    bool pair = c->record >= 0 &&
                gp_report_photo_get_thumbnail_after(r, (size_t)c->record, &after_len);
    gpi_buf_printf(buf, "<article class=\"card %s%s\" data-seq=\"", verdict, pair ? " pair" : "");
    put_esc(buf, c->seq);
    gpi_buf_puts(buf, "\">\n<div class=\"pics\">");
    put_picture(buf, pg, c, false);
    if (pair) {
        gpi_buf_puts(buf, "<span class=\"arrow\">→</span>");
        put_picture(buf, pg, c, true);
    }
    gpi_buf_puts(buf, "</div>\n<div class=\"facts\"><p class=\"head\"><span class=\"seq\">拍摄序号 ");
    put_esc(buf, c->seq);
    gpi_buf_printf(buf, "</span><span class=\"badge\">%s</span></p>\n<dl>", word);
    static const char *const facts[][2] = {
        {"name", "姓名"}, {"student_no", "学号"}, {"id_number", "身份证号"},
        {"file", "文件"}, {"row", "花名册"},      {"action", "处理"},
    };
    for (size_t k = 0; k < GPI_ARRAY_LEN(facts); k++) {
        const char *v = record_text(r, c->record, facts[k][0]);
        if (!v || !*v)
            continue;
        gpi_buf_printf(buf, "<dt>%s</dt><dd>", facts[k][1]);
        if (!strcmp(facts[k][0], "id_number")) {
            gpi_buf_puts(buf, "<span class=\"id\">");
            put_masked(buf, v);
            gpi_buf_puts(buf, "</span>");
        }
        else if (!strcmp(facts[k][0], "row")) {
            gpi_buf_puts(buf, "第 ");
            put_esc(buf, v);
            gpi_buf_puts(buf, " 行");
        } else if (!strcmp(facts[k][0], "action"))
            put_esc(buf, gpi_render_value_label(v));
        else
            put_esc(buf, v);
        gpi_buf_puts(buf, "</dd>");
    }
    gpi_buf_puts(buf, "</dl></div>\n");
    if (c->finding_count) {
        gpi_buf_puts(buf, "<ul class=\"findings\">");
        for (size_t k = 0; k < c->finding_count; k++) {
            const gp_finding *f = &r->findings[c->findings[k]].finding;
            gpi_buf_printf(buf, "<li class=\"%s\">", severity_class(f->severity));
            put_finding_text(buf, f);
            gpi_buf_puts(buf, "<br><span class=\"todo\">处理办法：");
            put_fix(buf, f);
            gpi_buf_puts(buf, "</span></li>");
        }
        gpi_buf_puts(buf, "</ul>\n");
    }
    gpi_buf_puts(buf, "</article>\n");
}

static void put_value(gpi_buf *buf, const gpi_value *v)
{
    gpi_render_value(buf, v, put_esc);
}

static void put_header(gpi_buf *buf, const page *pg)
{
    const gp_report *r = pg->report;
    size_t errors = gp_report_count_severity(r, GP_ERROR);
    size_t warnings = gp_report_count_severity(r, GP_WARNING);
    size_t infos = gp_report_count_severity(r, GP_INFO);
    gpi_buf_puts(buf, "<header>\n<h1>");
    put_esc(buf, page_title(r->command));
    gpi_buf_puts(buf, "</h1>\n<p class=\"privacy\"><b>注意：</b>本页含学生姓名、学号和照片等个人信息"
                     "（身份证号已部分隐去），只供本站核对使用，请勿转发、上传或打印后随意放置。</p>\n");
    gpi_buf_puts(buf, "<dl class=\"about\"><div><dt>命令</dt><dd>gradpack ");
    put_esc(buf, r->command);
    gpi_buf_puts(buf, "</dd></div>");
    if (r->profile && *r->profile) {
        gpi_buf_puts(buf, "<div><dt>规格</dt><dd>");
        put_esc(buf, r->profile);
        gpi_buf_puts(buf, "</dd></div>");
    }
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        time_t t = (time_t)gpi_reproducible_time();
        struct tm tm;
        if (gmtime_r(&t, &tm))
            gpi_buf_printf(buf, "<div><dt>日期</dt><dd>%04d-%02d-%02d</dd></div>", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday);
    }
    for (size_t i = 0; i < r->summary_count; i++) {
        const gpi_value *v = &r->summary[i];
        if (!v->is_int && (!v->str || !*v->str))
            continue;
        gpi_buf_puts(buf, "<div><dt>");
        put_esc(buf, gpi_render_label(v->key));
        gpi_buf_puts(buf, "</dt><dd>");
        if (v->is_int)
            put_value(buf, v);
        else
            put_esc(buf, v->str); /* names and paths: never translated */
        gpi_buf_puts(buf, "</dd></div>");
    }
    gpi_buf_puts(buf, "</dl>\n");
    const char *cls = errors ? "error" : warnings ? "warn" : "pass";
    gpi_buf_printf(buf, "<p class=\"verdict %s\">", cls);
    if (errors)
        gpi_buf_puts(buf, "结论：有错误，请按下面的“处理办法”逐条改正后重新运行。");
    else if (warnings)
        gpi_buf_puts(buf, "结论：没有错误，可以提交（请看一下下面的警告）。");
    else
        gpi_buf_puts(buf, "结论：全部符合要求。");
    gpi_buf_puts(buf, "</p>\n");
    gpi_buf_printf(buf, "<p class=\"totals\"><span class=\"chip error%s\">错误 %zu 个</span>"
                  "<span class=\"chip warn%s\">警告 %zu 个</span>"
                  "<span class=\"chip info\">提示 %zu 个</span></p>\n</header>\n",
                  errors ? "" : " zero", errors, warnings ? "" : " zero", warnings, infos);
}

static void put_roster_table(gpi_buf *buf, const page *pg)
{
    const gp_report *r = pg->report;
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++)
        n += is_roster_finding(&r->findings[i].finding);
    if (!n)
        return;
    gpi_buf_printf(buf, "<section class=\"block\"><h2>花名册的问题（%zu 个）</h2>\n<table class=\"list\">"
                  "<thead><tr>%s<th>行</th><th>列</th><th>值</th><th>问题</th><th>处理办法</th>"
                  "</tr></thead><tbody>\n",
                  n, pg->has_source ? "<th>压缩包</th>" : "");
    for (size_t i = 0; i < r->count; i++) {
        const gp_finding *f = &r->findings[i].finding;
        if (!is_roster_finding(f))
            continue;
        gpi_buf_printf(buf, "<tr class=\"%s\">", severity_class(f->severity));
        if (pg->has_source) {
            gpi_buf_puts(buf, "<td>");
            put_esc(buf, f->source);
            gpi_buf_puts(buf, "</td>");
        }
        if (f->row)
            gpi_buf_printf(buf, "<td class=\"num\">%d</td>", f->row);
        else
            gpi_buf_puts(buf, "<td></td>");
        gpi_buf_puts(buf, "<td class=\"col\">");
        put_esc(buf, f->field);
        gpi_buf_puts(buf, "</td><td class=\"val\">");
        /* the value is shown as it is: this finding is about it */
        put_esc(buf, f->actual);
        gpi_buf_printf(buf, "</td><td><span class=\"sev\">%s</span>", severity_word(f->severity));
        put_esc(buf, gp_code_title(f->code));
        if (f->message && strcmp(f->message, gp_code_title(f->code)) != 0) {
            gpi_buf_puts(buf, "：");
            put_esc(buf, f->message);
        }
        if (f->expected) {
            gpi_buf_puts(buf, "<br><span class=\"ae\">应为：");
            put_esc(buf, f->expected);
            gpi_buf_puts(buf, "</span>");
        }
        gpi_buf_puts(buf, "</td><td>");
        put_fix(buf, f);
        gpi_buf_puts(buf, "</td></tr>\n");
    }
    gpi_buf_puts(buf, "</tbody></table></section>\n");
}

/* Findings about no photo and no roster value: the folder, a bundle, the
 * station file. */
static void put_other_table(gpi_buf *buf, const page *pg)
{
    const gp_report *r = pg->report;
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++) {
        const gp_finding *f = &r->findings[i].finding;
        n += !f->seq && !is_roster_finding(f);
    }
    if (!n)
        return;
    gpi_buf_printf(buf, "<section class=\"block\"><h2>其他问题（%zu 个）</h2>\n<table class=\"list\">"
                  "<thead><tr><th>位置</th><th>问题</th><th>处理办法</th></tr></thead><tbody>\n",
                  n);
    for (size_t i = 0; i < r->count; i++) {
        const gp_finding *f = &r->findings[i].finding;
        if (f->seq || is_roster_finding(f))
            continue;
        gpi_buf_printf(buf, "<tr class=\"%s\"><td>", severity_class(f->severity));
        const char *parts[] = {f->source, f->file};
        bool any = false;
        for (size_t k = 0; k < 2; k++)
            if (parts[k]) {
                if (any)
                    gpi_buf_puts(buf, " · ");
                put_esc(buf, parts[k]);
                any = true;
            }
        if (f->row) {
            gpi_buf_printf(buf, "%s第 %d 行", any ? " · " : "", f->row);
            any = true;
        }
        if (!any)
            gpi_buf_puts(buf, "整体");
        gpi_buf_printf(buf, "</td><td><span class=\"sev\">%s</span>", severity_word(f->severity));
        put_finding_text(buf, f);
        gpi_buf_puts(buf, "</td><td>");
        put_fix(buf, f);
        gpi_buf_puts(buf, "</td></tr>\n");
    }
    gpi_buf_puts(buf, "</tbody></table></section>\n");
}

static void put_sheet(gpi_buf *buf, const page *pg)
{
    if (!pg->card_count)
        return;
    size_t problems = 0, errors = 0;
    for (size_t k = 0; k < pg->card_count; k++) {
        problems += pg->cards[k].any;
        errors += pg->cards[k].any && pg->cards[k].worst == GP_ERROR;
    }
    gpi_buf_printf(buf, "<section class=\"block sheet\"><h2>每张照片（%zu 张：通过 %zu，警告 %zu，"
                  "错误 %zu）</h2>\n",
                  pg->card_count, pg->card_count - problems, problems - errors, errors);
    gpi_buf_printf(buf, "<p class=\"filters\"><label for=\"show-all\">显示全部（%zu）</label>"
                  "<label for=\"show-problems\">只看有问题的（%zu）</label>%s</p>\n",
                  pg->card_count, problems,
                  pg->any_thumbs ? "<span class=\"hint\">鼠标移到照片上可放大</span>" : "");
    if (pg->has_marks)
        gpi_buf_puts(buf, "<p class=\"legend\"><span class=\"key band\"></span>绿色带：规格要求的"
                         "头顶、眼睛、脸两侧的位置　<span class=\"key line\"></span>橙色线："
                         "测到的脸框、眼睛连线和头顶</p>\n");
    if (pg->thumbs_left_out)
        gpi_buf_printf(buf, "<p class=\"note\">照片太多：本页只嵌入了一部分缩略图（有问题的优先），"
                      "另有 %zu 张未嵌入。要看全部照片，请对每个压缩包分别运行 "
                      "<code>gradpack verify 压缩包 --html 文件</code>。</p>\n",
                      pg->thumbs_left_out);
    const char *source = NULL;
    bool open = false;
    for (size_t k = 0; k < pg->card_count; k++) {
        const card *c = &pg->cards[k];
        if (!open || cmp_opt(c->source, source) != 0) {
            if (open)
                gpi_buf_puts(buf, "</div>\n");
            if (pg->has_source) {
                gpi_buf_puts(buf, "<h3>");
                put_esc(buf, c->source ? c->source : "（未注明压缩包）");
                gpi_buf_puts(buf, "</h3>\n");
            }
            gpi_buf_puts(buf, "<div class=\"cards\">\n");
            source = c->source;
            open = true;
        }
        put_card(buf, pg, c);
    }
    if (open)
        gpi_buf_puts(buf, "</div>\n");
    gpi_buf_puts(buf, "</section>\n");
}

/* Tables that say how each input fared (verify's and merge's bundles) go
 * above the cards; the others (outputs, fix's log) below them. */
static bool is_top_table(const char *name)
{
    return !strcmp(name, "bundles") || !strcmp(name, "inputs");
}

/* The report's tables ("bundles", "outputs", fix's "photos") as they are,
 * with the text report's words. */
static void put_tables(gpi_buf *buf, const gp_report *r, bool top)
{
    for (size_t t = 0; t < r->table_count; t++) {
        const gpi_table *table = &r->tables[t];
        if (!table->row_count || is_top_table(table->name) != top)
            continue;
        gpi_buf_puts(buf, "<section class=\"block\"><h2>");
        put_esc(buf, gpi_render_table_label(table->name));
        gpi_buf_puts(buf, "</h2>\n<table class=\"list\"><thead><tr>");
        const gpi_record *first = &table->rows[0];
        for (size_t c = 0; c < first->count; c++) {
            gpi_buf_puts(buf, "<th>");
            put_esc(buf, gpi_render_label(first->cells[c].key));
            gpi_buf_puts(buf, "</th>");
        }
        gpi_buf_puts(buf, "</tr></thead><tbody>\n");
        for (size_t row = 0; row < table->row_count; row++) {
            const gpi_record *rec = &table->rows[row];
            gpi_buf_puts(buf, "<tr>");
            for (size_t c = 0; c < first->count; c++) {
                gpi_buf_puts(buf, "<td>");
                for (size_t k = 0; k < rec->count; k++)
                    if (!strcmp(rec->cells[k].key, first->cells[c].key)) {
                        put_value(buf, &rec->cells[k]);
                        break;
                    }
                gpi_buf_puts(buf, "</td>");
            }
            gpi_buf_puts(buf, "</tr>\n");
        }
        gpi_buf_puts(buf, "</tbody></table></section>\n");
    }
}

/* Light background, system fonts, A4 print; the filter is pure CSS. */
static const char STYLE[] =
    "*{box-sizing:border-box}"
    "body{margin:0;padding:16px 20px 40px;background:#f6f7f9;color:#1f2328;font:14px/1.55 "
    "\"Microsoft YaHei\",\"PingFang SC\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\","
    "\"Source Han Sans SC\",SimSun,sans-serif}"
    "h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:0 0 10px}"
    "h3{font-size:15px;margin:14px 0 8px}"
    "header,.block{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 18px;"
    "margin:0 0 14px}"
    ".privacy{margin:0 0 10px;padding:8px 12px;background:#fff8e1;border:1px solid #e0b400;"
    "border-radius:6px}"
    ".about{display:flex;flex-wrap:wrap;gap:2px 22px;margin:0 0 10px;color:#444}"
    ".about dt,.about dd{display:inline;margin:0}.about dt{color:#666}"
    ".about dt:after{content:\"：\"}"
    ".verdict{font-size:18px;font-weight:bold;margin:6px 0;padding:8px 12px;border-radius:6px;"
    "border:2px solid}"
    ".verdict.error{color:#b42318;border-color:#b42318;background:#fdecea}"
    ".verdict.warn{color:#8a5a00;border-color:#c98a00;background:#fff6db}"
    ".verdict.pass{color:#1a7f37;border-color:#1a7f37;background:#e9f7ee}"
    ".chip{display:inline-block;margin-right:8px;padding:1px 10px;border-radius:12px;"
    "border:1px solid;font-weight:bold}"
    ".chip.error{color:#b42318}.chip.warn{color:#8a5a00}.chip.info,.chip.zero{color:#57606a}"
    "table.list{border-collapse:collapse;width:100%}"
    ".list th,.list td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}"
    ".list th{background:#f0f2f5;white-space:nowrap}.list td.num{text-align:right}"
    ".list td.val{word-break:break-all}.list td.col{white-space:nowrap}"
    ".sev{display:inline-block;margin-right:6px;padding:0 6px;border-radius:4px;font-size:12px;"
    "border:1px solid}"
    "tr.error .sev,li.error:before{color:#b42318}tr.warn .sev,li.warn:before{color:#8a5a00}"
    "tr.info .sev{color:#57606a}"
    "code{font-size:11px;color:#8c959f}.ae{color:#444}"
    ".filter{position:absolute;opacity:0;pointer-events:none}"
    ".filters label{display:inline-block;margin:0 8px 8px 0;padding:4px 14px;border:1px solid #8c959f;"
    "border-radius:16px;cursor:pointer;background:#fff}"
    "#show-all:checked~main label[for=show-all],#show-problems:checked~main "
    "label[for=show-problems]{background:#0b57d0;border-color:#0b57d0;color:#fff}"
    "#show-problems:checked~main .card.pass{display:none}"
    ".legend,.note{color:#444;margin:0 0 10px}.hint{color:#57606a;font-size:13px}"
    ".key{display:inline-block;width:22px;height:10px;margin:0 4px 0 0;vertical-align:middle}"
    ".key.band{background:rgba(26,127,55,.28)}.key.line{border-top:2px solid #f26b00;height:0}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:10px;"
    "align-items:start}"
    ".card{display:grid;grid-template-columns:auto 1fr;gap:8px 10px;background:#fff;"
    "border:1px solid #d0d7de;border-left:6px solid;border-radius:6px;padding:8px;"
    "break-inside:avoid;page-break-inside:avoid}"
    ".card.pair{grid-template-columns:1fr}"
    ".card .findings{grid-column:1/-1;border-top:1px solid #eaeef2;padding-top:6px}"
    ".id{white-space:nowrap;font-size:13px}"
    ".card.pass{border-left-color:#1a7f37}.card.warn{border-left-color:#c98a00}"
    ".card.error{border-left-color:#b42318;background:#fffafa}"
    ".pics{display:flex;align-items:flex-start;gap:4px;flex:none}"
    ".arrow{align-self:center}"
    ".arrow{font-size:18px;color:#57606a}"
    ".thumb{position:relative;margin:0;width:132px;flex:none}"
    ".thumb img{display:block;width:132px;height:auto;border:1px solid #d0d7de;background:#fff}"
    ".frame{transform-origin:0 0;transition:transform .15s}"
    "@media (hover:hover){.frame:hover{transform:scale(2.2);z-index:5;"
    "box-shadow:0 4px 16px rgba(0,0,0,.35)}}"
    ".thumb figcaption{font-size:12px;color:#57606a;text-align:center}"
    ".frame{position:relative;z-index:1}"
    ".marks{position:absolute;left:1px;top:1px;width:calc(100% - 2px);height:calc(100% - 2px)}"
    ".marks .band{fill:rgba(26,127,55,.28)}"
    ".marks .face{fill:none;stroke:#f26b00;stroke-width:1.5}"
    ".marks .eye,.marks .head{stroke:#f26b00;stroke-width:1.5}"
    ".nopic{display:flex;align-items:center;justify-content:center;width:132px;height:176px;"
    "border:1px dashed #8c959f;color:#57606a;background:#f6f7f9;font-size:13px;text-align:center}"
    ".facts{flex:1;min-width:0}.facts .head{display:flex;justify-content:space-between;"
    "align-items:center;margin:0 0 4px}.seq{font-weight:bold;font-size:15px}"
    ".badge{padding:1px 10px;border-radius:10px;font-weight:bold;border:1px solid}"
    ".card.pass .badge{color:#1a7f37;background:#e9f7ee}.card.warn .badge{color:#8a5a00;"
    "background:#fff6db}.card.error .badge{color:#fff;background:#b42318;border-color:#b42318}"
    ".facts dl{display:grid;grid-template-columns:auto 1fr;gap:0 8px;margin:0 0 4px}"
    ".facts dt{color:#666;white-space:nowrap}.facts dd{margin:0;word-break:break-all}"
    ".findings{margin:0;padding:0;list-style:none;font-size:13px}"
    ".findings .ae{color:#57606a;font-size:12px}"
    ".findings li{margin:0 0 4px;padding-left:14px;position:relative}"
    ".findings li:before{content:\"●\";position:absolute;left:0;font-size:10px;top:3px}"
    "li.info:before{color:#8c959f}.todo{color:#0b57d0}"
    "footer{color:#8c959f;font-size:12px;text-align:center}"
    "@page{size:A4;margin:12mm}"
    "@media print{body{background:#fff;padding:0;font-size:10.5pt}"
    "header,.block{border:none;padding:0;margin:0 0 10px}.filters{display:none}"
    ".cards{grid-template-columns:1fr 1fr}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

char *gp_report_to_html(const gp_report *report, unsigned flags)
{
    (void)flags;
    if (!report)
        return NULL;
    page pg = {.report = report};
    if (!build_cards(&pg)) {
        free_cards(&pg);
        return NULL;
    }
    for (size_t k = 0; k < pg.card_count && !pg.has_marks; k++) {
        double v;
        pg.has_marks = pg.cards[k].show_thumbs &&
                       record_number(report, pg.cards[k].record, "image_width", &v);
    }
    gpi_buf buf = {0};
    gpi_buf_puts(&buf, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<meta name=\"generator\" content=\"gradpack ");
    put_esc(&buf, gp_version());
    gpi_buf_puts(&buf, "\">\n<title>");
    put_esc(&buf, page_title(report->command));
    gpi_buf_printf(&buf, "</title>\n<style>%s</style>\n</head>\n<body>\n", STYLE);
    gpi_buf_puts(&buf, "<input class=\"filter\" type=\"radio\" name=\"show\" id=\"show-all\" checked>"
                      "<input class=\"filter\" type=\"radio\" name=\"show\" id=\"show-problems\">\n"
                      "<main>\n");
    put_header(&buf, &pg);
    put_tables(&buf, report, true);
    put_roster_table(&buf, &pg);
    put_other_table(&buf, &pg);
    put_sheet(&buf, &pg);
    put_tables(&buf, report, false);
    gpi_buf_puts(&buf, "<footer>由 gradpack ");
    put_esc(&buf, gp_version());
    gpi_buf_puts(&buf, " 生成 · 本页不含任何外部链接，可离线打开</footer>\n</main>\n</body>\n</html>\n");
    free_cards(&pg);
    return gpi_buf_take(&buf);
}

bool gp_report_write_html(const gp_report *report, const char *path, unsigned flags,
                          gp_error *err)
{
    if (!report || !path || !*path)
        return gpi_error_set(err, GP_ERR_USAGE, 0, "需要网页报告的文件名");
    char *html = gp_report_to_html(report, flags);
    if (!html)
        return gpi_error_nomem(err);
    gpi_atomic *file = gpi_atomic_begin(path, true, err);
    if (!file) {
        free(html);
        return false;
    }
    FILE *stream = gpi_atomic_stream(file, err);
    size_t len = strlen(html);
    bool ok = stream && fwrite(html, 1, len, stream) == len;
    int e = errno;
    free(html);
    if (!ok) {
        if (stream)
            gpi_error_set(err, GP_ERR_WRITE, e, "无法写入网页报告 '%s'：%s", path, gpi_errno_text(e));
        gpi_atomic_abort(file);
        return false;
    }
    return gpi_atomic_commit(file, err);
}
