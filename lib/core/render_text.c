/* The report as text for a station clerk: every finding with where it is,
 * what is wrong and what to do, then a summary and a verdict. */
#include "report_internal.h"
#include "core/base.h"
#include "escape.h"
#include "text_width.h"

#include <stdlib.h>
#include <string.h>

/* Every string that may come from a bundle, a roster or a file name goes
 * through here: an ESC in a station name must not reach the terminal. */
static void put_safe(gpi_buf *buf, const char *s)
{
    gpi_escape_terminal(buf, s, strlen(s));
}

#define ANSI_RED "\x1b[31m"
#define ANSI_YELLOW "\x1b[33m"
#define ANSI_DIM "\x1b[2m"
#define ANSI_BOLD "\x1b[1m"
#define ANSI_RESET "\x1b[0m"

static const char *severity_label(gp_severity severity)
{
    switch (severity) {
    case GP_ERROR: return "错误";
    case GP_WARNING: return "警告";
    case GP_INFO: return "提示";
    }
    return "错误";
}

static const char *severity_color(gp_severity severity)
{
    switch (severity) {
    case GP_ERROR: return ANSI_RED ANSI_BOLD;
    case GP_WARNING: return ANSI_YELLOW;
    case GP_INFO: return ANSI_DIM;
    }
    return "";
}

/* Chinese labels of well-known summary keys, table names and column keys;
 * others print as they are.  Shared with render_html.c. */
const char *gpi_render_label(const char *key)
{
    static const char *const labels[][2] = {
        {"rows", "花名册行数"},        {"photos", "照片数"},
        {"students", "学生数"},        {"encoding", "花名册编码"},
        {"seq_range", "拍摄序号范围"}, {"parts", "分卷数"},
        {"sha256", "SHA-256"},         {"bundles", "压缩包"},
        {"merged", "已合并"},          {"held", "未合并"},
        {"fixed", "已修正"},           {"copied", "原样复制"},
        {"failed", "未通过"},          {"output_dir", "输出文件夹"},
        {"name", "名称"},              {"bundle_id", "压缩包内文件夹"},
        {"encrypted", "已加密"},       {"passed", "通过"},
        {"inputs", "收到的压缩包"},    {"outputs", "写出的汇总包"},
        {"file", "文件"},              {"bytes", "字节"},
        {"verdict", "结论"},           {"station", "函授站"},
        {"part", "分卷"},              {"errors", "错误"},
        {"warnings", "警告"},          {"bundle", "压缩包"},
        {"action", "处理"},            {"from", "原来"},
        {"to", "现在"},                {"quality", "质量"},
        {"encodes", "编码次数"},       {"metadata", "仅修改分辨率信息"},
        {"absorbed", "重复已略过"},    {"held_students", "暂不合并的学生"},
        {"written", "写出"},           {"output", "输出文件夹"},
        {"infos", "提示"},             {"from_width", "原宽"},
        {"from_height", "原高"},       {"from_bytes", "原大小"},
        {"from_dpi", "原 dpi"},        {"to_width", "新宽"},
        {"to_height", "新高"},         {"to_bytes", "新大小"},
        {"to_dpi", "新 dpi"},          {"mail_limit", "邮件附件上限"},
        {"emails", "邮件数"},          {"email", "第几封邮件"},
        {"subject", "邮件主题"},       {"attachments", "附件"},
        {"letter", "邮件正文"},        {"schema", "格式版本"},
        {"agency", "收件单位"},
        {"frame", "构图"},             {"geometry_before", "构图前"},
        {"geometry_after", "构图后"},
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(labels); i++)
        if (strcmp(labels[i][0], key) == 0)
            return labels[i][1];
    return key;
}

/* Machine words in table cells (stable in JSON) said in Chinese for people. */
const char *gpi_render_value_label(const char *value)
{
    static const char *const words[][2] = {
        {"pass", "通过"},      {"fail", "不通过"},   {"merged", "已合并"},
        {"held", "暂不合并"},  {"new", "新写出"},    {"unchanged", "未变（未改写）"},
        {"fixed", "已修正"},   {"copied", "原样复制"}, {"metadata", "仅修改分辨率信息"},
        {"failed", "未能修正"},
        {"cropped", "已按规范重新裁剪"}, {"kept", "已合规范，未重新裁剪"},
        {"refused", "无法按规范构图"},
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(words); i++)
        if (strcmp(words[i][0], value) == 0)
            return words[i][1];
    return value;
}

