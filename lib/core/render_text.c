/* The report as text for a station clerk: every finding with where it is,
 * what is wrong and what to do, then a summary and a verdict. */
#include "report_internal.h"
#include "escape.h"

#include <string.h>

/* Every string that may come from a bundle, a roster or a file name goes
 * through here: an ESC in a station name must not reach the terminal. */
static void put_safe(gp_buf *buf, const char *s)
{
    gp_escape_terminal(buf, s, strlen(s));
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
const char *gp_render_label(const char *key)
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
        {"inputs", "输入"},            {"outputs", "已写出的文件"},
        {"file", "文件"},              {"bytes", "字节"},
        {"verdict", "结论"},           {"station", "函授站"},
        {"part", "分卷"},              {"errors", "错误"},
        {"warnings", "警告"},          {"bundle", "压缩包"},
        {"action", "处理"},            {"from", "原来"},
        {"to", "现在"},                {"quality", "质量"},
        {"encodes", "编码次数"},       {"metadata", "仅修改分辨率信息"},
        {"output", "输出文件夹"},
    };
    for (size_t i = 0; i < GP_ARRAY_LEN(labels); i++)
        if (strcmp(labels[i][0], key) == 0)
            return labels[i][1];
    return key;
}

/* Machine words in table cells (stable in JSON) said in Chinese for people. */
const char *gp_render_value_label(const char *value)
{
    static const char *const words[][2] = {
        {"pass", "通过"},      {"fail", "不通过"},   {"merged", "已合并"},
        {"held", "暂不合并"},  {"new", "新写出"},    {"unchanged", "未变（未改写）"},
        {"fixed", "已修正"},   {"copied", "原样复制"}, {"metadata", "仅修改分辨率信息"},
        {"failed", "未能修正"},
    };
    for (size_t i = 0; i < GP_ARRAY_LEN(words); i++)
        if (strcmp(words[i][0], value) == 0)
            return words[i][1];
    return value;
}

static void put_value(gp_buf *buf, const gp_value *v)
{
    if (v->is_int && !strcmp(v->key, "encrypted"))
        gp_buf_puts(buf, v->num ? "是" : "否");
    else if (v->is_int)
        gp_buf_printf(buf, "%lld", v->num);
    else
        put_safe(buf, gp_render_value_label(v->str ? v->str : ""));
}

static void put_location(gp_buf *buf, const gp_finding *f)
{
    bool any = false;
#define SEP() (any ? gp_buf_puts(buf, " · ") : (void)0, any = true)
    if (f->source) {
        SEP();
        put_safe(buf, f->source);
    }
    if (f->row) {
        SEP();
        gp_buf_printf(buf, "第 %d 行", f->row);
    }
    if (f->seq) {
        SEP();
        gp_buf_puts(buf, "照片 ");
        put_safe(buf, f->seq);
    }
    if (f->field) {
        SEP();
        gp_buf_puts(buf, "“");
        put_safe(buf, f->field);
        gp_buf_puts(buf, "”");
    }
    if (f->file) {
        SEP();
        put_safe(buf, f->file);
    }
    if (!any)
        gp_buf_puts(buf, "整体");
#undef SEP
}

static void put_finding(gp_buf *buf, const gp_finding *f, bool color)
{
    if (color)
        gp_buf_puts(buf, severity_color(f->severity));
    gp_buf_printf(buf, "【%s】", severity_label(f->severity));
    if (color)
        gp_buf_puts(buf, ANSI_RESET);
    put_location(buf, f);
    gp_buf_puts(buf, "\n    ");
    const char *title = gp_code_title(f->code);
    if (f->message && strcmp(f->message, title) != 0) {
        gp_buf_printf(buf, "%s：", title);
        put_safe(buf, f->message);
    } else
        gp_buf_puts(buf, title);
    gp_buf_puts(buf, "\n");
    if (f->actual || f->expected) {
        gp_buf_puts(buf, "    ");
        if (f->actual) {
            gp_buf_puts(buf, "实际：");
            put_safe(buf, f->actual);
        }
        if (f->actual && f->expected)
            gp_buf_puts(buf, "；");
        if (f->expected) {
            gp_buf_puts(buf, "应为：");
            put_safe(buf, f->expected);
        }
        gp_buf_puts(buf, "\n");
    }
    gp_buf_printf(buf, "    处理办法：%s\n", gp_code_fix(f->code));
    if (color)
        gp_buf_puts(buf, ANSI_DIM);
    gp_buf_printf(buf, "    [%s]\n", gp_code_name(f->code));
    if (color)
        gp_buf_puts(buf, ANSI_RESET);
}

