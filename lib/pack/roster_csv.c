/* roster.csv inside the bundle: the nine columns in the agency's order, as
 * Excel on Windows opens it without an import dialog (UTF-8 with BOM, CRLF).
 * Fields are quoted by libcsv, and only when RFC 4180 needs it. */
#include "gp_internal.h"

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

void gp_csv_field(gp_buf *buf, const char *value)
{
    if (formula_start(value)) {
        char *quoted = gp_asprintf("'%s", value);
        if (!quoted) {
            buf->failed = true;
            return;
        }
        gp_csv_field(buf, quoted);
        free(quoted);
        return;
    }
    size_t n = strlen(value);
    if (!needs_quotes(value)) {
        gp_buf_append(buf, value, n);
        return;
    }
    size_t need = csv_write(NULL, 0, value, n);
    char *quoted = malloc(need);
    if (!quoted) {
        buf->failed = true;
        return;
    }
    csv_write(quoted, need, value, n);
    gp_buf_append(buf, quoted, need);
    free(quoted);
}

char *gp_roster_csv(const gp_student *const *rows, size_t count, size_t *len)
{
    gp_buf buf = {0};
    gp_buf_puts(&buf, "\xEF\xBB\xBF");
    for (int f = 0; f < GP_FIELD_COUNT; f++) {
        if (f)
            gp_buf_puts(&buf, ",");
        gp_csv_field(&buf, gp_field_label((gp_field)f));
    }
    gp_buf_puts(&buf, "\r\n");
    for (size_t r = 0; r < count; r++) {
        for (int f = 0; f < GP_FIELD_COUNT; f++) {
            if (f)
                gp_buf_puts(&buf, ",");
            const char *v = f == GP_FIELD_SEQ ? rows[r]->seq : rows[r]->value[f];
            gp_csv_field(&buf, v ? v : "");
        }
        gp_buf_puts(&buf, "\r\n");
    }
    size_t n = buf.len;
    char *text = gp_buf_take(&buf);
    if (text && len)
        *len = n;
    return text;
}
