/* roster.xlsx is what the agency opens, so it is read back (the roster's
 * own workbook reader, with its limits) and compared cell by cell with
 * roster.csv: the same rows, the same text, every cell a text cell.  pack
 * never writes a formula, so any formula is refused (a =HYPERLINK(...&F2)
 * leaks the row it sits on when someone clicks it).  A merged bundle's
 * second sheet is compared with its mapping.csv the same way. */
#include "verify_internal.h"
#include "core/base.h"
#include "core/findings.h"
#include "roster/reading.h"
#include "roster/workbook_reader.h"

#include <stdlib.h>
#include <string.h>

#define MAX_MISMATCHES_REPORTED 20

/* roster.csv's records, decoded. */
typedef struct csv_rows {
    roster_decoder *dec;
    int *row;
    char ***cells;
    size_t *count;
    size_t n, cap;
    bool failed;
} csv_rows;

static bool collect(void *context, const roster_record *record)
{
    csv_rows *rows = context;
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? rows->cap * 2 : 64;
        int *row = realloc(rows->row, cap * sizeof *row);
        if (row)
            rows->row = row;
        char ***cells = realloc(rows->cells, cap * sizeof *cells);
        if (cells)
            rows->cells = cells;
        size_t *count = realloc(rows->count, cap * sizeof *count);
        if (count)
            rows->count = count;
        if (!row || !cells || !count) {
            rows->failed = true;
            return false;
        }
        rows->cap = cap;
    }
    char **cells = calloc(record->count ? record->count : 1, sizeof *cells);
    if (!cells) {
        rows->failed = true;
        return false;
    }
    for (size_t c = 0; c < record->count; c++) {
        size_t bad = 0;
        if (roster_decode(rows->dec, record->cells[c], record->lens[c], &cells[c], &bad) !=
            ROSTER_DECODE_OK) {
            /* undecodable text is roster.csv's own finding: compare as empty */
            free(cells[c]);
            cells[c] = strdup("");
        }
        if (!cells[c]) {
            rows->failed = true;
            for (size_t k = 0; k < c; k++)
                free(cells[k]);
            free(cells);
            return false;
        }
    }
    rows->row[rows->n] = record->row;
    rows->cells[rows->n] = cells;
    rows->count[rows->n] = record->count;
    rows->n++;
    return true;
}

static void csv_rows_free(csv_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++) {
        for (size_t c = 0; c < rows->count[i]; c++)
            free(rows->cells[i][c]);
        free(rows->cells[i]);
    }
    free(rows->row);
    free(rows->cells);
    free(rows->count);
}

/* Cells up to the last non-empty one. */
static size_t used_cells(char *const *cells, size_t count)
{
    while (count && !cells[count - 1][0])
        count--;
    return count;
}

/* "A", "B", ... "AA": the column as Excel names it. */
static const char *column_name(size_t c, char out[8])
{
    char tmp[8];
    size_t n = 0;
    c++;
    while (c && n < sizeof tmp - 1) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
    return out;
}

typedef struct comparison {
    const char *source;
    gp_report *report;
    size_t mismatches;
} comparison;

static void mismatch(comparison *cmp, const char *sheet, const char *csv_name, int row,
                     size_t column, const char *seen, const char *expected, const char *why)
{
    if (++cmp->mismatches > MAX_MISMATCHES_REPORTED)
        return;
    gpi_where w = {.source = cmp->source, .row = row, .file = GPI_ENTRY_WORKBOOK};
    char name[8];
    gpi_report_add(cmp->report, GP_BUNDLE_WORKBOOK_MISMATCH, &w, seen, expected,
                  "roster.xlsx 工作表“%s”的 %s%d 与 %s 第 %d 行不同：%s", sheet,
                  column_name(column, name), row, csv_name, row, why);
}