void gpi_render_value(gpi_buf *buf, const gpi_value *v,
                     void (*put_string)(gpi_buf *buf, const char *s))
{
    if (v->is_bool || (v->is_int && !strcmp(v->key, "encrypted")))
        gpi_buf_puts(buf, v->num ? "是" : "否");
    else if (v->is_int && !strcmp(v->key, "mail_limit"))
        gpi_buf_printf(buf, "%.1f MB", (double)v->num / (1024.0 * 1024.0));
    else if (v->is_int)
        gpi_buf_printf(buf, "%lld", v->num);
    else
        put_string(buf, gpi_render_value_label(v->str ? v->str : ""));
}

static void put_value(gpi_buf *buf, const gpi_value *v)
{
    gpi_render_value(buf, v, put_safe);
}

/* A cell as text (for measuring its width before printing it). */
static char *value_text(const gpi_value *v)
{
    gpi_buf b = {0};
    put_value(&b, v);
    return gpi_buf_take(&b);
}

static void put_location(gpi_buf *buf, const gp_finding *f)
{
    bool any = false;
#define SEP() (any ? gpi_buf_puts(buf, " · ") : (void)0, any = true)
    if (f->source) {
        SEP();
        put_safe(buf, f->source);
    }
    if (f->row) {
        SEP();
        gpi_buf_printf(buf, "第 %d 行", f->row);
    }
    if (f->seq) {
        SEP();
        gpi_buf_puts(buf, "照片 ");
        put_safe(buf, f->seq);
    }
    if (f->field) {
        SEP();
        gpi_buf_puts(buf, "“");
        put_safe(buf, f->field);
        gpi_buf_puts(buf, "”");
    }
    if (f->file) {
        SEP();
        put_safe(buf, f->file);
    }
    if (!any)
        gpi_buf_puts(buf, "整体");
#undef SEP
}

static void put_finding(gpi_buf *buf, const gp_finding *f, bool color)
{
    if (color)
        gpi_buf_puts(buf, severity_color(f->severity));
    gpi_buf_printf(buf, "【%s】", severity_label(f->severity));
    if (color)
        gpi_buf_puts(buf, ANSI_RESET);
    put_location(buf, f);
    gpi_buf_puts(buf, "\n    ");
    const char *title = gp_code_title(f->code);
    if (f->message && strcmp(f->message, title) != 0) {
        /* one colon per line: a message with its own colon follows a full stop */
        gpi_buf_printf(buf, "%s%s", title, strstr(f->message, "：") ? "。" : "：");
        put_safe(buf, f->message);
    } else
        gpi_buf_puts(buf, title);
    gpi_buf_puts(buf, "\n");
    if (f->actual || f->expected) {
        gpi_buf_puts(buf, "    ");
        if (f->actual) {
            gpi_buf_puts(buf, "实际：");
            put_safe(buf, *f->actual ? f->actual : "（空）");
        }
        if (f->actual && f->expected)
            gpi_buf_puts(buf, "；");
        if (f->expected) {
            gpi_buf_puts(buf, "应为：");
            put_safe(buf, f->expected);
        }
        gpi_buf_puts(buf, "\n");
    }
    gpi_buf_printf(buf, "    处理办法：%s\n", gp_code_fix(f->code));
    if (color)
        gpi_buf_puts(buf, ANSI_DIM);
    gpi_buf_printf(buf, "    [%s]\n", gp_code_name(f->code));
    if (color)
        gpi_buf_puts(buf, ANSI_RESET);
}

/* A table's heading ("photos" is a count in the summary, a list here). */
const char *gpi_render_table_label(const char *name)
{
    static const char *const names[][2] = {
        {"photos", "各张照片"}, {"outputs", "已写出的文件"}, {"inputs", "收到的压缩包"},
        {"bundles", "各压缩包的结论"}, {"emails", "要发送的邮件"},
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(names); i++)
        if (!strcmp(names[i][0], name))
            return names[i][1];
    return gpi_render_label(name);
}

/* ---- tables: aligned columns, measured by display width ---------------- */

#define TABLE_SHORT_ROWS 10 /* rows shown of a long table unless verbose */
#define TABLE_MAX_ROWS 15   /* a table longer than this is cut unless verbose */

