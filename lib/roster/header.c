/* The header row decides the column order.  Each required field is named by
 * its canonical label or one of the aliases the profile's fields file lists
 * (照片编号 for 拍摄序号, English keys, ...), matched after trimming and
 * ASCII case-folding.  Extra columns are ignored with an info finding. */
#include "roster/reading.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/findings.h"
#include "core/profile.h"

#include <string.h>

static bool ascii_case_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

int roster_header_field(const gp_profile *profile, const char *cell)
{
    for (int f = 0; f < GPI_FIELD_COUNT; f++) {
        const gpi_string_list *aliases = &profile->header_aliases[f];
        for (size_t i = 0; i < aliases->count; i++)
            if (ascii_case_equal(cell, aliases->items[i]))
                return f;
    }
    return -1;
}

/* "拍摄序号、照片编号、seq" for messages. */
static void alias_text(const gpi_string_list *aliases, char *buf, size_t size)
{
    gpi_buf text = {0};
    for (size_t i = 0; i < aliases->count; i++)
        gpi_buf_printf(&text, "%s%s", i ? "、" : "", aliases->items[i]);
    snprintf(buf, size, "%s", text.data && !text.failed ? text.data : "");
    gpi_buf_free(&text);
}

bool roster_header_map(const gp_profile *profile, char *const *cells, size_t count,
                       int row, int *column_field, const char *file_label,
                       gp_report *report)
{
    size_t first_column[GPI_FIELD_COUNT];
    bool seen[GPI_FIELD_COUNT] = {false};
    bool ok = true;
    for (size_t c = 0; c < count; c++) {
        int f = roster_header_field(profile, cells[c]);
        column_field[c] = f;
        if (f < 0) {
            if (cells[c][0]) {
                gpi_where w = {.row = row, .file = file_label};
                gpi_report_add(report, GP_ROSTER_HEADER_EXTRA, &w, cells[c], NULL,
                              "第 %zu 列“%s”不是必填的 9 项之一，已忽略", c + 1, cells[c]);
            }
            continue;
        }
        if (seen[f]) {
            column_field[c] = -1;
            gpi_where w = {.row = row, .field = gpi_field_label((gpi_field)f), .file = file_label};
            gpi_report_add(report, GP_ROSTER_HEADER_DUPLICATE, &w, cells[c],
                          gpi_field_label((gpi_field)f),
                          "第 %zu 列“%s”和第 %zu 列“%s”都表示“%s”，只能保留一列", c + 1,
                          cells[c], first_column[f] + 1, cells[first_column[f]],
                          gpi_field_label((gpi_field)f));
            ok = false;
            continue;
        }
        seen[f] = true;
        first_column[f] = c;
    }
    for (int f = 0; f < GPI_FIELD_COUNT; f++) {
        if (seen[f])
            continue;
        char names[256];
        alias_text(&profile->header_aliases[f], names, sizeof names);
        gpi_where w = {.row = row, .field = gpi_field_label((gpi_field)f), .file = file_label};
        gpi_report_add(report, GP_ROSTER_HEADER_MISSING, &w, NULL, gpi_field_label((gpi_field)f),
                      "表头（第 %d 行）缺少“%s”列（可用的列名：%s）", row,
                      gpi_field_label((gpi_field)f), names);
        ok = false;
    }
    return ok;
}
