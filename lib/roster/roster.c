/* Reading a roster: bytes -> encoding -> CSV records (or a workbook sheet's
 * rows, workbook_reader.h) -> header -> students.  Rows above the header
 * (title rows) are skipped and reported once.  A workbook cell's stored type
 * is evidence: a number in a column that must be digits is taken as its
 * integer digits with one warning per column, or refused when Excel can
 * only have kept 15 of its digits.
 * File-level problems (empty, binary, undecodable, broken CSV, over the
 * limits, bad header) become error findings and leave the roster unusable,
 * with no rows, so that rows are never judged on a misread file.  Field rules
 * are applied separately (rules.c). */
#include "roster/reading.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/findings.h"
#include "core/profile.h"
#include "roster/roster.h"
#include "core/files.h"
#include "core/os.h"
#include "workbook_reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const gp_profile *profile;
    const char *file;
    gp_report *report;
    gp_error *err;
    roster_decoder *dec;
    bool encoding_forced;
    gpi_roster *roster;
    size_t cap;
    int header_row;          /* 0 until the header is read */
    int *column_field;       /* per header column: gpi_field or -1 */
    size_t header_count;
    bool refused;            /* a file-level error finding was added */
    bool failed;             /* out of memory: err is set */
    int header_target;       /* spreadsheet row of the header (0 = first record) */
    int title_rows, title_first;
    char *title_text;        /* the first title row's first cell */
    int number_count[GPI_FIELD_COUNT], number_row[GPI_FIELD_COUNT];
    char number_example[GPI_FIELD_COUNT][64];
    int formula_count, formula_row;
    size_t formula_column;
} parser;

static void refuse(parser *p, gp_code code, int row, const char *field, const char *actual,
                   const char *expected, const char *message)
{
    gpi_where w = {.row = row, .field = field, .file = p->file};
    gpi_report_add(p->report, code, &w, actual, expected, "%s", message);
    p->refused = true;
}

static const char *column_label(const parser *p, size_t column)
{
    if (!p->header_row || column >= p->header_count || p->column_field[column] < 0)
        return NULL;
    return gpi_field_label((gpi_field)p->column_field[column]);
}

/* Decode and trim one raw cell; NULL when it cannot be decoded (reported)
 * or on OOM (err set). */
static char *decode_cell(parser *p, int row, size_t column, const char *raw, size_t len)
{
    char *text = NULL;
    size_t bad = 0;
    switch (roster_decode(p->dec, raw, len, &text, &bad)) {
    case ROSTER_DECODE_OK:
        return gpi_trim(text);
    case ROSTER_DECODE_NOMEM:
        gpi_error_nomem(p->err);
        p->failed = true;
        return NULL;
    case ROSTER_DECODE_INVALID:
        break;
    }
    char bytes[24] = "";
    for (size_t i = bad; i < len && i < bad + 4; i++)
        snprintf(bytes + strlen(bytes), sizeof bytes - strlen(bytes), "%s0x%02X",
                 i > bad ? " " : "", (unsigned char)raw[i]);
    const char *label = column_label(p, column);
    /* a detected GB18030 file is one that was not UTF-8 either */
    bool gb = !strcmp(p->dec->name, "GB18030");
    const char *expected = !gb ? "UTF-8" : p->encoding_forced ? "GB18030" : "UTF-8 或 GB18030";
    char *message = gpi_asprintf("第 %d 行第 %zu 列%s%s%s从第 %zu 个字节起（%s）不是有效的 %s 文字",
                                row, column + 1, label ? "（" : "", label ? label : "",
                                label ? "）" : "", bad + 1, bytes, expected);
    if (!message) {
        gpi_error_nomem(p->err);
        p->failed = true;
        return NULL;
    }
    refuse(p, GP_ROSTER_ENCODING, row, label, bytes, expected, message);
    free(message);
    return NULL;
}

