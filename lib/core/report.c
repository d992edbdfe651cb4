/* The report: findings, summary values and tables.  Findings are data; the
 * renderers (render_text.c, render_json.c) turn them into words. */
#include "report_internal.h"
#include "core/base.h"
#include "core/findings.h"

#include "error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

gp_report *gp_report_new(const char *command)
{
    gp_report *report = calloc(1, sizeof *report);
    if (!report)
        return NULL;
    report->command = strdup(command ? command : "");
    if (!report->command) {
        free(report);
        return NULL;
    }
    return report;
}

static void finding_free(gp_finding *f)
{
    free((char *)f->source);
    free((char *)f->seq);
    free((char *)f->field);
    free((char *)f->file);
    free((char *)f->actual);
    free((char *)f->expected);
    free((char *)f->message);
}

static void value_free(gpi_value *v)
{
    free(v->key);
    free(v->str);
}

void gp_report_free(gp_report *report)
{
    if (!report)
        return;
    for (size_t i = 0; i < report->count; i++)
        finding_free(&report->findings[i].finding);
    free(report->findings);
    for (size_t i = 0; i < report->summary_count; i++)
        value_free(&report->summary[i]);
    free(report->summary);
    for (size_t t = 0; t < report->table_count; t++) {
        gpi_table *table = &report->tables[t];
        for (size_t r = 0; r < table->row_count; r++) {
            for (size_t c = 0; c < table->rows[r].count; c++)
                value_free(&table->rows[r].cells[c]);
            free(table->rows[r].cells);
        }
        free(table->rows);
        free(table->name);
    }
    free(report->tables);
    for (size_t i = 0; i < report->photo_count; i++) {
        gpi_photo_record *rec = &report->photos[i];
        free(rec->source);
        for (size_t k = 0; k < rec->text_count; k++)
            value_free(&rec->texts[k]);
        free(rec->texts);
        for (size_t k = 0; k < rec->number_count; k++)
            free(rec->numbers[k].key);
        free(rec->numbers);
        free(rec->thumb);
        free(rec->thumb_after);
    }
    free(report->photos);
    free(report->command);
    free(report->profile);
    free(report);
}

size_t gp_report_count(const gp_report *report)
{
    return report ? report->count : 0;
}

const gp_finding *gp_report_get(const gp_report *report, size_t i)
{
    return report && i < report->count ? &report->findings[i].finding : NULL;
}

size_t gp_report_count_severity(const gp_report *report, gp_severity severity)
{
    size_t n = 0;
    for (size_t i = 0; report && i < report->count; i++)
        n += report->findings[i].finding.severity == severity;
    return n;
}

bool gp_report_has(const gp_report *report, gp_code code)
{
    for (size_t i = 0; report && i < report->count; i++)
        if (report->findings[i].finding.code == code)
            return true;
    return false;
}

/* Every change that can fail goes through here: a lost finding, value or
 * record marks the report, so that nobody can mistake it for complete. */
static bool noted(gp_report *report, bool ok)
{
    if (!ok && report)
        report->failed = true;
    return ok;
}

bool gp_report_failed(const gp_report *report)
{
    return report && report->failed;
}

bool gpi_report_complete(const gp_report *report, gp_error *err)
{
    if (!gp_report_failed(report))
        return true;
    return gpi_error_set(err, GP_ERR_NOMEM, ENOMEM,
                        "内存不足，报告没能记下全部问题，结果不可信，请关闭其他程序后重试 "
                        "(out of memory: the report is incomplete)");
}

int gp_report_exit_status(const gp_report *report)
{
    return gp_report_count_severity(report, GP_ERROR) ? 1 : 0;
}

const char *gp_report_command(const gp_report *report)
{
    return report ? report->command : NULL;
}

const char *gp_report_profile(const gp_report *report)
{
    return report ? report->profile : NULL;
}

bool gpi_report_set_profile(gp_report *report, const char *profile_name)
{
    char *copy = strdup(profile_name ? profile_name : "");
    if (!copy)
        return noted(report, false);
    free(report->profile);
    report->profile = copy;
    return true;
}

static bool dup_opt(const char *s, const char **out)
{
    *out = NULL;
    if (!s)
        return true;
    *out = strdup(s);
    return *out != NULL;
}

