/* The report as one JSON document for scripts (jansson).  The layout is
 * documented in docs/cli.md; keys are stable. */
#include "report_internal.h"
#include "core/base.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *value_json(const gpi_value *v)
{
    if (v->is_bool)
        return json_boolean(v->num);
    return v->is_int ? json_integer(v->num) : json_string(v->str ? v->str : "");
}

/* The document as text with a final newline; takes the reference. */
static char *dump_and_free(json_t *root)
{
    char *text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(1));
    json_decref(root);
    if (!text)
        return NULL;
    gpi_buf buf = {0};
    gpi_buf_puts(&buf, text);
    gpi_buf_puts(&buf, "\n");
    free(text);
    return gpi_buf_take(&buf);
}

static json_t *finding_json(const gp_finding *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "severity", json_string(gp_severity_name(f->severity)));
    json_object_set_new(o, "code", json_string(gp_code_name(f->code)));
    json_object_set_new(o, "source", str_or_null(f->source));
    json_object_set_new(o, "seq", str_or_null(f->seq));
    json_object_set_new(o, "row", f->row ? json_integer(f->row) : json_null());
    json_object_set_new(o, "field", str_or_null(f->field));
    json_object_set_new(o, "file", str_or_null(f->file));
    json_object_set_new(o, "message", str_or_null(f->message));
    json_object_set_new(o, "actual", str_or_null(f->actual));
    json_object_set_new(o, "expected", str_or_null(f->expected));
    return o;
}

char *gp_report_to_json(const gp_report *report, unsigned flags)
{
    (void)flags;
    json_t *root = json_object();
    json_object_set_new(root, "tool", json_string("gradpack"));
    /* the layout's version (docs/cli.md): raised when a key changes meaning
     * or goes away; new keys may appear without it */
    json_object_set_new(root, "schema", json_integer(GP_JSON_SCHEMA));
    json_object_set_new(root, "version", json_string(gp_version()));
    json_object_set_new(root, "command", json_string(report->command));
    json_object_set_new(root, "profile", str_or_null(report->profile));

    json_t *summary = json_object();
    for (size_t i = 0; i < report->summary_count; i++)
        json_object_set_new(summary, report->summary[i].key, value_json(&report->summary[i]));
    json_object_set_new(summary, "errors",
                        json_integer((json_int_t)gp_report_count_severity(report, GP_ERROR)));
    json_object_set_new(summary, "warnings",
                        json_integer((json_int_t)gp_report_count_severity(report, GP_WARNING)));
    json_object_set_new(summary, "infos",
                        json_integer((json_int_t)gp_report_count_severity(report, GP_INFO)));
    json_object_set_new(root, "summary", summary);

    json_t *findings = json_array();
    for (size_t i = 0; i < report->count; i++)
        json_array_append_new(findings, finding_json(&report->findings[i].finding));
    json_object_set_new(root, "findings", findings);

    for (size_t t = 0; t < report->table_count; t++) {
        const gpi_table *table = &report->tables[t];
        json_t *rows = json_array();
        for (size_t r = 0; r < table->row_count; r++) {
            json_t *o = json_object();
            for (size_t c = 0; c < table->rows[r].count; c++)
                json_object_set_new(o, table->rows[r].cells[c].key,
                                    value_json(&table->rows[r].cells[c]));
            json_array_append_new(rows, o);
        }
        json_object_set_new(root, table->name, rows);
    }

    /* measurements: one object per photo that has numbers (one decimal:
     * they are pixel and colour measurements, not exact values) */
    json_t *measurements = NULL;
    for (size_t i = 0; i < report->photo_count; i++) {
        const gpi_photo_record *rec = &report->photos[i];
        if (!rec->number_count)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "source", str_or_null(rec->source));
        json_object_set_new(o, "seq", json_string(rec->seq));
        for (size_t k = 0; k < rec->number_count; k++)
            json_object_set_new(o, rec->numbers[k].key,
                                json_real(round(rec->numbers[k].value * 10) / 10));
        if (!measurements)
            measurements = json_array();
        json_array_append_new(measurements, o);
    }
    if (measurements)
        json_object_set_new(root, "measurements", measurements);

    return dump_and_free(root);
}

char *gp_codes_to_json(void)
{
    json_t *codes = json_array();
    for (size_t i = 0; i < gp_code_total(); i++) {
        gp_code code = gp_code_at(i);
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(gp_code_name(code)));
        json_object_set_new(o, "number", json_integer((json_int_t)code));
        json_object_set_new(o, "severity", json_string(gp_severity_name(gp_code_severity(code))));
        json_object_set_new(o, "title", json_string(gp_code_title(code)));
        json_object_set_new(o, "fix", json_string(gp_code_fix(code)));
        json_array_append_new(codes, o);
    }
    return dump_and_free(codes);
}
