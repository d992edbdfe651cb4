/* The report's layout, shared by report.c and the renderers only. */
#ifndef GPI_REPORT_INTERNAL_H
#define GPI_REPORT_INTERNAL_H

#include "core/findings.h"

typedef struct gpi_entry {
    gp_finding finding;
    size_t order; /* insertion order: ties in sorting keep it */
} gpi_entry;

typedef struct gpi_value {
    char *key;
    bool is_int;
    bool is_bool; /* with is_int: num is 0 or 1, JSON true/false */
    long long num;
    char *str;
} gpi_value;

typedef struct gpi_record {
    gpi_value *cells;
    size_t count;
} gpi_record;

typedef struct gpi_table {
    char *name;
    gpi_record *rows;
    size_t row_count;
} gpi_table;

/* One photo's record (gp_report_photo_*): texts and numbers in insertion
 * order.  Numbers are gpi_value with is_int false and str NULL, num unused:
 * they live in `numbers`. */
typedef struct gpi_photo_number {
    char *key;
    double value;
} gpi_photo_number;

typedef struct gpi_photo_record {
    char *source; /* NULL for check, pack, fix */
    char seq[8];
    gpi_value *texts;
    size_t text_count;
    gpi_photo_number *numbers;
    size_t number_count;
    unsigned char *thumb;
    size_t thumb_len;
    unsigned char *thumb_after; /* fix: the written copy, when its pixels changed */
    size_t thumb_after_len;
} gpi_photo_record;

struct gp_report {
    char *command;
    char *profile;
    gpi_entry *findings;
    size_t count, cap, next_order;
    gpi_value *summary;
    size_t summary_count;
    gpi_table *tables;
    size_t table_count;
    gpi_photo_record *photos;
    size_t photo_count, photo_cap;
    bool failed; /* something added was lost (out of memory): sticky */
};

/* The words the text report uses, shared by every renderer for people
 * (render_text.c): a summary key, table or column name in Chinese, and a
 * machine word of a table cell ("pass", "fixed") in Chinese.  Static. */
const char *gpi_render_label(const char *key);
const char *gpi_render_value_label(const char *value);
/** A table's heading in Chinese ("emails" → "要发送的邮件"). */
const char *gpi_render_table_label(const char *name);
/** A summary or table value as people read it (是/否, "35.0 MB", digits, or
 *  the text's Chinese label), strings through put_string: each renderer
 *  passes its own escaping (terminal or HTML). */
void gpi_render_value(gpi_buf *buf, const gpi_value *v,
                     void (*put_string)(gpi_buf *buf, const char *s));

#endif
