/*
 * workbook_reader.h — Excel workbooks as roster records.  xlsx_reader.c
 * (Office Open XML: libzip + libxml2's xmlTextReader) and xls_reader.c
 * (BIFF, Debian's libfreexl) turn every sheet of an untrusted workbook into
 * rows of UTF-8 cells with their stored type, which roster.c feeds through
 * the same record path as a CSV.  Both readers are bounded (docs/limits.md):
 * a limit reached is a refusal with the limit named, never a partial read.
 */
#ifndef GPI_WORKBOOK_READER_H
#define GPI_WORKBOOK_READER_H

#include <stdbool.h>
#include <stddef.h>

/* Limits on untrusted workbooks (docs/limits.md). */
#define WB_MAX_SHEETS 256
#define WB_MAX_PARTS 10000                 /* zip entries in an .xlsx */
#define WB_MAX_PART_BYTES (64u << 20)      /* one XML part, inflated */
#define WB_MAX_TOTAL_BYTES (160u << 20)    /* all parts read, inflated */
#define WB_MAX_RATIO 1000                  /* inflated/compressed, parts over 1 MiB */
#define WB_MAX_ROWS 20000                  /* non-empty rows per sheet */
#define WB_MAX_CELLS 1000000               /* non-empty cells per workbook */
#define WB_MAX_SHARED_STRINGS 200000
#define WB_MAX_STRING_BYTES 32768          /* one string (Excel's own limit is 32767 chars) */
#define WB_MAX_XML_DEPTH 64
#define WB_MAX_MERGED_CELLS 200000         /* cells covered by merged ranges */

typedef enum workbook_kind {
    WORKBOOK_NONE, /* not a workbook: read as CSV text */
    WORKBOOK_XLSX, /* zip with [Content_Types].xml */
    WORKBOOK_XLS   /* OLE2 compound file */
} workbook_kind;

/* What a cell holds, as stored (not as displayed). */
typedef enum workbook_cell_kind {
    WB_CELL_TEXT = 0, /* shared, inline or formula string */
    WB_CELL_NUMBER,   /* text is the stored number ("2019430101", "3.7E+17") */
    WB_CELL_DATE,     /* a number formatted as a date: text is "YYYY/M/D" */
    WB_CELL_BOOL,     /* "TRUE" / "FALSE" */
    WB_CELL_ERROR     /* "#N/A" ... */
} workbook_cell_kind;

typedef struct workbook_row {
    int row;               /* spreadsheet row number, 1-based */
    size_t count;          /* cells up to the last non-empty one */
    char **cells;          /* UTF-8, NUL-terminated; "" when empty */
    size_t *lens;
    unsigned char *kinds;  /* workbook_cell_kind per cell */
    unsigned char *formula;/* 1 where the cell holds a formula (text = cached value) */
} workbook_row;

typedef struct workbook_sheet {
    char *name;
    workbook_row *rows;    /* non-empty rows in order */
    size_t count;
} workbook_sheet;

typedef struct workbook {
    workbook_kind kind;
    workbook_sheet *sheets;
    size_t sheet_count;
} workbook;

typedef enum workbook_status {
    WB_OK,
    WB_NOMEM,
    WB_DAMAGED, /* not readable as a workbook: detail says what is wrong */
    WB_LIMIT    /* over a limit: detail names it */
} workbook_status;

typedef struct workbook_failure {
    workbook_status status;
    char detail[256];      /* Chinese, for a finding */
} workbook_failure;

/** What the bytes are, by content: zip magic and a [Content_Types].xml
 *  entry, or the OLE2 magic.  Never by file name. */
workbook_kind workbook_detect(const void *data, size_t len);

/** Read every sheet.  NULL with f set (status != WB_OK) on failure. */
workbook *xlsx_read(const void *data, size_t len, workbook_failure *f);
workbook *xls_read(const void *data, size_t len, workbook_failure *f);
/** The isolated task xls_read runs in its child ("xls"): the workbook's
 *  bytes in, its cells out (isolated_tasks.c lists it). */
struct gpi_os_isolated_task;
extern const struct gpi_os_isolated_task xls_task;
/** Either, by kind. */
workbook *workbook_read(workbook_kind kind, const void *data, size_t len, workbook_failure *f);
void workbook_free(workbook *wb);

/* Shared by the readers (workbook.c). */
bool workbook_failed(workbook_failure *f, workbook_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Append a cell to sheet at (row, column 0-based); rows arrive in
 *  increasing order per sheet.  false with f set (limit or NOMEM). */
bool workbook_put(workbook_sheet *sheet, size_t *cells_total, int row, size_t column,
                  const char *text, size_t len, workbook_cell_kind kind, bool formula,
                  workbook_failure *f);
/** "YYYY/M/D" for an Excel date serial (1900 or 1904 system); false when
 *  out of range. */
bool workbook_serial_date(double serial, bool date1904, char out[32]);

#endif /* GPI_WORKBOOK_READER_H */