static bool add_entry(gp_report *report, gp_severity severity, gp_code code,
                      const gpi_where *where, const char *actual, const char *expected,
                      const char *fmt, va_list ap)
{
    gpi_entry *grown = gpi_grow(report->findings, report->count, &report->cap, sizeof *grown, 32);
    if (!grown)
        return false;
    report->findings = grown;
    gpi_entry *e = &report->findings[report->count];
    memset(e, 0, sizeof *e);
    gp_finding *f = &e->finding;
    gpi_where none = {0};
    if (!where)
        where = &none;
    f->severity = severity;
    f->code = code;
    f->row = where->row;
    char *message = NULL;
    if (fmt) {
        if (vasprintf(&message, fmt, ap) < 0)
            message = NULL;
    } else {
        message = strdup(gp_code_title(code));
    }
    f->message = message;
    bool ok = message && dup_opt(where->source, &f->source) &&
              dup_opt(where->seq && *where->seq ? where->seq : NULL, &f->seq) &&
              dup_opt(where->field, &f->field) && dup_opt(where->file, &f->file) &&
              dup_opt(actual, &f->actual) && dup_opt(expected, &f->expected);
    if (!ok) {
        finding_free(f);
        return false;
    }
    e->order = report->next_order++;
    report->count++;
    return true;
}

bool gpi_report_addv(gp_report *report, gp_severity severity, gp_code code,
                    const gpi_where *where, const char *actual, const char *expected,
                    const char *fmt, va_list ap)
{
    if (!report)
        return false;
    return noted(report, add_entry(report, severity, code, where, actual, expected, fmt, ap));
}

bool gpi_report_add(gp_report *report, gp_code code, const gpi_where *where,
                   const char *actual, const char *expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = gpi_report_addv(report, gp_code_severity(code), code, where, actual, expected,
                             fmt, ap);
    va_end(ap);
    return ok;
}

bool gpi_report_add_severity(gp_report *report, gp_severity severity, gp_code code,
                            const gpi_where *where, const char *actual,
                            const char *expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = gpi_report_addv(report, severity, code, where, actual, expected, fmt, ap);
    va_end(ap);
    return ok;
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL); /* absent first */
    return strcmp(a, b);
}

/* File-level findings (no row, no photo number) first, then by row, then
 * findings that have only a photo number (orphans) by number. */