static void put_table(gpi_buf *buf, const gpi_table *table, bool verbose)
{
    /* columns: every key in order of first appearance, without the ones
     * empty in every row */
    const char *keys[32];
    size_t widths[32];
    size_t ncols = 0;
    for (size_t r = 0; r < table->row_count; r++)
        for (size_t c = 0; c < table->rows[r].count; c++) {
            const gpi_value *cell = &table->rows[r].cells[c];
            if (!cell->is_int && !cell->is_bool && (!cell->str || !*cell->str))
                continue;
            size_t k = 0;
            while (k < ncols && strcmp(keys[k], cell->key) != 0)
                k++;
            if (k == ncols && ncols < GPI_ARRAY_LEN(keys)) {
                keys[ncols] = cell->key;
                widths[ncols] = gpi_text_width(gpi_render_label(cell->key));
                ncols++;
            }
        }
    size_t shown = table->row_count;
    if (!verbose && shown > TABLE_MAX_ROWS)
        shown = TABLE_SHORT_ROWS;
    for (size_t r = 0; r < shown; r++)
        for (size_t c = 0; c < table->rows[r].count; c++) {
            const gpi_value *cell = &table->rows[r].cells[c];
            for (size_t k = 0; k < ncols; k++)
                if (!strcmp(keys[k], cell->key)) {
                    char *text = value_text(cell);
                    size_t w = gpi_text_width(text);
                    if (w > widths[k])
                        widths[k] = w;
                    free(text);
                }
        }
    gpi_buf_printf(buf, "%s：\n", gpi_render_table_label(table->name));
    gpi_buf_puts(buf, "  ");
    for (size_t k = 0; k < ncols; k++)
        gpi_buf_put_padded(buf, gpi_render_label(keys[k]), k + 1 < ncols ? widths[k] + 2 : 0);
    gpi_buf_puts(buf, "\n");
    for (size_t r = 0; r < shown; r++) {
        const gpi_record *row = &table->rows[r];
        gpi_buf_puts(buf, "  ");
        for (size_t k = 0; k < ncols; k++) {
            char *text = NULL;
            for (size_t c = 0; c < row->count; c++)
                if (!strcmp(row->cells[c].key, keys[k])) {
                    text = value_text(&row->cells[c]);
                    break;
                }
            gpi_buf_put_padded(buf, text ? text : "", k + 1 < ncols ? widths[k] + 2 : 0);
            free(text);
        }
        gpi_buf_puts(buf, "\n");
    }
    if (shown < table->row_count)
        gpi_buf_printf(buf, "  ……另有 %zu 行未显示（共 %zu 行；--verbose 显示全部）\n",
                      table->row_count - shown, table->row_count);
}

/* ---- grouping: one block for a finding repeated across photos or rows -- */

#define GROUP_MIN 3        /* this many alike findings become one block */
#define GROUP_MAX_RANGES 8 /* number ranges listed before "等" */

static int cmp_opt(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

/* Findings alike for grouping: same code, severity, bundle and field, each
 * about one photo (seq) or one roster row.  The actual and expected values
 * may differ (the first few distinct ones are listed). */
static bool groupable(const gp_finding *f)
{
    return f->seq || f->row;
}

static int group_cmp(const gp_finding *a, const gp_finding *b)
{
    int c;
    if (a->code != b->code)
        return a->code < b->code ? -1 : 1;
    if (a->severity != b->severity)
        return a->severity < b->severity ? -1 : 1;
    if ((a->seq != NULL) != (b->seq != NULL))
        return a->seq ? -1 : 1;
    if ((c = cmp_opt(a->source, b->source)) || (c = cmp_opt(a->field, b->field)))
        return c;
    return 0;
}

typedef struct keyed_finding {
    const gp_finding *f;
    size_t index;
} keyed_finding;

static int keyed_cmp(const void *pa, const void *pb)
{
    const keyed_finding *a = pa, *b = pb;
    int c = group_cmp(a->f, b->f);
    if (c)
        return c;
    return (a->index > b->index) - (a->index < b->index);
}

/* leader[i]: the index of the first finding of i's group when the group is
 * at least GROUP_MIN strong, else i itself.  NULL on OOM (no grouping). */
static size_t *make_groups(const gp_report *report)
{
    size_t n = report->count;
    keyed_finding *order = malloc((n ? n : 1) * sizeof *order);
    size_t *leader = malloc((n ? n : 1) * sizeof *leader);
    if (!order || !leader) {
        free(order);
        free(leader);
        return NULL;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        leader[i] = i;
        const gp_finding *f = &report->findings[i].finding;
        if (groupable(f))
            order[m++] = (keyed_finding){f, i};
    }
    qsort(order, m, sizeof *order, keyed_cmp);
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && group_cmp(order[i].f, order[j].f) == 0)
            j++;
        if (j - i >= GROUP_MIN)
            for (size_t k = i; k < j; k++)
                leader[order[k].index] = order[i].index; /* the smallest index */
        i = j;
    }
    free(order);
    return leader;
}