/* One sheet against one CSV text, cell by cell. */
static bool compare_sheet(comparison *cmp, const workbook_sheet *sheet, const char *csv_name,
                          const char *csv, size_t csv_len, gp_error *err)
{
    roster_decoder dec;
    if (!roster_decoder_open(&dec, "UTF-8", csv, csv_len, err))
        return false;
    csv_rows rows = {.dec = &dec};
    roster_csv_outcome outcome;
    roster_csv_read(csv + dec.skip, csv_len - dec.skip, collect, &rows, &outcome);
    roster_decoder_close(&dec);
    if (rows.failed || outcome.status == ROSTER_CSV_NOMEM) {
        csv_rows_free(&rows);
        return gpi_error_nomem(err);
    }
    size_t i = 0, k = 0;
    while (i < sheet->count || k < rows.n) {
        const workbook_row *wr = i < sheet->count ? &sheet->rows[i] : NULL;
        int csv_row = k < rows.n ? rows.row[k] : 0;
        if (wr && (!csv_row || wr->row < csv_row)) {
            mismatch(cmp, sheet->name, csv_name, wr->row, 0, wr->count ? wr->cells[0] : "", "",
                     "工作簿有这一行，CSV 里没有");
            i++;
            continue;
        }
        if (!wr || csv_row < wr->row) {
            mismatch(cmp, sheet->name, csv_name, csv_row, 0, "",
                     rows.count[k] ? rows.cells[k][0] : "", "CSV 有这一行，工作簿里没有");
            k++;
            continue;
        }
        size_t wn = used_cells(wr->cells, wr->count);
        size_t cn = used_cells(rows.cells[k], rows.count[k]);
        size_t n = wn > cn ? wn : cn;
        for (size_t c = 0; c < n; c++) {
            const char *a = c < wn ? wr->cells[c] : "";
            const char *b = c < cn ? rows.cells[k][c] : "";
            if (strcmp(a, b) != 0)
                mismatch(cmp, sheet->name, csv_name, wr->row, c, a, b, "内容不同");
            else if (c < wn && wr->kinds[c] != WB_CELL_TEXT)
                mismatch(cmp, sheet->name, csv_name, wr->row, c, a, "文本单元格",
                         "单元格不是文本（数字或日期会被 Excel 改动）");
        }
        i++;
        k++;
    }
    csv_rows_free(&rows);
    return true;
}

bool verify_workbook(const char *source, const void *xlsx, size_t xlsx_len, const char *csv,
                     size_t csv_len, const char *mapping, size_t mapping_len, gp_report *report,
                     gp_error *err)
{
    gpi_where w = {.source = source, .file = GPI_ENTRY_WORKBOOK};
    if (workbook_detect(xlsx, xlsx_len) != WORKBOOK_XLSX) {
        gpi_report_add(report, GP_BUNDLE_WORKBOOK_UNREADABLE, &w, NULL, ".xlsx 工作簿",
                      "%s 里的 roster.xlsx 不是 .xlsx 工作簿", source);
        return true;
    }
    workbook_failure f;
    workbook *wb = workbook_read(WORKBOOK_XLSX, xlsx, xlsx_len, &f);
    if (!wb) {
        if (f.status == WB_NOMEM)
            return gpi_error_nomem(err);
        gpi_report_add(report, GP_BUNDLE_WORKBOOK_UNREADABLE, &w, f.detail, NULL,
                      "%s 里的 roster.xlsx 无法使用：%s", source, f.detail);
        return true;
    }
    size_t formulas = 0;
    for (size_t s = 0; s < wb->sheet_count; s++)
        for (size_t i = 0; i < wb->sheets[s].count; i++) {
            const workbook_row *r = &wb->sheets[s].rows[i];
            for (size_t c = 0; c < r->count; c++)
                if (r->formula[c] && ++formulas <= MAX_MISMATCHES_REPORTED) {
                    gpi_where fw = {.source = source, .row = r->row, .file = GPI_ENTRY_WORKBOOK};
                    char name[8];
                    gpi_report_add(report, GP_BUNDLE_WORKBOOK_FORMULA, &fw, r->cells[c],
                                  "文本单元格",
                                  "roster.xlsx 工作表“%s”的 %s%d 是公式（显示为“%s”）",
                                  wb->sheets[s].name, column_name(c, name), r->row, r->cells[c]);
                }
        }
    comparison cmp = {.source = source, .report = report};
    bool ok = true;
    if (csv && wb->sheet_count >= 1)
        ok = compare_sheet(&cmp, &wb->sheets[0], GPI_ENTRY_ROSTER, csv, csv_len, err);
    if (ok && mapping) {
        if (wb->sheet_count >= 2)
            ok = compare_sheet(&cmp, &wb->sheets[1], GPI_ENTRY_MAPPING, mapping, mapping_len, err);
        else
            gpi_report_add(report, GP_BUNDLE_WORKBOOK_MISMATCH, &w, NULL, "序号对照工作表",
                          "合并包的 roster.xlsx 缺少与 mapping.csv 对应的第二个工作表");
    }
    if (cmp.mismatches > MAX_MISMATCHES_REPORTED) {
        char count[32];
        snprintf(count, sizeof count, "%zu", cmp.mismatches);
        gpi_report_add(report, GP_BUNDLE_WORKBOOK_MISMATCH, &w, count, "0",
                      "roster.xlsx 与 CSV 共有 %zu 处不同（只列出了前 %d 处）", cmp.mismatches,
                      MAX_MISMATCHES_REPORTED);
    }
    workbook_free(wb);
    return ok;
}