static bool read_header(parser *p, const roster_record *record)
{
    char **cells = calloc(record->count, sizeof *cells);
    p->column_field = malloc(record->count * sizeof *p->column_field);
    if (!cells || !p->column_field) {
        free(cells);
        gpi_error_nomem(p->err);
        p->failed = true;
        return false;
    }
    bool ok = true;
    for (size_t c = 0; ok && c < record->count; c++) {
        cells[c] = decode_cell(p, record->row, c, record->cells[c], record->lens[c]);
        ok = cells[c] != NULL;
    }
    if (ok) {
        p->header_row = record->row;
        p->header_count = record->count;
        if (!roster_header_map(p->profile, cells, record->count, record->row, p->column_field,
                               p->file, p->report))
            p->refused = true;
    }
    for (size_t c = 0; c < record->count; c++)
        free(cells[c]);
    free(cells);
    return ok && !p->refused;
}

static void student_clear(gpi_student *s)
{
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        free(s->value[f]);
}

/* Non-empty cells after the header's last column: roster.row.extra_cells. */
static bool check_extra_cells(parser *p, const roster_record *record)
{
    gpi_buf extra = {0};
    for (size_t c = p->header_count; c < record->count; c++) {
        if (!record->lens[c])
            continue;
        char *text = decode_cell(p, record->row, c, record->cells[c], record->lens[c]);
        if (!text) {
            gpi_buf_free(&extra);
            return false;
        }
        if (*text)
            gpi_buf_printf(&extra, "%s%s", extra.len ? " | " : "", text);
        free(text);
    }
    if (extra.len) {
        char *actual = gpi_buf_take(&extra);
        if (!actual) {
            gpi_error_nomem(p->err);
            p->failed = true;
            return false;
        }
        gpi_where w = {.row = record->row, .file = p->file};
        char expected[64];
        snprintf(expected, sizeof expected, "最多 %zu 列", p->header_count);
        gpi_report_add(p->report, GP_ROSTER_ROW_EXTRA_CELLS, &w, actual, expected,
                      "第 %d 行有 %zu 个单元格，表头只有 %zu 列，多出的内容“%s”已忽略",
                      record->row, record->count, p->header_count, actual);
        free(actual);
    }
    gpi_buf_free(&extra);
    return true;
}

static bool digit_field(int f)
{
    return f == GPI_FIELD_SEQ || f == GPI_FIELD_STUDENT_NO || f == GPI_FIELD_ID_NUMBER ||
           f == GPI_FIELD_SCHOOL_CODE;
}

static bool replace_value(parser *p, gpi_student *s, int f, const char *text)
{
    char *copy = strdup(text);
    if (!copy) {
        gpi_error_nomem(p->err);
        p->failed = true;
        return false;
    }
    free(s->value[f]);
    s->value[f] = copy;
    return true;
}

/* A workbook cell's stored type (workbook_reader.h) applied to its value:
 * numbers become digits, a number Excel cannot hold exactly is refused. */
static bool stored_type(parser *p, gpi_student *s, int f, size_t c, const roster_record *record)
{
    if (record->formula && record->formula[c] && !p->formula_count++) {
        p->formula_row = record->row;
        p->formula_column = c;
    }
    if (record->kinds[c] != WB_CELL_NUMBER)
        return true;
    char *end = NULL;
    double d = strtod(s->value[f], &end);
    if (*end || !isfinite(d))
        return true;
    bool integral = d == floor(d);
    char text[64];
    if (!digit_field(f) || d < 0 || !integral) {
        if (integral && fabs(d) < 1e15)
            snprintf(text, sizeof text, "%.0f", d);
        else
            snprintf(text, sizeof text, "%.15g", d);
        return replace_value(p, s, f, text);
    }
    if (d < 1e15) {
        snprintf(text, sizeof text, "%.0f", d);
        if (!p->number_count[f]++) {
            p->number_row[f] = record->row;
            snprintf(p->number_example[f], sizeof p->number_example[f], "%s", text);
        }
        return replace_value(p, s, f, text);
    }
    /* 16 digits or more: Excel keeps 15 significant digits, the rest are 0 */
    char mantissa[32];
    snprintf(mantissa, sizeof mantissa, "%.14e", d); /* d.dddddddddddddde+XX */
    int exponent = atoi(strchr(mantissa, 'e') + 1);
    char digits[64];
    size_t n = 0;
    for (const char *m = mantissa; *m != 'e' && n < 15; m++)
        if (*m >= '0' && *m <= '9')
            digits[n++] = *m;
    while ((int)n <= exponent && n < sizeof digits - 1)
        digits[n++] = '0';
    digits[n] = '\0';
    char shown[32];
    snprintf(shown, sizeof shown, "%.5E", d);
    gpi_where w = {.row = record->row, .field = gpi_field_label((gpi_field)f), .file = p->file};
    gpi_report_add(p->report, GP_ROSTER_EXCEL_TRUNCATED, &w, digits, "文本格式的完整号码",
                  "%s在工作簿里存成了数字（Excel 显示为 %s）：数字只保留 15 位有效数字，"
                  "读出为 %s，第 16 位起已变成 0，原来的号码已经丢失；请把“%s”列设为“文本”格式，"
                  "再对照原始资料重新输入",
                  gpi_field_label((gpi_field)f), shown, digits, gpi_field_label((gpi_field)f));
    s->has_error = true;
    s->damaged |= 1u << f;
    return replace_value(p, s, f, digits);
}