static void add_distinct(const char **list, size_t *count, const char *value)
{
    if (!value)
        return;
    for (size_t d = 0; d < *count; d++)
        if (!strcmp(list[d], value))
            return;
    list[(*count)++] = value;
}

#define GROUP_MAX_VALUES 3 /* distinct values shown before "等 N 种" */

static void put_distinct(gpi_buf *buf, const char *label_text, const char **list, size_t count)
{
    if (!count)
        return;
    gpi_buf_puts(buf, label_text);
    if (count > GROUP_MAX_VALUES) { /* one example: many long values fill the screen */
        put_safe(buf, *list[0] ? list[0] : "（空）");
        gpi_buf_printf(buf, " 等，各不相同（%zu 种）", count);
        return;
    }
    for (size_t d = 0; d < count; d++) {
        if (d)
            gpi_buf_puts(buf, "、");
        put_safe(buf, *list[d] ? list[d] : "（空）");
    }
}

static void put_group(gpi_buf *buf, const gp_report *report, const size_t *leader, size_t first,
                      bool color)
{
    const gp_finding *f = &report->findings[first].finding;
    size_t n = 0;
    for (size_t i = first; i < report->count; i++)
        n += leader[i] == first;
    long *numbers = malloc(n * sizeof *numbers);
    const char **actuals = malloc(n * sizeof *actuals);
    const char **expecteds = malloc(n * sizeof *expecteds);
    if (!numbers || !actuals || !expecteds) {
        free(numbers);
        free(actuals);
        free(expecteds);
        return;
    }
    size_t k = 0, distinct = 0, distinct_expected = 0;
    bool by_photo = f->seq != NULL;
    for (size_t i = first; i < report->count; i++) {
        if (leader[i] != first)
            continue;
        const gp_finding *g = &report->findings[i].finding;
        numbers[k++] = by_photo ? strtol(g->seq, NULL, 10) : g->row;
        add_distinct(actuals, &distinct, g->actual);
        add_distinct(expecteds, &distinct_expected, g->expected);
    }
    if (color)
        gpi_buf_puts(buf, severity_color(f->severity));
    gpi_buf_printf(buf, "【%s】", severity_label(f->severity));
    if (color)
        gpi_buf_puts(buf, ANSI_RESET);
    if (f->source) {
        put_safe(buf, f->source);
        gpi_buf_puts(buf, " · ");
    }
    gpi_buf_printf(buf, "%zu %s", n, by_photo ? "张照片" : "行");
    if (f->field) {
        gpi_buf_puts(buf, "的“");
        put_safe(buf, f->field);
        gpi_buf_puts(buf, "”");
    }
    gpi_buf_printf(buf, "：%s\n    %s", gp_code_title(f->code), by_photo ? "照片 " : "第 ");
    gpi_buf_put_ranges(buf, numbers, n, by_photo ? (int)strlen(f->seq) : 0, GROUP_MAX_RANGES);
    gpi_buf_puts(buf, by_photo ? "\n" : " 行\n");
    if (distinct || distinct_expected) {
        gpi_buf_puts(buf, "    ");
        put_distinct(buf, "实际：", actuals, distinct);
        if (distinct && distinct_expected)
            gpi_buf_puts(buf, "；");
        put_distinct(buf, "应为：", expecteds, distinct_expected);
        gpi_buf_puts(buf, "\n");
    }
    gpi_buf_printf(buf, "    处理办法：%s\n", gp_code_fix(f->code));
    if (color)
        gpi_buf_puts(buf, ANSI_DIM);
    gpi_buf_printf(buf, "    [%s] 共 %zu 处，加 --verbose 逐条列出\n", gp_code_name(f->code), n);
    if (color)
        gpi_buf_puts(buf, ANSI_RESET);
    free(numbers);
    free(actuals);
    free(expecteds);
}

static const char *cell_str(const gpi_record *row, const char *key)
{
    for (size_t c = 0; c < row->count; c++)
        if (!strcmp(row->cells[c].key, key) && !row->cells[c].is_int)
            return row->cells[c].str;
    return NULL;
}

/* pack's "what to send": a numbered list of emails, last, where the clerk
 * looks when the run is over. */
