/*
 * reading.h — the layers of roster reading: encoding detection and
 * decoding, CSV records with spreadsheet row numbers, header mapping.  Used
 * by lib/roster, by lib/verify (master.c reads the registry export with
 * exactly the roster's encodings and CSV rules, verify_workbook.c compares
 * roster.xlsx with roster.csv: one reader, not two) and by lib/check (a
 * workbook's sheet choice).
 *
 * The CSV is parsed on the raw bytes and each cell is decoded afterwards:
 * the bytes that shape a CSV (comma, quote, CR, LF) are below 0x40 and can
 * never be part of a multi-byte UTF-8 or GB18030 character, so splitting
 * first is safe, and an undecodable byte is then reported with its
 * spreadsheet row and column instead of a bare byte offset.
 */
#ifndef GPI_ROSTER_READING_H
#define GPI_ROSTER_READING_H

#include "roster/roster.h"

/* ---- encoding.c --------------------------------------------------------- */

typedef struct roster_decoder {
    const char *name;  /* "UTF-8", "UTF-8-BOM" or "GB18030" (static) */
    size_t skip;       /* bytes of byte-order mark before the CSV text */
    bool verified;     /* the whole text is known valid UTF-8: cells are copied */
    struct gpi_os_text *conv; /* converter to UTF-8 when !verified (core/os_text.h) */
} roster_decoder;

typedef enum roster_decode_status {
    ROSTER_DECODE_OK,
    ROSTER_DECODE_INVALID, /* *bad_offset: first byte that cannot be decoded */
    ROSTER_DECODE_NOMEM
} roster_decode_status;

/** Choose the encoding of data: `forced` (UTF-8, GBK, GB18030, GB2312, any
 *  case; NULL = detect).  false with err set: GP_ERR_USAGE for an unknown
 *  name, GP_ERR_NOMEM.  On success close with roster_decoder_close. */
bool roster_decoder_open(roster_decoder *dec, const char *forced, const char *data,
                         size_t len, gp_error *err);
/** Decode one cell into a malloc'd NUL-terminated UTF-8 string (*out). */
roster_decode_status roster_decode(roster_decoder *dec, const char *in, size_t len,
                                   char **out, size_t *bad_offset);
void roster_decoder_close(roster_decoder *dec);

/* ---- csv_reader.c ------------------------------------------------------- */

/* One non-blank record (spreadsheet row) of raw cells, as libcsv gives them
 * (NUL-terminated; unquoted cells without surrounding spaces). */
typedef struct roster_record {
    int row;                 /* spreadsheet row, counting blank rows */
    char **cells;
    size_t *lens;
    size_t count;
    const unsigned char *kinds;   /* workbook: workbook_cell_kind per cell; NULL for CSV */
    const unsigned char *formula; /* workbook: 1 where a formula's cached value */
} roster_record;

/* Return false to stop reading. */
typedef bool (*roster_record_fn)(void *context, const roster_record *record);

typedef enum roster_csv_status {
    ROSTER_CSV_OK,
    ROSTER_CSV_STOPPED,          /* the callback asked to stop */
    ROSTER_CSV_SYNTAX,           /* stray or unterminated quote */
    ROSTER_CSV_FIELD_TOO_LONG,   /* a cell over GPI_MAX_FIELD_BYTES */
    ROSTER_CSV_TOO_MANY_COLUMNS, /* a row over GPI_MAX_COLUMNS cells */
    ROSTER_CSV_NOMEM
} roster_csv_status;

typedef struct roster_csv_outcome {
    roster_csv_status status;
    int row;          /* where it stopped (spreadsheet row) */
    size_t column;    /* 0-based, for FIELD_TOO_LONG */
    size_t length;    /* the long cell's length, for FIELD_TOO_LONG */
    bool unterminated; /* SYNTAX: a quote never closed (else a stray quote) */
    int blank_rows;   /* blank rows skipped */
} roster_csv_outcome;

/** Read CSV text, calling fn for every non-blank record in order. */
void roster_csv_read(const char *data, size_t len, roster_record_fn fn, void *context,
                     roster_csv_outcome *outcome);

/* ---- header.c ----------------------------------------------------------- */

/** The field a header cell names (after trim and ASCII case-fold), or -1. */
int roster_header_field(const gp_profile *profile, const char *cell);

/** Map the header's decoded cells to fields: column_field[i] is a gpi_field or
 *  -1.  Adds roster.header.* findings (at `row`).  Returns true when every
 *  required field has exactly one column. */
bool roster_header_map(const gp_profile *profile, char *const *cells, size_t count,
                       int row, int *column_field, const char *file_label,
                       gp_report *report);

/* ---- roster.c: records from a CSV text or a workbook sheet ---------------- */

struct workbook_sheet;

/* Where records come from: CSV text (after any BOM) or one workbook sheet. */
typedef struct roster_source {
    const char *csv;
    size_t csv_len;
    const struct workbook_sheet *sheet; /* non-NULL: read this instead */
} roster_source;

/* Rows above the header that are searched for it (title rows). */
#define ROSTER_MAX_TITLE_ROWS 10

/** Call fn for every non-blank record of src, with spreadsheet row numbers;
 *  a workbook sheet is held to the CSV limits (cell bytes, columns). */
void roster_source_read(const roster_source *src, roster_record_fn fn, void *context,
                        roster_csv_outcome *outcome);
/** The spreadsheet row of the header: the first of the first
 *  ROSTER_MAX_TITLE_ROWS + 1 non-blank rows that names every field, else the
 *  one naming most, else 0 (the first row).  *found: fields it names. */
int roster_find_header(const roster_source *src, roster_decoder *dec,
                       const gp_profile *profile, int *found);

/** gpi_roster_parse that also accepts workbooks (.xlsx/.xls, detected by
 *  content), reading `sheet` (name or 1-based number; NULL = the first sheet
 *  with the required header). */
gpi_roster *roster_parse_any(const char *data, size_t len, const char *file_label,
                            const char *encoding, const char *sheet,
                            const gp_profile *profile, gp_report *report, gp_error *err);

struct workbook;
/** The sheet to read: `choice` (name, else 1-based number) or, when NULL,
 *  the first sheet whose header names every field, else the first non-empty
 *  one.  -1 when there is no such sheet. */
long roster_pick_sheet(const struct workbook *wb, const char *choice, roster_decoder *dec,
                       const gp_profile *profile);

/** gpi_roster_read with a sheet choice for workbooks (see roster_parse_any). */
gpi_roster *roster_read_sheet(const char *path, const char *encoding, const char *sheet,
                             const gp_profile *profile, gp_report *report, gp_error *err);

#endif /* GPI_ROSTER_READING_H */
