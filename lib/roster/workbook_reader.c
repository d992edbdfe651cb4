/* What the two workbook readers share: detection by content, the in-memory
 * sheet (non-empty rows only, bounded), Excel date serials. */
#include "workbook_reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

workbook_kind workbook_detect(const void *data, size_t len)
{
    const unsigned char *d = data;
    if (len >= 8 && !memcmp(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return WORKBOOK_XLS;
    if (len < 4 || memcmp(d, "PK\x03\x04", 4) != 0)
        return WORKBOOK_NONE;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    workbook_kind kind = WORKBOOK_NONE;
    if (za) {
        /* a zip with the OPC content-types part; any other zip is refused
         * by the xlsx reader with words for it */
        kind = zip_name_locate(za, "[Content_Types].xml", 0) >= 0 ? WORKBOOK_XLSX
                                                                  : WORKBOOK_NONE;
        zip_discard(za);
    } else if (src) {
        zip_source_free(src);
    }
    zip_error_fini(&ze);
    /* a damaged zip is still not CSV text: let the xlsx reader say why */
    return kind == WORKBOOK_NONE ? WORKBOOK_XLSX : kind;
}

bool workbook_failed(workbook_failure *f, workbook_status status, const char *fmt, ...)
{
    if (f->status != WB_OK)
        return false; /* the first failure is the one reported */
    f->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
    return false;
}

static void row_clear(workbook_row *r)
{
    for (size_t c = 0; c < r->count; c++)
        free(r->cells[c]);
    free(r->cells);
    free(r->lens);
    free(r->kinds);
    free(r->formula);
}

/* The row numbered `row`, created in order when missing. */
static workbook_row *find_row(workbook_sheet *sheet, int row, workbook_failure *f)
{
    size_t lo = 0, hi = sheet->count;
    if (hi && sheet->rows[hi - 1].row == row)
        return &sheet->rows[hi - 1];
    if (hi && sheet->rows[hi - 1].row < row) {
        lo = hi;
    } else {
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (sheet->rows[mid].row == row)
                return &sheet->rows[mid];
            if (sheet->rows[mid].row < row)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    if (sheet->count >= WB_MAX_ROWS) {
        workbook_failed(f, WB_LIMIT, "工作表“%s”的非空行超过 %d 行", sheet->name ? sheet->name : "",
                        WB_MAX_ROWS);
        return NULL;
    }
    /* grow by one slot at a time in powers of two */
    if ((sheet->count & (sheet->count - 1)) == 0 || sheet->count < 16) {
        size_t cap = sheet->count < 16 ? 16 : sheet->count * 2;
        workbook_row *grown = realloc(sheet->rows, cap * sizeof *grown);
        if (!grown) {
            workbook_failed(f, WB_NOMEM, "内存不足");
            return NULL;
        }
        sheet->rows = grown;
    }
    memmove(&sheet->rows[lo + 1], &sheet->rows[lo], (sheet->count - lo) * sizeof *sheet->rows);
    sheet->rows[lo] = (workbook_row){.row = row};
    sheet->count++;
    return &sheet->rows[lo];
}

bool workbook_put(workbook_sheet *sheet, size_t *cells_total, int row, size_t column,
                  const char *text, size_t len, workbook_cell_kind kind, bool formula,
                  workbook_failure *f)
{
    if (len == 0 && !formula)
        return true; /* empty cells are not stored; a formula is, even with no cached value */
    if (len > WB_MAX_STRING_BYTES)
        return workbook_failed(f, WB_LIMIT, "工作表“%s”第 %d 行有一个单元格超过 %d 字节",
                               sheet->name ? sheet->name : "", row, WB_MAX_STRING_BYTES);
    if (column >= 256)
        return workbook_failed(f, WB_LIMIT, "工作表“%s”第 %d 行第 %zu 列有内容，超过 256 列",
                               sheet->name ? sheet->name : "", row, column + 1);
    if (row < 1 || row > 1048576)
        return workbook_failed(f, WB_DAMAGED, "单元格的行号 %d 不在 1–1048576 之间", row);
    if (++*cells_total > WB_MAX_CELLS)
        return workbook_failed(f, WB_LIMIT, "工作簿的非空单元格超过 %d 个", WB_MAX_CELLS);
    workbook_row *r = find_row(sheet, row, f);
    if (!r)
        return false;
    if (column >= r->count) {
        size_t n = column + 1;
        char **cells = realloc(r->cells, n * sizeof *cells);
        if (cells)
            r->cells = cells;
        size_t *lens = realloc(r->lens, n * sizeof *lens);
        if (lens)
            r->lens = lens;
        unsigned char *kinds = realloc(r->kinds, n);
        if (kinds)
            r->kinds = kinds;
        unsigned char *formulas = realloc(r->formula, n);
        if (formulas)
            r->formula = formulas;
        if (!cells || !lens || !kinds || !formulas)
            return workbook_failed(f, WB_NOMEM, "内存不足");
        for (size_t c = r->count; c < n; c++) {
            r->cells[c] = NULL;
            r->lens[c] = 0;
            r->kinds[c] = WB_CELL_TEXT;
            r->formula[c] = 0;
        }
        r->count = n;
    }
    char *copy = strndup(text, len);
    if (!copy)
        return workbook_failed(f, WB_NOMEM, "内存不足");
    free(r->cells[column]);
    r->cells[column] = copy;
    r->lens[column] = strlen(copy);
    r->kinds[column] = (unsigned char)kind;
    r->formula[column] = formula;
    return true;
}

/* Fill the gaps left by cells never written with "" so callers see a full row. */
static bool complete_rows(workbook *wb, workbook_failure *f)
{
    for (size_t s = 0; s < wb->sheet_count; s++)
        for (size_t i = 0; i < wb->sheets[s].count; i++) {
            workbook_row *r = &wb->sheets[s].rows[i];
            for (size_t c = 0; c < r->count; c++)
                if (!r->cells[c] && !(r->cells[c] = strdup("")))
                    return workbook_failed(f, WB_NOMEM, "内存不足");
        }
    return true;
}

workbook *workbook_read(workbook_kind kind, const void *data, size_t len, workbook_failure *f)
{
    memset(f, 0, sizeof *f);
    workbook *wb = kind == WORKBOOK_XLS ? xls_read(data, len, f) : xlsx_read(data, len, f);
    if (wb && !complete_rows(wb, f)) {
        workbook_free(wb);
        return NULL;
    }
    if (!wb && f->status == WB_OK)
        workbook_failed(f, WB_DAMAGED, "无法读取工作簿");
    return wb;
}

void workbook_free(workbook *wb)
{
    if (!wb)
        return;
    for (size_t s = 0; s < wb->sheet_count; s++) {
        workbook_sheet *sheet = &wb->sheets[s];
        for (size_t i = 0; i < sheet->count; i++)
            row_clear(&sheet->rows[i]);
        free(sheet->rows);
        free(sheet->name);
    }
    free(wb->sheets);
    free(wb);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static void civil_from_days(long z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

bool workbook_serial_date(double serial, bool date1904, char out[32])
{
    if (!isfinite(serial) || serial < 0 || serial >= 2958466)
        return false;
    long days = (long)floor(serial);
    /* 1900 system: serial 25569 is 1970-01-01, and Excel counts a
     * 1900-02-29 that never was (serial 60) */
    long unix_days;
    if (date1904)
        unix_days = days - 24107;
    else if (days >= 61)
        unix_days = days - 25569;
    else if (days == 60)
        return snprintf(out, 32, "1900/2/29") > 0;
    else
        unix_days = days - 25568;
    int y;
    unsigned m, d;
    civil_from_days(unix_days, &y, &m, &d);
    snprintf(out, 32, "%d/%u/%u", y, m, d);
    return true;
}