static bool read_student(parser *p, const roster_record *record)
{
    gpi_student s = {.row = record->row};
    bool ok = true, blank = true;
    for (size_t c = 0; ok && c < record->count && c < p->header_count; c++) {
        int f = p->column_field[c];
        if (f < 0)
            continue;
        s.value[f] = decode_cell(p, record->row, c, record->cells[c], record->lens[c]);
        ok = s.value[f] != NULL;
        if (ok && record->kinds)
            ok = stored_type(p, &s, f, c, record);
        if (ok && s.value[f][0])
            blank = false;
    }
    for (int f = 0; ok && f < GPI_FIELD_COUNT; f++)
        if (!s.value[f] && !(s.value[f] = strdup(""))) {
            gpi_error_nomem(p->err);
            p->failed = true;
            ok = false;
        }
    if (!ok || blank) {
        /* a row with content only in ignored columns holds no student */
        student_clear(&s);
        return ok;
    }
    if (p->roster->count == GPI_MAX_ROWS) {
        student_clear(&s);
        char actual[32];
        snprintf(actual, sizeof actual, "> %d", GPI_MAX_ROWS);
        char *message = gpi_asprintf("第 %d 行已是第 %d 名学生，超过了一份花名册最多 %d 名的上限",
                                    record->row, GPI_MAX_ROWS + 1, GPI_MAX_ROWS);
        refuse(p, GP_ROSTER_TOO_MANY_ROWS, record->row, NULL, actual, "≤ 9999",
               message ? message : "花名册行数超过 9999");
        free(message);
        return false;
    }
    if (p->roster->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        gpi_student *grown = realloc(p->roster->students, cap * sizeof *grown);
        if (!grown) {
            student_clear(&s);
            gpi_error_nomem(p->err);
            p->failed = true;
            return false;
        }
        p->roster->students = grown;
        p->cap = cap;
    }
    p->roster->students[p->roster->count++] = s;
    return check_extra_cells(p, record);
}

/* A row above the header: remembered for one info finding. */
static bool note_title(parser *p, const roster_record *record)
{
    if (!p->title_rows++) {
        p->title_first = record->row;
        for (size_t c = 0; c < record->count && !p->title_text; c++) {
            if (!record->lens[c])
                continue;
            char *text = NULL;
            size_t bad = 0;
            if (roster_decode(p->dec, record->cells[c], record->lens[c], &text, &bad) ==
                ROSTER_DECODE_OK && gpi_trim(text)[0])
                p->title_text = text;
            else
                free(text);
        }
    }
    return true;
}

static bool on_record(void *context, const roster_record *record)
{
    parser *p = context;
    if (p->header_row)
        return read_student(p, record);
    if (record->row < p->header_target)
        return note_title(p, record);
    return read_header(p, record);
}

/* ---- records from CSV text or a workbook sheet ----------------------------- */

