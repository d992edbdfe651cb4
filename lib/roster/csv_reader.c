/* CSV records with their spreadsheet row numbers (libcsv).
 *
 * libcsv knows no line numbers, and a quoted cell may hold newlines, so the
 * row a spreadsheet shows is counted here: one per record end.  With
 * CSV_REPALL_NL libcsv reports every unquoted CR and LF, blank lines
 * included; the LF of a CRLF pair arrives as an empty record right after the
 * CR and is not a row.  Blank records (every cell empty) count as rows, as
 * in a spreadsheet, but are not delivered.
 *
 * Strict mode turns a stray quote into a parse error at once; an
 * unterminated quote is caught only by csv_fini with CSV_STRICT_FINI. */
#include "roster/reading.h"
#include "roster/roster.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES 65536

typedef struct reader {
    roster_record_fn fn;
    void *context;
    roster_csv_outcome *outcome;
    bool stop;
    int rows_ended;      /* records ended so far, blank ones included */
    int last_terminator; /* of the record that ended last */
    char **cells;
    size_t *lens;
    size_t count;
} reader;

static void clear_cells(reader *r)
{
    for (size_t i = 0; i < r->count; i++)
        free(r->cells[i]);
    r->count = 0;
}

static void halt(reader *r, roster_csv_status status)
{
    r->stop = true;
    r->outcome->status = status;
    r->outcome->row = r->rows_ended + 1;
}

static void on_field(void *field, size_t len, void *data)
{
    reader *r = data;
    if (r->stop)
        return;
    if (r->count == GPI_MAX_COLUMNS) {
        halt(r, ROSTER_CSV_TOO_MANY_COLUMNS);
        return;
    }
    if (len > GPI_MAX_FIELD_BYTES) {
        halt(r, ROSTER_CSV_FIELD_TOO_LONG);
        r->outcome->column = r->count;
        r->outcome->length = len;
        return;
    }
    char *copy = field ? strndup(field, len) : strdup("");
    if (!copy) {
        halt(r, ROSTER_CSV_NOMEM);
        return;
    }
    r->cells[r->count] = copy;
    r->lens[r->count] = field ? len : 0;
    r->count++;
}

static void on_record_end(int terminator, void *data)
{
    reader *r = data;
    if (r->stop)
        return;
    if (terminator == '\n' && r->last_terminator == '\r' && r->count == 0) {
        r->last_terminator = terminator; /* the LF of a CRLF */
        return;
    }
    r->last_terminator = terminator;
    r->rows_ended++;
    bool blank = true;
    for (size_t i = 0; i < r->count && blank; i++)
        blank = r->lens[i] == 0;
    if (blank) {
        r->outcome->blank_rows++;
    } else {
        roster_record record = {r->rows_ended, r->cells, r->lens, r->count, NULL, NULL};
        if (!r->fn(r->context, &record)) {
            halt(r, ROSTER_CSV_STOPPED);
            r->outcome->row = r->rows_ended;
        }
    }
    clear_cells(r);
}

static void parse_failed(reader *r, struct csv_parser *parser, bool at_end)
{
    if (r->stop)
        return;
    if (csv_error(parser) == CSV_EPARSE) {
        halt(r, ROSTER_CSV_SYNTAX);
        r->outcome->unterminated = at_end;
    } else {
        halt(r, ROSTER_CSV_NOMEM);
    }
}

void roster_csv_read(const char *data, size_t len, roster_record_fn fn, void *context,
                     roster_csv_outcome *outcome)
{
    memset(outcome, 0, sizeof *outcome);
    reader r = {.fn = fn, .context = context, .outcome = outcome};
    r.cells = malloc(GPI_MAX_COLUMNS * sizeof *r.cells);
    r.lens = malloc(GPI_MAX_COLUMNS * sizeof *r.lens);
    struct csv_parser parser;
    if (!r.cells || !r.lens ||
        csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL)) {
        free(r.cells);
        free(r.lens);
        outcome->status = ROSTER_CSV_NOMEM;
        return;
    }
    for (size_t done = 0; done < len && !r.stop;) {
        size_t n = len - done < CHUNK_BYTES ? len - done : CHUNK_BYTES;
        if (csv_parse(&parser, data + done, n, on_field, on_record_end, &r) != n)
            parse_failed(&r, &parser, false);
        done += n;
    }
    if (!r.stop && csv_fini(&parser, on_field, on_record_end, &r) != 0)
        parse_failed(&r, &parser, true);
    csv_free(&parser);
    clear_cells(&r);
    free(r.cells);
    free(r.lens);
}
