/* roster.csv inside the bundle: the nine columns in the agency's order, as
 * Excel on Windows opens it without an import dialog (UTF-8 with BOM, CRLF).
 * Fields are quoted by libcsv, and only when RFC 4180 needs it. */
#include "core/base.h"
#include "core/fields.h"
#include "bundle/bundle.h"
#include "roster/roster.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

static bool needs_quotes(const char *value)
{
    size_t n = strlen(value);
    return strpbrk(value, ",\"\r\n") != NULL ||
           (n > 0 && (value[0] == ' ' || value[n - 1] == ' '));
}

/* A leading = + - @ (or tab/CR) makes a spreadsheet run the cell as a
 * formula.  The roster rules refuse such values (roster.field.formula);
 * other fields written here (merge's bundle names in mapping.csv) are
 * neutralised with a leading apostrophe, the form spreadsheets show as text. */
static bool formula_start(const char *value)
{
    return value[0] && strchr("=+-@\t\r", value[0]) != NULL;
}

void gpi_csv_field(gpi_buf *buf, const char *value)
{
    if (formula_start(value)) {
        char *quoted = gpi_asprintf("'%s", value);
        if (!quoted) {
            buf->failed = true;
            return;
        }
        gpi_csv_field(buf, quoted);
        free(quoted);
        return;
    }
    size_t n = strlen(value);
    if (!needs_quotes(value)) {
        gpi_buf_append(buf, value, n);
        return;
    }
    size_t need = csv_write(NULL, 0, value, n);
    char *quoted = malloc(need);
    if (!quoted) {
        buf->failed = true;
        return;
    }
    csv_write(quoted, need, value, n);
    gpi_buf_append(buf, quoted, need);
    free(quoted);
}

char *gpi_roster_csv(const gpi_student *const *rows, size_t count, size_t *len)
{
    gpi_buf buf = {0};
    gpi_buf_puts(&buf, "\xEF\xBB\xBF");
    for (int f = 0; f < GPI_FIELD_COUNT; f++) {
        if (f)
            gpi_buf_puts(&buf, ",");
        gpi_csv_field(&buf, gpi_field_label((gpi_field)f));
    }
    gpi_buf_puts(&buf, "\r\n");
    for (size_t r = 0; r < count; r++) {
        for (int f = 0; f < GPI_FIELD_COUNT; f++) {
            if (f)
                gpi_buf_puts(&buf, ",");
            const char *v = f == GPI_FIELD_SEQ ? rows[r]->seq : rows[r]->value[f];
            gpi_csv_field(&buf, v ? v : "");
        }
        gpi_buf_puts(&buf, "\r\n");
    }
    size_t n = buf.len;
    char *text = gpi_buf_take(&buf);
    if (text && len)
        *len = n;
    return text;
}