void roster_source_read(const roster_source *src, roster_record_fn fn, void *context,
                        roster_csv_outcome *outcome)
{
    if (!src->sheet) {
        roster_csv_read(src->csv, src->csv_len, fn, context, outcome);
        return;
    }
    memset(outcome, 0, sizeof *outcome);
    const workbook_sheet *sheet = src->sheet;
    int previous = 0;
    for (size_t i = 0; i < sheet->count; i++) {
        const workbook_row *r = &sheet->rows[i];
        outcome->blank_rows += r->row - previous - 1;
        previous = r->row;
        outcome->row = r->row;
        if (r->count > GPI_MAX_COLUMNS) {
            outcome->status = ROSTER_CSV_TOO_MANY_COLUMNS;
            return;
        }
        for (size_t c = 0; c < r->count; c++)
            if (r->lens[c] > GPI_MAX_FIELD_BYTES) {
                outcome->status = ROSTER_CSV_FIELD_TOO_LONG;
                outcome->column = c;
                outcome->length = r->lens[c];
                return;
            }
        roster_record record = {r->row, r->cells, r->lens, r->count, r->kinds, r->formula};
        if (!fn(context, &record)) {
            outcome->status = ROSTER_CSV_STOPPED;
            return;
        }
    }
}

typedef struct header_scan {
    const gp_profile *profile;
    roster_decoder *dec;
    int seen, best_row, best_found;
} header_scan;

static bool scan_record(void *context, const roster_record *record)
{
    header_scan *h = context;
    bool named[GPI_FIELD_COUNT] = {false};
    int found = 0;
    for (size_t c = 0; c < record->count; c++) {
        char *text = NULL;
        size_t bad = 0;
        if (record->lens[c] > 256 ||
            roster_decode(h->dec, record->cells[c], record->lens[c], &text, &bad) !=
                ROSTER_DECODE_OK) {
            free(text);
            continue;
        }
        int f = roster_header_field(h->profile, gpi_trim(text));
        free(text);
        if (f >= 0 && !named[f]) {
            named[f] = true;
            found++;
        }
    }
    if (found > h->best_found) {
        h->best_found = found;
        h->best_row = record->row;
    }
    return found < GPI_FIELD_COUNT && ++h->seen <= ROSTER_MAX_TITLE_ROWS;
}

int roster_find_header(const roster_source *src, roster_decoder *dec,
                       const gp_profile *profile, int *found)
{
    header_scan h = {.profile = profile, .dec = dec};
    roster_csv_outcome outcome;
    roster_source_read(src, scan_record, &h, &outcome);
    if (found)
        *found = h.best_found;
    return h.best_found ? h.best_row : 0;
}

/* Words for a binary file a clerk may have picked by mistake. */
static const char *binary_kind(const unsigned char *d, size_t len)
{
    if (len >= 4 && !memcmp(d, "PK\x03\x04", 4))
        return "这是 Excel 工作簿（.xlsx）或压缩包，不是 CSV 文本";
    if (len >= 4 && !memcmp(d, "\xD0\xCF\x11\xE0", 4))
        return "这是旧版 Excel 工作簿（.xls），不是 CSV 文本";
    if (len >= 2 && (!memcmp(d, "\xFF\xFE", 2) || !memcmp(d, "\xFE\xFF", 2)))
        return "这是 UTF-16 编码的文本（Excel 的“Unicode 文本”），请改存为“CSV UTF-8”";
    if (memchr(d, 0, len))
        return "文件里有空字节（NUL），不是 CSV 文本";
    return NULL;
}

/* File-level checks before any CSV is read: empty or binary. */
static bool refuse_unreadable(parser *p, const char *text, size_t len, const char *data,
                              size_t data_len)
{
    const char *kind = binary_kind((const unsigned char *)data, data_len);
    if (kind) {
        refuse(p, GP_ROSTER_BINARY, 0, NULL, NULL, "CSV 文本", kind);
        return true;
    }
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i == len) {
        refuse(p, GP_ROSTER_EMPTY, 0, NULL, NULL, NULL,
               len ? "花名册里只有空白，没有表头和学生数据" : "花名册文件是空的（0 字节）");
        return true;
    }
    return false;
}

