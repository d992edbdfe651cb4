/* Reading a roster: bytes -> encoding -> CSV records -> header -> students.
 * File-level problems (empty, binary, undecodable, broken CSV, over the
 * limits, bad header) become error findings and leave the roster unusable,
 * with no rows, so that rows are never judged on a misread file.  Field rules
 * are applied separately (rules.c). */
#include "roster_internal.h"
#include "core/files.h"
#include "core/os.h"

#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const gp_profile *profile;
    const char *file;
    gp_report *report;
    gp_error *err;
    roster_decoder *dec;
    bool encoding_forced;
    gp_roster *roster;
    size_t cap;
    int header_row;          /* 0 until the header is read */
    int *column_field;       /* per header column: gp_field or -1 */
    size_t header_count;
    bool refused;            /* a file-level error finding was added */
    bool failed;             /* out of memory: err is set */
} parser;

static void refuse(parser *p, gp_code code, int row, const char *field, const char *actual,
                   const char *expected, const char *message)
{
    gp_where w = {.row = row, .field = field, .file = p->file};
    gp_report_add(p->report, code, &w, actual, expected, "%s", message);
    p->refused = true;
}

static const char *column_label(const parser *p, size_t column)
{
    if (!p->header_row || column >= p->header_count || p->column_field[column] < 0)
        return NULL;
    return gp_field_label((gp_field)p->column_field[column]);
}

/* Decode and trim one raw cell; NULL when it cannot be decoded (reported)
 * or on OOM (err set). */
