/* The renumbering map: for every student of a consolidated bundle, its new
 * number, the bundle it came from, its number there, 学号 and 身份证号.  It
 * goes into the bundle as mapping.csv and into the workbook as a second
 * sheet, so anyone can trace a photo back to the station that sent it. */
#include "merge_internal.h"
#include "core/base.h"
#include "core/fields.h"
#include "bundle/bundle.h"

#include <stdlib.h>

static const char *const headers[MERGE_MAPPING_COLUMNS] = {
    "新拍摄序号", "来源压缩包", "原拍摄序号", "学号", "身份证号",
};

const char *const *merge_mapping_headers(void)
{
    return headers;
}

void merge_mapping_row(const merge_student *s, const char *cells[MERGE_MAPPING_COLUMNS])
{
    cells[0] = s->new_seq;
    cells[1] = s->source;
    cells[2] = s->row->seq;
    cells[3] = s->row->value[GPI_FIELD_STUDENT_NO];
    cells[4] = s->row->value[GPI_FIELD_ID_NUMBER];
}

static void put_line(gpi_buf *buf, const char *const *cells)
{
    for (size_t c = 0; c < MERGE_MAPPING_COLUMNS; c++) {
        if (c)
            gpi_buf_puts(buf, ",");
        gpi_csv_field(buf, cells[c]);
    }
    gpi_buf_puts(buf, "\r\n");
}

char *merge_mapping_csv(const merge_student *const *students, size_t count, size_t *len)
{
    gpi_buf buf = {0};
    gpi_buf_puts(&buf, "\xEF\xBB\xBF");
    put_line(&buf, headers);
    for (size_t i = 0; i < count; i++) {
        const char *cells[MERGE_MAPPING_COLUMNS];
        merge_mapping_row(students[i], cells);
        put_line(&buf, cells);
    }
    size_t n = buf.len;
    char *text = gpi_buf_take(&buf);
    if (text && len)
        *len = n;
    return text;
}