static void report_csv_outcome(parser *p, const roster_csv_outcome *o)
{
    char actual[64], expected[64], *message = NULL;
    const char *label = column_label(p, o->column);
    switch (o->status) {
    case ROSTER_CSV_OK:
    case ROSTER_CSV_STOPPED:
        return;
    case ROSTER_CSV_NOMEM:
        gpi_error_nomem(p->err);
        p->failed = true;
        return;
    case ROSTER_CSV_SYNTAX:
        message = o->unterminated
                      ? gpi_asprintf("第 %d 行有一个引号（\"）直到文件末尾都没有结束", o->row)
                      : gpi_asprintf("第 %d 行的引号（\"）位置不对：引号只能包住整个单元格，"
                                    "单元格里的引号要写成两个（\"\"）", o->row);
        refuse(p, GP_ROSTER_SYNTAX, o->row, NULL, o->unterminated ? "未结束的引号" : "多余的引号",
               NULL, message ? message : "CSV 格式有错");
        break;
    case ROSTER_CSV_FIELD_TOO_LONG:
        snprintf(actual, sizeof actual, "%zu 字节", o->length);
        snprintf(expected, sizeof expected, "≤ %d 字节", GPI_MAX_FIELD_BYTES);
        message = gpi_asprintf("第 %d 行第 %zu 列%s%s%s有 %zu 字节，超过上限 %d 字节", o->row,
                              o->column + 1, label ? "（" : "", label ? label : "",
                              label ? "）" : "", o->length, GPI_MAX_FIELD_BYTES);
        refuse(p, GP_ROSTER_FIELD_TOO_LONG, o->row, label, actual, expected,
               message ? message : "单元格内容过长");
        break;
    case ROSTER_CSV_TOO_MANY_COLUMNS:
        snprintf(actual, sizeof actual, "> %d 列", GPI_MAX_COLUMNS);
        snprintf(expected, sizeof expected, "≤ %d 列", GPI_MAX_COLUMNS);
        message = gpi_asprintf("第 %d 行的单元格超过 %d 个", o->row, GPI_MAX_COLUMNS);
        refuse(p, GP_ROSTER_TOO_MANY_COLUMNS, o->row, NULL, actual, expected,
               message ? message : "列数过多");
        break;
    }
    free(message);
}

static void drop_students(gpi_roster *roster)
{
    for (size_t i = 0; i < roster->count; i++)
        student_clear(&roster->students[i]);
    free(roster->students);
    roster->students = NULL;
    roster->count = 0;
}

static void report_after(parser *p)
{
    if (p->title_rows && p->header_row) {
        gpi_where w = {.row = p->header_row, .file = p->file};
        char rows[32];
        if (p->title_rows == 1)
            snprintf(rows, sizeof rows, "第 %d 行", p->title_first);
        else
            snprintf(rows, sizeof rows, "第 %d–%d 行", p->title_first, p->header_row - 1);
        gpi_report_add(p->report, GP_ROSTER_TITLE_ROWS, &w, p->title_text ? p->title_text : "",
                      "表头", "表头在第 %d 行；上面的%s（“%s”）不是学生数据，已跳过",
                      p->header_row, rows, p->title_text ? p->title_text : "");
    }
    if (p->refused)
        return;
    for (int f = 0; f < GPI_FIELD_COUNT; f++) {
        if (!p->number_count[f])
            continue;
        gpi_where w = {.row = p->number_row[f], .field = gpi_field_label((gpi_field)f),
                      .file = p->file};
        gpi_report_add(p->report, GP_ROSTER_CELL_NUMBER, &w, p->number_example[f], "文本格式",
                      "“%s”列有 %d 个单元格存成了数字（从第 %d 行起，如 %s），已按整数读取；"
                      "请在 Excel 中把“%s”列设置为“文本”格式并核对这些号码",
                      gpi_field_label((gpi_field)f), p->number_count[f], p->number_row[f],
                      p->number_example[f], gpi_field_label((gpi_field)f));
    }
    if (p->formula_count) {
        gpi_where w = {.row = p->formula_row, .file = p->file};
        gpi_report_add(p->report, GP_ROSTER_WORKBOOK_FORMULA, &w, NULL, "数值",
                      "有 %d 个单元格是公式（从第 %d 行第 %zu 列起），已使用其计算结果",
                      p->formula_count, p->formula_row, p->formula_column + 1);
    }
}