static int compare_entries(const void *pa, const void *pb)
{
    const gpi_entry *a = pa, *b = pb;
    const gp_finding *fa = &a->finding, *fb = &b->finding;
    int c = cmp_str(fa->source, fb->source);
    if (c)
        return c;
    int ga = fa->row ? 1 : fa->seq ? 2 : 0;
    int gb = fb->row ? 1 : fb->seq ? 2 : 0;
    if (ga != gb)
        return ga - gb;
    if (ga == 1 && fa->row != fb->row)
        return fa->row < fb->row ? -1 : 1;
    if (ga == 2 && (c = cmp_str(fa->seq, fb->seq)))
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int compare_photos(const void *pa, const void *pb)
{
    const gpi_photo_record *a = pa, *b = pb;
    int c = cmp_str(a->source, b->source);
    return c ? c : strcmp(a->seq, b->seq);
}

void gp_report_sort(gp_report *report)
{
    if (report && report->count > 1)
        qsort(report->findings, report->count, sizeof *report->findings, compare_entries);
    if (report && report->photo_count > 1)
        qsort(report->photos, report->photo_count, sizeof *report->photos, compare_photos);
}

static bool absorb(gp_report *into, gp_report *from, const char *source);

bool gpi_report_absorb(gp_report *into, gp_report *from, const char *source)
{
    if (from->failed)
        into->failed = true;
    return noted(into, absorb(into, from, source));
}

static bool absorb(gp_report *into, gp_report *from, const char *source)
{
    for (size_t i = 0; i < from->count; i++) {
        gpi_entry *e = &from->findings[i];
        if (!e->finding.source && source) {
            e->finding.source = strdup(source);
            if (!e->finding.source)
                return false;
        }
        gpi_entry *grown = gpi_grow(into->findings, into->count, &into->cap, sizeof *grown, 32);
        if (!grown)
            return false;
        into->findings = grown;
        e->order = into->next_order++;
        into->findings[into->count++] = *e;
        /* ownership moved: blank the source entry */
        memset(&e->finding, 0, sizeof e->finding);
    }
    for (size_t i = 0; i < from->count; i++)
        finding_free(&from->findings[i].finding);
    from->count = 0;
    /* the per-photo records move too (verify and merge gather them from
     * one report per bundle); a record without a source takes `source` */
    for (size_t i = 0; i < from->photo_count; i++) {
        gpi_photo_record *rec = &from->photos[i];
        if (!rec->source && source && !(rec->source = strdup(source)))
            return false;
        gpi_photo_record *grown =
            gpi_grow(into->photos, into->photo_count, &into->photo_cap, sizeof *grown, 64);
        if (!grown)
            return false;
        into->photos = grown;
        into->photos[into->photo_count++] = *rec;
        memset(rec, 0, sizeof *rec);
    }
    from->photo_count = 0;
    return true;
}

/* ---- key/value lists -------------------------------------------------- */

static gpi_value *values_put(gpi_value **values, size_t *count, const char *key, bool replace)
{
    if (replace)
        for (size_t i = 0; i < *count; i++)
            if (strcmp((*values)[i].key, key) == 0) {
                free((*values)[i].str);
                (*values)[i].str = NULL;
                return &(*values)[i];
            }
    gpi_value *grown = realloc(*values, (*count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    *values = grown;
    gpi_value *v = &grown[*count];
    memset(v, 0, sizeof *v);
    v->key = strdup(key);
    if (!v->key)
        return NULL;
    (*count)++;
    return v;
}

static bool value_set_str(gpi_value *v, const char *value)
{
    if (!v)
        return false;
    v->is_int = false;
    v->is_bool = false;
    v->str = strdup(value ? value : "");
    return v->str != NULL;
}

static bool value_set_int(gpi_value *v, long long value)
{
    if (!v)
        return false;
    v->is_int = true;
    v->is_bool = false;
    v->num = value;
    return true;
}

static bool value_set_bool(gpi_value *v, bool value)
{
    if (!value_set_int(v, value ? 1 : 0))
        return false;
    v->is_bool = true;
    return true;
}

bool gp_report_set_bool(gp_report *report, const char *key, bool value)
{
    return value_set_bool(values_put(&report->summary, &report->summary_count, key, true), value);
}

bool gp_report_set_int(gp_report *report, const char *key, long long value)
{
    return noted(report, value_set_int(values_put(&report->summary, &report->summary_count, key, true), value));
}

bool gp_report_set_str(gp_report *report, const char *key, const char *value)
{
    return noted(report,
                 value_set_str(values_put(&report->summary, &report->summary_count, key, true), value));
}

const char *gp_report_get_str(const gp_report *report, const char *key)
{
    for (size_t i = 0; report && i < report->summary_count; i++)
        if (!report->summary[i].is_int && strcmp(report->summary[i].key, key) == 0)
            return report->summary[i].str;
    return NULL;
}

bool gp_report_get_int(const gp_report *report, const char *key, long long *value)
{
    for (size_t i = 0; report && i < report->summary_count; i++)
        if (report->summary[i].is_int && strcmp(report->summary[i].key, key) == 0) {
            *value = report->summary[i].num;
            return true;
        }
    return false;
}

static gpi_table *find_table(gp_report *report, const char *name, bool create)
{
    for (size_t i = 0; i < report->table_count; i++)
        if (strcmp(report->tables[i].name, name) == 0)
            return &report->tables[i];
    if (!create)
        return NULL;
    gpi_table *grown = realloc(report->tables, (report->table_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    report->tables = grown;
    gpi_table *t = &grown[report->table_count];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    if (!t->name)
        return NULL;
    report->table_count++;
    return t;
}

static bool table_row(gp_report *report, const char *table_name);

bool gp_report_table_row(gp_report *report, const char *table_name)
{
    return noted(report, table_row(report, table_name));
}

static bool table_row(gp_report *report, const char *table_name)
{
    gpi_table *table = find_table(report, table_name, true);
    if (!table)
        return false;
    gpi_record *grown = realloc(table->rows, (table->row_count + 1) * sizeof *grown);
    if (!grown)
        return false;
    table->rows = grown;
    memset(&grown[table->row_count], 0, sizeof *grown);
    table->row_count++;
    return true;
}

static gpi_value *last_row_cell(gp_report *report, const char *table_name, const char *key)
{
    gpi_table *table = find_table(report, table_name, false);
    if (!table || !table->row_count)
        return NULL;
    gpi_record *row = &table->rows[table->row_count - 1];
    return values_put(&row->cells, &row->count, key, false);
}

bool gp_report_cell_str(gp_report *report, const char *table, const char *key, const char *value)
{
    return noted(report, value_set_str(last_row_cell(report, table, key), value));
}

bool gp_report_cell_int(gp_report *report, const char *table, const char *key, long long value)
{
    return noted(report, value_set_int(last_row_cell(report, table, key), value));
}

bool gp_report_cell_bool(gp_report *report, const char *table, const char *key, bool value)
{
    return value_set_bool(last_row_cell(report, table, key), value);
}

/* ---- per-photo records -------------------------------------------------- */

static gpi_photo_record *photo_record(gp_report *report, const char *source, const char *seq)
{
    if (!report || !seq || strlen(seq) >= sizeof report->photos[0].seq)
        return NULL;
    /* newest first: records are usually filled one photo at a time */
    for (size_t i = report->photo_count; i-- > 0;) {
        gpi_photo_record *rec = &report->photos[i];
        if (strcmp(rec->seq, seq) == 0 && cmp_str(rec->source, source) == 0)
            return rec;
    }
    gpi_photo_record *grown =
        gpi_grow(report->photos, report->photo_count, &report->photo_cap, sizeof *grown, 64);
    if (!grown)
        return NULL;
    report->photos = grown;
    gpi_photo_record *rec = &report->photos[report->photo_count];
    memset(rec, 0, sizeof *rec);
    if (source && !(rec->source = strdup(source)))
        return NULL;
    strcpy(rec->seq, seq);
    report->photo_count++;
    return rec;
}

bool gp_report_photo_text(gp_report *report, const char *source, const char *seq,
                          const char *key, const char *value)
{
    gpi_photo_record *rec = photo_record(report, source, seq);
    return noted(report,
                 rec && value_set_str(values_put(&rec->texts, &rec->text_count, key, true), value));
}

static bool photo_number(gp_report *report, const char *source, const char *seq,
                         const char *key, double value);

bool gp_report_photo_number(gp_report *report, const char *source, const char *seq,
                            const char *key, double value)
{
    return noted(report, photo_number(report, source, seq, key, value));
}

static bool photo_number(gp_report *report, const char *source, const char *seq,
                         const char *key, double value)
{
    gpi_photo_record *rec = photo_record(report, source, seq);
    if (!rec)
        return false;
    for (size_t i = 0; i < rec->number_count; i++)
        if (strcmp(rec->numbers[i].key, key) == 0) {
            rec->numbers[i].value = value;
            return true;
        }
    gpi_photo_number *grown = realloc(rec->numbers, (rec->number_count + 1) * sizeof *grown);
    if (!grown)
        return false;
    rec->numbers = grown;
    char *copy = strdup(key);
    if (!copy)
        return false;
    grown[rec->number_count++] = (gpi_photo_number){copy, value};
    return true;
}

static bool photo_thumbnail(gp_report *report, const char *source, const char *seq,
                            const void *jpeg, size_t len);
static bool set_bytes(unsigned char **slot, size_t *slot_len, const void *data, size_t len)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    memcpy(copy, data, len);
    free(*slot);
    *slot = copy;
    *slot_len = len;
    return true;
}

bool gp_report_photo_thumbnail(gp_report *report, const char *source, const char *seq,
                               const void *jpeg, size_t len)
{
    return noted(report, photo_thumbnail(report, source, seq, jpeg, len));
}

static bool photo_thumbnail(gp_report *report, const char *source, const char *seq,
                            const void *jpeg, size_t len)
{
    gpi_photo_record *rec = photo_record(report, source, seq);
    return rec && set_bytes(&rec->thumb, &rec->thumb_len, jpeg, len);
}

bool gp_report_photo_thumbnail_after(gp_report *report, const char *source, const char *seq,
                                     const void *jpeg, size_t len)
{
    gpi_photo_record *rec = photo_record(report, source, seq);
    return noted(report, rec && set_bytes(&rec->thumb_after, &rec->thumb_after_len, jpeg, len));
}

size_t gp_report_photo_count(const gp_report *report)
{
    return report ? report->photo_count : 0;
}

static const gpi_photo_record *photo_at(const gp_report *report, size_t i)
{
    return report && i < report->photo_count ? &report->photos[i] : NULL;
}

const char *gp_report_photo_source(const gp_report *report, size_t i)
{
    const gpi_photo_record *rec = photo_at(report, i);
    return rec ? rec->source : NULL;
}

const char *gp_report_photo_seq(const gp_report *report, size_t i)
{
    const gpi_photo_record *rec = photo_at(report, i);
    return rec ? rec->seq : NULL;
}

const char *gp_report_photo_get_text(const gp_report *report, size_t i, const char *key)
{
    const gpi_photo_record *rec = photo_at(report, i);
    for (size_t k = 0; rec && k < rec->text_count; k++)
        if (strcmp(rec->texts[k].key, key) == 0)
            return rec->texts[k].str;
    return NULL;
}

bool gp_report_photo_get_number(const gp_report *report, size_t i, const char *key,
                                double *value)
{
    const gpi_photo_record *rec = photo_at(report, i);
    for (size_t k = 0; rec && k < rec->number_count; k++)
        if (strcmp(rec->numbers[k].key, key) == 0) {
            *value = rec->numbers[k].value;
            return true;
        }
    return false;
}

const unsigned char *gp_report_photo_get_thumbnail(const gp_report *report, size_t i,
                                                   size_t *len)
{
    const gpi_photo_record *rec = photo_at(report, i);
    *len = rec ? rec->thumb_len : 0;
    return rec ? rec->thumb : NULL;
}

const unsigned char *gp_report_photo_get_thumbnail_after(const gp_report *report, size_t i,
                                                         size_t *len)
{
    const gpi_photo_record *rec = photo_at(report, i);
    *len = rec ? rec->thumb_after_len : 0;
    return rec ? rec->thumb_after : NULL;
}
