/* The cover letter: the body of the email that carries the bundle.  The
 * agency asks that it state who sends what and how to reach them.  The
 * wording lives in templates/cover-letter.txt ({{key}} placeholders), not
 * in code.  CRLF and a BOM, so Windows Notepad shows it right. */
#include "pack_internal.h"
#include "core/base.h"
#include "core/os.h"

#include <stdlib.h>
#include <string.h>

static const char *lookup(const gpi_letter_value *values, size_t count, const char *key,
                          size_t key_len)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(values[i].key) == key_len && !memcmp(values[i].key, key, key_len))
            return values[i].value ? values[i].value : "";
    return NULL;
}

/* Append text with bare LF turned into CRLF. */
static void put_crlf(gpi_buf *buf, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        bool after_cr = buf->len > 0 && !buf->failed && buf->data[buf->len - 1] == '\r';
        if (text[i] == '\n' && !after_cr)
            gpi_buf_append(buf, "\r", 1);
        gpi_buf_append(buf, text + i, 1);
    }
}

char *gpi_letter_fill(const char *template_text, size_t template_len,
                     const gpi_letter_value *values, size_t value_count, size_t *len)
{
    static const char bom[] = "\xEF\xBB\xBF";
    if (template_len >= 3 && !memcmp(template_text, bom, 3)) {
        template_text += 3;
        template_len -= 3;
    }
    gpi_buf buf = {0};
    gpi_buf_puts(&buf, bom);
    const char *p = template_text, *end = template_text + template_len;
    while (p < end) {
        const char *open = gpi_os_memmem(p, (size_t)(end - p), "{{", 2);
        const char *close = open ? gpi_os_memmem(open + 2, (size_t)(end - open - 2), "}}", 2) : NULL;
        if (!open || !close) {
            put_crlf(&buf, p, (size_t)(end - p));
            break;
        }
        put_crlf(&buf, p, (size_t)(open - p));
        const char *value = lookup(values, value_count, open + 2, (size_t)(close - open - 2));
        if (value)
            put_crlf(&buf, value, strlen(value));
        else
            put_crlf(&buf, open, (size_t)(close + 2 - open));
        p = close + 2;
    }
    size_t n = buf.len;
    char *out = gpi_buf_take(&buf);
    if (out && len)
        *len = n;
    return out;
}