static void parse_source(parser *p, const roster_source *src)
{
    p->header_target = roster_find_header(src, p->dec, p->profile, NULL);
    roster_csv_outcome outcome;
    roster_source_read(src, on_record, p, &outcome);
    report_csv_outcome(p, &outcome);
    if (!p->refused && !p->failed && !p->header_row)
        refuse(p, GP_ROSTER_EMPTY, 0, NULL, NULL, NULL, "花名册里只有空行，没有表头和学生数据");
    else if (!p->refused && !p->failed && p->roster->count == 0)
        refuse(p, GP_ROSTER_EMPTY, p->header_row, NULL, "0", "≥ 1",
               "花名册只有表头，没有学生数据");
    if (!p->failed)
        report_after(p);
}

/* "Sheet2" or "2": the sheet to read; -1 when there is none such. */
static long sheet_by_choice(const workbook *wb, const char *choice)
{
    for (size_t i = 0; i < wb->sheet_count; i++)
        if (!strcmp(wb->sheets[i].name, choice))
            return (long)i;
    char *end = NULL;
    long n = strtol(choice, &end, 10);
    if (*choice && !*end && n >= 1 && (size_t)n <= wb->sheet_count)
        return n - 1;
    return -1;
}

/* The first sheet with every required column; else the first that has
 * any row at all; -1 when every sheet is empty. */
static long sheet_by_header(const workbook *wb, roster_decoder *dec, const gp_profile *profile)
{
    long first_used = -1;
    for (size_t i = 0; i < wb->sheet_count; i++) {
        if (!wb->sheets[i].count)
            continue;
        if (first_used < 0)
            first_used = (long)i;
        roster_source src = {.sheet = &wb->sheets[i]};
        int found = 0;
        roster_find_header(&src, dec, profile, &found);
        if (found == GPI_FIELD_COUNT)
            return (long)i;
    }
    return first_used;
}

long roster_pick_sheet(const workbook *wb, const char *choice, roster_decoder *dec,
                       const gp_profile *profile)
{
    return choice ? sheet_by_choice(wb, choice) : sheet_by_header(wb, dec, profile);
}

static void refuse_workbook(parser *p, const workbook_failure *f, workbook_kind kind)
{
    const char *what = kind == WORKBOOK_XLS ? ".xls 工作簿" : ".xlsx 工作簿";
    char *message = gpi_asprintf("%s无法使用：%s", what, f->detail);
    refuse(p, f->status == WB_LIMIT ? GP_ROSTER_WORKBOOK_LIMIT : GP_ROSTER_WORKBOOK_UNREADABLE, 0,
           NULL, f->detail, NULL, message ? message : f->detail);
    free(message);
}

static void parse_workbook(parser *p, workbook_kind kind, const char *data, size_t len,
                           const char *choice)
{
    workbook_failure f;
    workbook *wb = workbook_read(kind, data, len, &f);
    if (!wb) {
        if (f.status == WB_NOMEM) {
            gpi_error_nomem(p->err);
            p->failed = true;
        } else {
            refuse_workbook(p, &f, kind);
        }
        return;
    }
    long at = roster_pick_sheet(wb, choice, p->dec, p->profile);
    if (at < 0 && choice) {
        gpi_buf names = {0};
        for (size_t i = 0; i < wb->sheet_count; i++)
            gpi_buf_printf(&names, "%s%zu “%s”", i ? "、" : "", i + 1, wb->sheets[i].name);
        char *list = gpi_buf_take(&names);
        char *message = gpi_asprintf("工作簿里没有工作表“%s”（有：%s）", choice,
                                    list ? list : "");
        refuse(p, GP_ROSTER_WORKBOOK_SHEET, 0, NULL, choice, list,
               message ? message : "找不到工作表");
        free(message);
        free(list);
    } else if (at < 0) {
        refuse(p, GP_ROSTER_EMPTY, 0, NULL, NULL, NULL, "工作簿的每个工作表都是空的");
    } else {
        char *label = gpi_asprintf("%s 工作表“%s”", kind == WORKBOOK_XLS ? "XLS" : "XLSX",
                                  wb->sheets[at].name);
        if (label) {
            free(p->roster->encoding);
            p->roster->encoding = label;
        }
        roster_source src = {.sheet = &wb->sheets[at]};
        parse_source(p, &src);
    }
    workbook_free(wb);
}