static void put_table(gp_buf *buf, const gp_table *table)
{
    gp_buf_printf(buf, "%s：\n", gp_render_label(table->name));
    for (size_t r = 0; r < table->row_count; r++) {
        const gp_record *row = &table->rows[r];
        gp_buf_puts(buf, "  ");
        for (size_t c = 0; c < row->count; c++) {
            const gp_value *cell = &row->cells[c];
            if (!cell->is_int && (!cell->str || !*cell->str))
                continue; /* an empty cell says nothing */
            if (c)
                gp_buf_puts(buf, "  ");
            gp_buf_printf(buf, "%s ", gp_render_label(cell->key));
            put_value(buf, cell);
        }
        gp_buf_puts(buf, "\n");
    }
}

char *gp_report_to_text(const gp_report *report, unsigned flags)
{
    bool color = flags & GP_RENDER_COLOR;
    bool quiet = flags & GP_RENDER_QUIET;
    gp_buf buf = {0};
    for (size_t i = 0; i < report->count; i++) {
        const gp_finding *f = &report->findings[i].finding;
        if (quiet && f->severity != GP_ERROR)
            continue;
        put_finding(&buf, f, color);
        gp_buf_puts(&buf, "\n");
    }
    if (!quiet)
        for (size_t t = 0; t < report->table_count; t++) {
            if (report->tables[t].row_count) {
                put_table(&buf, &report->tables[t]);
                gp_buf_puts(&buf, "\n");
            }
        }

    size_t errors = gp_report_count_severity(report, GP_ERROR);
    size_t warnings = gp_report_count_severity(report, GP_WARNING);
    size_t infos = gp_report_count_severity(report, GP_INFO);
    gp_buf_printf(&buf, "gradpack %s", report->command);
    if (report->profile && *report->profile) {
        gp_buf_puts(&buf, "（规格 ");
        put_safe(&buf, report->profile);
        gp_buf_puts(&buf, "）");
    }
    gp_buf_puts(&buf, "：");
    for (size_t i = 0; i < report->summary_count; i++) {
        const gp_value *v = &report->summary[i];
        gp_buf_printf(&buf, "%s ", gp_render_label(v->key));
        /* summary strings are names and paths, never machine words: an
         * output folder called "fixed" stays "fixed" */
        if (v->is_int)
            put_value(&buf, v);
        else
            gp_buf_puts(&buf, v->str ? v->str : "");
        gp_buf_puts(&buf, "，");
    }
    gp_buf_printf(&buf, "错误 %zu 个，警告 %zu 个，提示 %zu 个。\n", errors, warnings, infos);
    if (color)
        gp_buf_puts(&buf, errors ? ANSI_RED ANSI_BOLD : ANSI_BOLD);
    if (errors)
        gp_buf_puts(&buf, "结论：有错误，请按上面的“处理办法”逐条改正后重新运行。\n");
    else if (warnings)
        gp_buf_puts(&buf, "结论：没有错误，可以提交（请看一下上面的警告）。\n");
    else
        gp_buf_puts(&buf, "结论：全部符合要求。\n");
    if (color)
        gp_buf_puts(&buf, ANSI_RESET);
    return gp_buf_take(&buf);
}
