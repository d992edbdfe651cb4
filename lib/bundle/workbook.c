/* The roster workbook (libxlsxwriter).  Every cell is text with the "@"
 * number format: Excel keeps only 15 significant digits of a number, so an
 * 18-digit ID number, or 0001, must never be stored as one.  Widths are
 * computed from the content (the C library has no autofit), counting CJK
 * characters double.  `created` is fixed so the bytes are reproducible. */
#include "core/atomic.h"
#include "core/base.h"
#include "core/fields.h"
#include "bundle/bundle.h"
#include "roster/roster.h"
#include "core/escape.h"
#include "bundle/workbook_print.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAX_COLUMN_WIDTH 60.0

/* Display width in Excel character units: East Asian wide characters take
 * two, everything else one. */
static double text_width(const char *s)
{
    double width = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        size_t n;
        if (*p < 0x80)
            cp = *p, n = 1;
        else if (*p >= 0xf0 && p[1] && p[2] && p[3])
            cp = (unsigned)(*p & 7) << 18 | (unsigned)(p[1] & 63) << 12 |
                 (unsigned)(p[2] & 63) << 6 | (p[3] & 63), n = 4;
        else if (*p >= 0xe0 && p[1] && p[2])
            cp = (unsigned)(*p & 15) << 12 | (unsigned)(p[1] & 63) << 6 | (p[2] & 63), n = 3;
        else if (*p >= 0xc0 && p[1])
            cp = (unsigned)(*p & 31) << 6 | (p[1] & 63), n = 2;
        else
            cp = *p, n = 1;
        bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
        width += wide ? 2 : 1;
        p += n;
    }
    return width;
}

static double fit(double width)
{
    width += 2; /* room for the autofilter button and a margin */
    return width > MAX_COLUMN_WIDTH ? MAX_COLUMN_WIDTH : width;
}

static bool check(lxw_error rc, const char *path, gp_error *err)
{
    if (rc == LXW_NO_ERROR)
        return true;
    return gpi_error_set(err, GP_ERR_WRITE, 0, "无法写出工作簿 '%s'（libxlsxwriter：%s）", path, lxw_strerror(rc));
}

/* A text cell that can never make the workbook unreadable: the roster
 * rules refuse control characters and non-characters (roster.field.control)
 * before anything is written, but other cells (merge's bundle file names)
 * come from elsewhere, so whatever XML cannot carry is written escaped
 * (\x1B, \uFFFE) instead. */
static bool write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *value,
                       lxw_format *format, const char *path, gp_error *err)
{
    if (!gpi_needs_escape(value, strlen(value)))
        return check(worksheet_write_string(ws, row, col, value, format), path, err);
    gpi_buf safe = {0};
    gpi_escape_terminal(&safe, value, strlen(value));
    char *text = gpi_buf_take(&safe);
    if (!text)
        return gpi_error_nomem(err);
    bool ok = check(worksheet_write_string(ws, row, col, text, format), path, err);
    free(text);
    return ok;
}

/* Print setup for a roster sheet: A4 landscape, every column on one page
 * wide, the header row repeated on each page (gpi_workbook_print_setup). */
void gpi_workbook_print_setup(lxw_worksheet *ws)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
}

/* One sheet of text: bold frozen header, autofilter, fitted widths. */
static bool write_sheet(lxw_worksheet *ws, const char *path, const char *const *headers,
                        size_t columns, const char *(*cell)(const void *, size_t, size_t),
                        const void *context, size_t rows, lxw_format *text,
                        lxw_format *header, gp_error *err)
{
    for (size_t c = 0; c < columns; c++) {
        double width = text_width(headers[c]);
        for (size_t r = 0; r < rows; r++) {
            double w = text_width(cell(context, r, c));
            if (w > width)
                width = w;
        }
        if (!check(worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, fit(width), text), path,
                   err))
            return false;
        if (!check(worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], header), path, err))
            return false;
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < columns; c++)
            if (!write_text(ws, (lxw_row_t)(r + 1), (lxw_col_t)c, cell(context, r, c), text,
                            path, err))
                return false;
    if (columns == 0)
        return true;
    worksheet_freeze_panes(ws, 1, 0);
    gpi_workbook_print_setup(ws);
    if (!check(worksheet_autofilter(ws, 0, 0, (lxw_row_t)rows, (lxw_col_t)(columns - 1)), path,
               err))
        return false;
    char range[LXW_MAX_CELL_RANGE_LENGTH];
    lxw_rowcol_to_range(range, 0, 0, (lxw_row_t)rows, (lxw_col_t)(columns - 1));
    return check(worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range), path, err);
}

static const char *roster_cell(const void *context, size_t r, size_t c)
{
    const gpi_student *const *rows = context;
    const char *v = c == GPI_FIELD_SEQ ? rows[r]->seq : rows[r]->value[c];
    return v ? v : "";
}

static const char *extra_cell(const void *context, size_t r, size_t c)
{
    const gpi_sheet *sheet = context;
    const char *v = sheet->cells[r * sheet->columns + c];
    return v ? v : "";
}

bool gpi_workbook_write(const gpi_atomic *out, const gpi_student *const *rows, size_t count,
                        const gpi_workbook_info *info, const gpi_sheet *extra, gp_error *err)
{
    const char *path = gpi_atomic_temp_path(out); /* in messages */
    lxw_workbook *wb = workbook_new(gpi_atomic_library_path(out));
    if (!wb)
        return gpi_error_set(err, GP_ERR_WRITE, 0, "无法创建工作簿 '%s'", path);
    lxw_format *text = workbook_add_format(wb);
    lxw_format *header = workbook_add_format(wb);
    format_set_num_format(text, "@");
    format_set_num_format(header, "@");
    format_set_bold(header);

    const char *station = info && info->station ? info->station : "";
    lxw_doc_properties props = {
        .title = (char *)(info && info->title ? info->title : ""),
        .subject = "毕业生图像信息采集花名册",
        .author = (char *)station,
        .manager = (char *)station,
        .company = (char *)(info && info->school ? info->school : ""),
        .created = (time_t)gpi_reproducible_time(),
    };
    bool ok = check(workbook_set_properties(wb, &props), path, err);

    const char *labels[GPI_FIELD_COUNT];
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        labels[f] = gpi_field_label((gpi_field)f);
    lxw_worksheet *ws = ok ? workbook_add_worksheet(wb, "花名册") : NULL;
    ok = ok && ws && write_sheet(ws, path, labels, GPI_FIELD_COUNT, roster_cell, rows, count,
                                 text, header, err);
    if (ok && extra) {
        lxw_worksheet *ws2 = workbook_add_worksheet(wb, extra->name);
        ok = ws2 && write_sheet(ws2, path, extra->headers, extra->columns, extra_cell, extra,
                                extra->rows, text, header, err);
    }
    if (!ok)
        gpi_error_set(err, GP_ERR_WRITE, 0, "无法写出工作簿 '%s'", path);
    /* workbook_close frees the workbook whether or not writing succeeds */
    lxw_error rc = workbook_close(wb);
    return check(rc, path, err) && ok;
}