static gpi_roster *parse(const char *data, size_t len, const char *file_label,
                        const char *encoding, bool workbooks, const char *sheet,
                        const gp_profile *profile, gp_report *report, gp_error *err)
{
    workbook_kind kind = workbooks ? workbook_detect(data, len) : WORKBOOK_NONE;
    roster_decoder dec;
    if (kind != WORKBOOK_NONE) {
        /* a workbook's text is UTF-8 from the reader: copied as is */
        memset(&dec, 0, sizeof dec);
        dec.name = kind == WORKBOOK_XLS ? "XLS" : "XLSX";
        dec.verified = true;
    } else if (!roster_decoder_open(&dec, encoding, data, len, err)) {
        return NULL;
    }
    gpi_roster *roster = calloc(1, sizeof *roster);
    if (!roster || !(roster->encoding = strdup(dec.name))) {
        free(roster);
        roster_decoder_close(&dec);
        gpi_error_nomem(err);
        return NULL;
    }
    parser p = {.profile = profile, .file = file_label, .report = report, .err = err,
                .dec = &dec, .encoding_forced = encoding != NULL, .roster = roster};
    if (kind != WORKBOOK_NONE) {
        parse_workbook(&p, kind, data, len, sheet);
    } else if (!refuse_unreadable(&p, data + dec.skip, len - dec.skip, data, len)) {
        roster_source src = {.csv = data + dec.skip, .csv_len = len - dec.skip};
        parse_source(&p, &src);
    }
    free(p.column_field);
    free(p.title_text);
    roster_decoder_close(&dec);
    if (p.failed) {
        gpi_roster_free(roster);
        return NULL;
    }
    roster->usable = !p.refused;
    if (!roster->usable)
        drop_students(roster);
    return roster;
}

gpi_roster *gpi_roster_parse(const char *data, size_t len, const char *file_label,
                           const char *encoding, const gp_profile *profile,
                           gp_report *report, gp_error *err)
{
    return parse(data, len, file_label, encoding, false, NULL, profile, report, err);
}

gpi_roster *roster_parse_any(const char *data, size_t len, const char *file_label,
                            const char *encoding, const char *sheet,
                            const gp_profile *profile, gp_report *report, gp_error *err)
{
    return parse(data, len, file_label, encoding, true, sheet, profile, report, err);
}

gpi_roster *roster_read_sheet(const char *path, const char *encoding, const char *sheet,
                             const gp_profile *profile, gp_report *report, gp_error *err)
{
    /* refuse a huge file before reading it into memory */
    gpi_os_stat st;
    if (gpi_os_stat_path(path, true, &st) == 0 && st.type == GPI_OS_REGULAR &&
        st.size > GPI_MAX_ROSTER_BYTES) {
        gpi_error_set(err, GP_ERR_OPEN, 0,
                     "花名册 '%s' 有 %llu 字节，超过上限 %u MB，不像是花名册（9999 行的花名册不到 5 MB）",
                     path, (unsigned long long)st.size, GPI_MAX_ROSTER_BYTES >> 20);
        return NULL;
    }
    unsigned char *data = NULL;
    size_t len = 0;
    /* opened without blocking: a FIFO given as the roster is refused */
    if (!gpi_read_input("花名册", path, GPI_MAX_ROSTER_BYTES, &data, &len, err))
        return NULL;
    gpi_roster *roster = roster_parse_any((const char *)data, len, gpi_path_base(path), encoding,
                                         sheet, profile, report, err);
    free(data);
    return roster;
}

gpi_roster *gpi_roster_read(const char *path, const char *encoding, const gp_profile *profile,
                          gp_report *report, gp_error *err)
{
    return roster_read_sheet(path, encoding, NULL, profile, report, err);
}

void gpi_roster_free(gpi_roster *roster)
{
    if (!roster)
        return;
    drop_students(roster);
    free(roster->encoding);
    free(roster);
}

const gpi_student *gpi_roster_find_seq(const gpi_roster *roster, const char *seq)
{
    if (!roster || !seq || !seq[0])
        return NULL;
    for (size_t i = 0; i < roster->count; i++)
        if (!strcmp(roster->students[i].seq, seq))
            return &roster->students[i];
    return NULL;
}