static char *decode_cell(parser *p, int row, size_t column, const char *raw, size_t len)
{
    char *text = NULL;
    size_t bad = 0;
    switch (roster_decode(p->dec, raw, len, &text, &bad)) {
    case ROSTER_DECODE_OK:
        return gp_trim(text);
    case ROSTER_DECODE_NOMEM:
        gp_error_nomem(p->err);
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
    char *message = gp_asprintf("第 %d 行第 %zu 列%s%s%s从第 %zu 个字节起（%s）不是有效的 %s 文字",
                                row, column + 1, label ? "（" : "", label ? label : "",
                                label ? "）" : "", bad + 1, bytes, expected);
    if (!message) {
        gp_error_nomem(p->err);
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
        gp_error_nomem(p->err);
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

static void student_clear(gp_student *s)
{
    for (int f = 0; f < GP_FIELD_COUNT; f++)
        free(s->value[f]);
}

/* Non-empty cells after the header's last column: roster.row.extra_cells. */
static bool check_extra_cells(parser *p, const roster_record *record)
{
    gp_buf extra = {0};
    for (size_t c = p->header_count; c < record->count; c++) {
        if (!record->lens[c])
            continue;
        char *text = decode_cell(p, record->row, c, record->cells[c], record->lens[c]);
        if (!text) {
            gp_buf_free(&extra);
            return false;
        }
        if (*text)
            gp_buf_printf(&extra, "%s%s", extra.len ? " | " : "", text);
        free(text);
    }
    if (extra.len) {
        char *actual = gp_buf_take(&extra);
        if (!actual) {
            gp_error_nomem(p->err);
            p->failed = true;
            return false;
        }
        gp_where w = {.row = record->row, .file = p->file};
        char expected[64];
        snprintf(expected, sizeof expected, "最多 %zu 列", p->header_count);
        gp_report_add(p->report, GP_ROSTER_ROW_EXTRA_CELLS, &w, actual, expected,
                      "第 %d 行有 %zu 个单元格，表头只有 %zu 列，多出的内容“%s”已忽略",
                      record->row, record->count, p->header_count, actual);
        free(actual);
    }
    gp_buf_free(&extra);
    return true;
}

static bool read_student(parser *p, const roster_record *record)
{
    gp_student s = {.row = record->row};
    bool ok = true, blank = true;
    for (size_t c = 0; ok && c < record->count && c < p->header_count; c++) {
        int f = p->column_field[c];
        if (f < 0)
            continue;
        s.value[f] = decode_cell(p, record->row, c, record->cells[c], record->lens[c]);
        ok = s.value[f] != NULL;
        if (ok && s.value[f][0])
            blank = false;
    }
    for (int f = 0; ok && f < GP_FIELD_COUNT; f++)
        if (!s.value[f] && !(s.value[f] = strdup(""))) {
            gp_error_nomem(p->err);
            p->failed = true;
            ok = false;
        }
    if (!ok || blank) {
        /* a row with content only in ignored columns holds no student */
        student_clear(&s);
        return ok;
    }
    if (p->roster->count == GP_MAX_ROWS) {
        student_clear(&s);
        char actual[32];
        snprintf(actual, sizeof actual, "> %d", GP_MAX_ROWS);
        char *message = gp_asprintf("第 %d 行已是第 %d 名学生，超过了一份花名册最多 %d 名的上限",
                                    record->row, GP_MAX_ROWS + 1, GP_MAX_ROWS);
        refuse(p, GP_ROSTER_TOO_MANY_ROWS, record->row, NULL, actual, "≤ 9999",
               message ? message : "花名册行数超过 9999");
        free(message);
        return false;
    }
    if (p->roster->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        gp_student *grown = realloc(p->roster->students, cap * sizeof *grown);
        if (!grown) {
            student_clear(&s);
            gp_error_nomem(p->err);
            p->failed = true;
            return false;
        }
        p->roster->students = grown;
        p->cap = cap;
    }
    p->roster->students[p->roster->count++] = s;
    return check_extra_cells(p, record);
}

static bool on_record(void *context, const roster_record *record)
{
    parser *p = context;
    return p->header_row ? read_student(p, record) : read_header(p, record);
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
        gp_error_nomem(p->err);
        p->failed = true;
        return;
    case ROSTER_CSV_SYNTAX:
        message = o->unterminated
                      ? gp_asprintf("第 %d 行有一个引号（\"）直到文件末尾都没有结束", o->row)
                      : gp_asprintf("第 %d 行的引号（\"）位置不对：引号只能包住整个单元格，"
                                    "单元格里的引号要写成两个（\"\"）", o->row);
        refuse(p, GP_ROSTER_SYNTAX, o->row, NULL, o->unterminated ? "未结束的引号" : "多余的引号",
               NULL, message ? message : "CSV 格式有错");
        break;
    case ROSTER_CSV_FIELD_TOO_LONG:
        snprintf(actual, sizeof actual, "%zu 字节", o->length);
        snprintf(expected, sizeof expected, "≤ %d 字节", GP_MAX_FIELD_BYTES);
        message = gp_asprintf("第 %d 行第 %zu 列%s%s%s有 %zu 字节，超过上限 %d 字节", o->row,
                              o->column + 1, label ? "（" : "", label ? label : "",
                              label ? "）" : "", o->length, GP_MAX_FIELD_BYTES);
        refuse(p, GP_ROSTER_FIELD_TOO_LONG, o->row, label, actual, expected,
               message ? message : "单元格内容过长");
        break;
    case ROSTER_CSV_TOO_MANY_COLUMNS:
        snprintf(actual, sizeof actual, "> %d 列", GP_MAX_COLUMNS);
        snprintf(expected, sizeof expected, "≤ %d 列", GP_MAX_COLUMNS);
        message = gp_asprintf("第 %d 行的单元格超过 %d 个", o->row, GP_MAX_COLUMNS);
        refuse(p, GP_ROSTER_TOO_MANY_COLUMNS, o->row, NULL, actual, expected,
               message ? message : "列数过多");
        break;
    }
    free(message);
}

static void drop_students(gp_roster *roster)
{
    for (size_t i = 0; i < roster->count; i++)
        student_clear(&roster->students[i]);
    free(roster->students);
    roster->students = NULL;
    roster->count = 0;
}

gp_roster *gp_roster_parse(const char *data, size_t len, const char *file_label,
                           const char *encoding, const gp_profile *profile,
                           gp_report *report, gp_error *err)
{
    roster_decoder dec;
    if (!roster_decoder_open(&dec, encoding, data, len, err))
        return NULL;
    gp_roster *roster = calloc(1, sizeof *roster);
    if (!roster || !(roster->encoding = strdup(dec.name))) {
        free(roster);
        roster_decoder_close(&dec);
        gp_error_nomem(err);
        return NULL;
    }
    parser p = {.profile = profile, .file = file_label, .report = report, .err = err,
                .dec = &dec, .encoding_forced = encoding != NULL, .roster = roster};
    if (!refuse_unreadable(&p, data + dec.skip, len - dec.skip, data, len)) {
        roster_csv_outcome outcome;
        roster_csv_read(data + dec.skip, len - dec.skip, on_record, &p, &outcome);
        report_csv_outcome(&p, &outcome);
        if (!p.refused && !p.failed && !p.header_row)
            refuse(&p, GP_ROSTER_EMPTY, 0, NULL, NULL, NULL,
                   "花名册里只有空行，没有表头和学生数据");
        else if (!p.refused && !p.failed && roster->count == 0)
            refuse(&p, GP_ROSTER_EMPTY, p.header_row, NULL, "0", "≥ 1",
                   "花名册只有表头，没有学生数据");
    }
    free(p.column_field);
    roster_decoder_close(&dec);
    if (p.failed) {
        gp_roster_free(roster);
        return NULL;
    }
    roster->usable = !p.refused;
    if (!roster->usable)
        drop_students(roster);
    return roster;
}

gp_roster *gp_roster_read(const char *path, const char *encoding, const gp_profile *profile,
                          gp_report *report, gp_error *err)
{
    /* refuse a huge file before reading it into memory */
    gp_os_stat st;
    if (gp_os_stat_path(path, true, &st) == 0 && st.type == GP_OS_REGULAR &&
        st.size > GP_MAX_ROSTER_BYTES) {
        gp_error_set(err, GP_ERR_OPEN, 0,
                     "花名册 '%s' 有 %llu 字节，超过上限 %u MB，不像是花名册（9999 行的花名册不到 5 MB）",
                     path, (unsigned long long)st.size, GP_MAX_ROSTER_BYTES >> 20);
        return NULL;
    }
    unsigned char *data = NULL;
    size_t len = 0;
    /* opened without blocking: a FIFO given as the roster is refused */
    if (!gp_read_input("花名册", path, GP_MAX_ROSTER_BYTES, &data, &len, err))
        return NULL;
    gp_roster *roster = gp_roster_parse((const char *)data, len, gp_path_base(path), encoding,
                                        profile, report, err);
    free(data);
    return roster;
}

void gp_roster_free(gp_roster *roster)
{
    if (!roster)
        return;
    drop_students(roster);
    free(roster->encoding);
    free(roster);
}

const gp_student *gp_roster_find_seq(const gp_roster *roster, const char *seq)
{
    if (!roster || !seq || !seq[0])
        return NULL;
    for (size_t i = 0; i < roster->count; i++)
        if (!strcmp(roster->students[i].seq, seq))
            return &roster->students[i];
    return NULL;
}