static void put_emails(gpi_buf *buf, const gp_report *report, const gpi_table *emails)
{
    long long encrypted = 0;
    gp_report_get_int(report, "encrypted", &encrypted);
    const char *agency = gp_report_get_str(report, "agency");
    size_t n = emails->row_count;
    gpi_buf_printf(buf, "\n要发送的邮件（共 %zu 封%s）：\n", n,
                  n > 1 ? "，每封一个压缩包，不要合成一封" : "");
    for (size_t r = 0; r < n; r++) {
        const gpi_record *row = &emails->rows[r];
        const char *subject = cell_str(row, "subject");
        const char *files = cell_str(row, "attachments");
        const char *letter = cell_str(row, "letter");
        gpi_buf_printf(buf, "  %zu. 第 %zu 封（共 %zu 封）\n", r + 1, r + 1, n);
        gpi_buf_puts(buf, "     主题：");
        put_safe(buf, subject ? subject : "");
        gpi_buf_puts(buf, "\n     附件：");
        put_safe(buf, files ? files : "");
        gpi_buf_puts(buf, "\n     正文：打开 ");
        put_safe(buf, letter ? letter : "");
        gpi_buf_printf(buf, "，全部复制粘贴到邮件正文%s\n", n > 1 ? "（每封都粘贴同一份）" : "");
    }
    if (encrypted) {
        gpi_buf_puts(buf, "  密码：打电话或发短信告诉");
        put_safe(buf, agency ? agency : "收件单位");
        gpi_buf_puts(buf, "，不要写在任何一封邮件里。\n");
    }
}

static void put_summary(gpi_buf *buf, const gp_report *report, bool color)
{
    size_t errors = gp_report_count_severity(report, GP_ERROR);
    size_t warnings = gp_report_count_severity(report, GP_WARNING);
    size_t infos = gp_report_count_severity(report, GP_INFO);
    gpi_buf_printf(buf, "gradpack %s", report->command);
    if (report->profile && *report->profile) {
        gpi_buf_puts(buf, "（规格 ");
        put_safe(buf, report->profile);
        gpi_buf_puts(buf, "）");
    }
    gpi_buf_puts(buf, "：");
    for (size_t i = 0; i < report->summary_count; i++) {
        const gpi_value *v = &report->summary[i];
        gpi_buf_printf(buf, "%s ", gpi_render_label(v->key));
        /* summary strings are names and paths, never machine words: an
         * output folder called "fixed" stays "fixed" */
        if (v->is_int || v->is_bool)
            put_value(buf, v);
        else
            put_safe(buf, v->str ? v->str : "");
        gpi_buf_puts(buf, "，");
    }
    gpi_buf_printf(buf, "错误 %zu 个，警告 %zu 个，提示 %zu 个。\n", errors, warnings, infos);
    if (color)
        gpi_buf_puts(buf, errors ? ANSI_RED ANSI_BOLD : ANSI_BOLD);
    if (errors)
        gpi_buf_puts(buf, "结论：有错误，请按上面的“处理办法”逐条改正后重新运行。\n");
    else if (warnings)
        gpi_buf_puts(buf, "结论：没有错误，可以提交（请看一下上面的警告）。\n");
    else
        gpi_buf_puts(buf, "结论：全部符合要求。\n");
    if (color)
        gpi_buf_puts(buf, ANSI_RESET);
}

char *gp_report_to_text(const gp_report *report, unsigned flags)
{
    bool color = flags & GP_RENDER_COLOR;
    bool quiet = flags & GP_RENDER_QUIET;
    bool verbose = flags & GP_RENDER_VERBOSE;
    gpi_buf buf = {0};
    if (!quiet) {
        size_t *leader = verbose ? NULL : make_groups(report);
        /* members[i]: how many findings i leads (1 when alone) */
        size_t *members = leader ? calloc(report->count, sizeof *members) : NULL;
        if (!members) {
            free(leader);
            leader = NULL;
        }
        for (size_t i = 0; leader && i < report->count; i++)
            members[leader[i]]++;
        for (size_t i = 0; i < report->count; i++) {
            const gp_finding *f = &report->findings[i].finding;
            if (leader && leader[i] != i)
                continue; /* printed with its group's leader */
            if (leader && members[i] > 1)
                put_group(&buf, report, leader, i, color);
            else
                put_finding(&buf, f, color);
            gpi_buf_puts(&buf, "\n");
        }
        free(leader);
        free(members);
        for (size_t t = 0; t < report->table_count; t++) {
            if (report->tables[t].row_count && strcmp(report->tables[t].name, "emails") != 0) {
                put_table(&buf, &report->tables[t], verbose);
                gpi_buf_puts(&buf, "\n");
            }
        }
    }
    put_summary(&buf, report, color);
    for (size_t t = 0; !quiet && t < report->table_count; t++)
        if (!strcmp(report->tables[t].name, "emails") && report->tables[t].row_count)
            put_emails(&buf, report, &report->tables[t]);
    return gpi_buf_take(&buf);
}
