/* The university's registry export (--master): the students a bundle may
 * hold, with the values the registry (学信网) requires exactly.  It is read
 * with the roster's own encoding and CSV layer and header vocabulary, so a
 * registry file saved by Excel in GB18030 works as a roster does.  The
 * master list is the operator's own input: a file that cannot be used is an
 * operational failure (exit 2), not a finding. */
#include "verify_internal.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/findings.h"
#include "core/profile.h"
#include "roster/roster.h"
#include "core/files.h"
#include "roster/reading.h"
#include "roster/workbook_reader.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

static const gpi_field compared_fields[] = {GPI_FIELD_STUDENT_NO, GPI_FIELD_NAME, GPI_FIELD_SEX,
                                           GPI_FIELD_ID_NUMBER, GPI_FIELD_LEVEL};

typedef struct master_row {
    int row;
    char *value[GPI_FIELD_COUNT]; /* only compared_fields are set */
} master_row;

struct master_list {
    master_row *rows;
    size_t count, cap;
    master_row **by_id, **by_student_no; /* sorted for lookups */
};

typedef struct master_reader {
    master_list *list;
    const gp_profile *profile;
    roster_decoder *dec;
    const char *path;
    gp_error *err;
    int column_field[GPI_MAX_COLUMNS];
    size_t columns;
    bool header_seen;
    int header_target;  /* rows above it are titles */
} master_reader;

static char *decode(master_reader *r, const roster_record *record, size_t c)
{
    char *text = NULL;
    size_t bad = 0;
    switch (roster_decode(r->dec, record->cells[c], record->lens[c], &text, &bad)) {
    case ROSTER_DECODE_OK:
        return gpi_trim(text);
    case ROSTER_DECODE_NOMEM:
        gpi_error_nomem(r->err);
        return NULL;
    case ROSTER_DECODE_INVALID:
        break;
    }
    gpi_error_set(r->err, GP_ERR_OPEN, 0,
                 "学籍名单 '%s' 第 %d 行第 %zu 列的文字编码无法识别（应为 UTF-8 或 GB18030；可用 --encoding 指定）",
                 r->path, record->row, c + 1);
    return NULL;
}

/* The registry's values in the form the roster rules produce: half-width,
 * upper-case X, the profile's level names. */
static void normalise(const gp_profile *profile, master_row *row)
{
    gpi_fullwidth_to_ascii(row->value[GPI_FIELD_STUDENT_NO]);
    char *id = row->value[GPI_FIELD_ID_NUMBER];
    gpi_fullwidth_to_ascii(id);
    for (char *p = id; *p; p++)
        if (*p == 'x')
            *p = 'X';
    char **level = &row->value[GPI_FIELD_LEVEL];
    for (size_t i = 0; i < profile->level_map_count; i++)
        if (strcmp(profile->level_map[i].from, *level) == 0) {
            char *mapped = strdup(profile->level_map[i].to);
            if (mapped) {
                free(*level);
                *level = mapped;
            }
            break;
        }
}

static bool read_header(master_reader *r, const roster_record *record)
{
    bool seen[GPI_FIELD_COUNT] = {false};
    r->columns = record->count < GPI_MAX_COLUMNS ? record->count : GPI_MAX_COLUMNS;
    for (size_t c = 0; c < r->columns; c++) {
        char *cell = decode(r, record, c);
        if (!cell)
            return false;
        int f = roster_header_field(r->profile, cell);
        free(cell);
        r->column_field[c] = f >= 0 && !seen[f] ? f : -1;
        if (f >= 0)
            seen[f] = true;
    }
    for (size_t i = 0; i < GPI_ARRAY_LEN(compared_fields); i++)
        if (!seen[compared_fields[i]])
            return gpi_error_set(r->err, GP_ERR_USAGE, 0,
                                "学籍名单 '%s' 的表头（第 %d 行）缺少“%s”列；至少需要 学号、姓名、性别、身份证号、学历层次",
                                r->path, record->row, gpi_field_label(compared_fields[i]));
    r->header_seen = true;
    return true;
}

static bool on_record(void *context, const roster_record *record)
{
    master_reader *r = context;
    if (!r->header_seen && record->row < r->header_target)
        return true;
    if (!r->header_seen)
        return read_header(r, record);
    master_list *list = r->list;
    master_row *grown = gpi_grow(list->rows, list->count, &list->cap, sizeof *grown, 256);
    if (!grown)
        return gpi_error_nomem(r->err);
    list->rows = grown;
    master_row *row = &list->rows[list->count];
    memset(row, 0, sizeof *row);
    row->row = record->row;
    list->count++;
    for (size_t c = 0; c < r->columns && c < record->count; c++) {
        int f = r->column_field[c];
        if (f < 0)
            continue;
        if (!(row->value[f] = decode(r, record, c)))
            return false;
        if (record->kinds && record->kinds[c] == WB_CELL_NUMBER) {
            /* a number the registry export stored as one: its integer digits */
            char *end = NULL;
            double d = strtod(row->value[f], &end);
            char digits[32];
            if (!*end && d >= 0 && d < 1e15 && d == floor(d)) {
                snprintf(digits, sizeof digits, "%.0f", d);
                char *copy = strdup(digits);
                if (!copy)
                    return gpi_error_nomem(r->err);
                free(row->value[f]);
                row->value[f] = copy;
            }
        }
    }
    for (size_t i = 0; i < GPI_ARRAY_LEN(compared_fields); i++) {
        char **v = &row->value[compared_fields[i]];
        if (!*v && !(*v = strdup("")))
            return gpi_error_nomem(r->err);
    }
    normalise(r->profile, row);
    return true;
}

static int compare_id(const void *a, const void *b)
{
    const master_row *x = *(master_row *const *)a, *y = *(master_row *const *)b;
    return strcmp(x->value[GPI_FIELD_ID_NUMBER], y->value[GPI_FIELD_ID_NUMBER]);
}

static int compare_student_no(const void *a, const void *b)
{
    const master_row *x = *(master_row *const *)a, *y = *(master_row *const *)b;
    return strcmp(x->value[GPI_FIELD_STUDENT_NO], y->value[GPI_FIELD_STUDENT_NO]);
}

void master_free(master_list *master)
{
    if (!master)
        return;
    for (size_t i = 0; i < master->count; i++)
        for (int f = 0; f < GPI_FIELD_COUNT; f++)
            free(master->rows[i].value[f]);
    free(master->rows);
    free(master->by_id);
    free(master->by_student_no);
    free(master);
}

static bool index_rows(master_list *list)
{
    size_t n = list->count ? list->count : 1;
    list->by_id = malloc(n * sizeof *list->by_id);
    list->by_student_no = malloc(n * sizeof *list->by_student_no);
    if (!list->by_id || !list->by_student_no)
        return false;
    for (size_t i = 0; i < list->count; i++)
        list->by_id[i] = list->by_student_no[i] = &list->rows[i];
    qsort(list->by_id, list->count, sizeof *list->by_id, compare_id);
    qsort(list->by_student_no, list->count, sizeof *list->by_student_no, compare_student_no);
    return true;
}

master_list *master_load(const char *path, const char *encoding, const char *sheet,
                         const gp_profile *profile, gp_report *report, gp_error *err)
{
    (void)report; /* every problem with the operator's own file is operational */
    unsigned char *data = NULL;
    size_t len = 0;
    if (!gpi_read_input("学籍名单（--master）", path, GPI_MAX_ROSTER_BYTES, &data, &len, err))
        return NULL;
    master_list *list = calloc(1, sizeof *list);
    roster_decoder dec;
    bool decoder = false;
    workbook *wb = NULL;
    roster_source src = {0};
    if (!list) {
        gpi_error_nomem(err);
        goto fail;
    }
    workbook_kind kind = workbook_detect(data, len);
    if (kind != WORKBOOK_NONE) {
        workbook_failure f;
        if (!(wb = workbook_read(kind, data, len, &f))) {
            if (f.status == WB_NOMEM)
                gpi_error_nomem(err);
            else
                gpi_error_set(err, GP_ERR_OPEN, 0, "学籍名单 '%s' 无法读取：%s", path, f.detail);
            goto fail;
        }
        memset(&dec, 0, sizeof dec);
        dec.name = "XLSX";
        dec.verified = true;
        long at = roster_pick_sheet(wb, sheet, &dec, profile);
        if (at < 0) {
            gpi_error_set(err, GP_ERR_USAGE, 0, sheet ? "学籍名单 '%s' 里没有工作表“%s”"
                                                     : "学籍名单 '%s' 是空的%s",
                         path, sheet ? sheet : "");
            goto fail;
        }
        src.sheet = &wb->sheets[at];
    } else {
        if (!(decoder = roster_decoder_open(&dec, encoding, (const char *)data, len, err)))
            goto fail;
        src.csv = (const char *)data + dec.skip;
        src.csv_len = len - dec.skip;
    }
    master_reader r = {.list = list, .profile = profile, .dec = &dec, .path = path,
                       .err = err};
    r.header_target = roster_find_header(&src, &dec, profile, NULL);
    roster_csv_outcome outcome;
    roster_source_read(&src, on_record, &r, &outcome);
    if (err && err->status != GP_OK)
        goto fail;
    if (outcome.status != ROSTER_CSV_OK) {
        gpi_error_set(err, outcome.status == ROSTER_CSV_NOMEM ? GP_ERR_NOMEM : GP_ERR_OPEN, 0,
                     "学籍名单 '%s' 的%s有错（第 %d 行附近）", path,
                     wb ? "工作表" : " CSV 格式", outcome.row);
        goto fail;
    }
    if (!r.header_seen) {
        gpi_error_set(err, GP_ERR_USAGE, 0, "学籍名单 '%s' 是空的", path);
        goto fail;
    }
    if (!index_rows(list)) {
        gpi_error_nomem(err);
        goto fail;
    }
    if (decoder)
        roster_decoder_close(&dec);
    workbook_free(wb);
    free(data);
    return list;
fail:
    if (decoder)
        roster_decoder_close(&dec);
    workbook_free(wb);
    master_free(list);
    free(data);
    return NULL;
}

static const master_row *find(master_row *const *sorted, size_t count, gpi_field field,
                              const char *value)
{
    if (!value[0])
        return NULL;
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sorted[mid]->value[field], value);
        if (c == 0)
            return sorted[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void master_compare(const master_list *master, const gpi_roster *roster, const char *source,
                    gp_report *report)
{
    for (size_t i = 0; i < roster->count; i++) {
        const gpi_student *s = &roster->students[i];
        const char *id = s->value[GPI_FIELD_ID_NUMBER];
        const char *no = s->value[GPI_FIELD_STUDENT_NO];
        const char *name = s->value[GPI_FIELD_NAME];
        if (!id[0] && !no[0])
            continue; /* roster.field.empty already says so */
        const master_row *m = find(master->by_id, master->count, GPI_FIELD_ID_NUMBER, id);
        if (!m)
            m = find(master->by_student_no, master->count, GPI_FIELD_STUDENT_NO, no);
        gpi_where w = {.source = source, .row = s->row, .seq = s->seq, .file = GPI_ENTRY_ROSTER};
        if (!m) {
            char actual[160];
            snprintf(actual, sizeof actual, "学号 %s，身份证号 %s", no, id);
            gpi_report_add(report, GP_MASTER_UNKNOWN_STUDENT, &w, actual, NULL,
                          "第 %d 行 %s（学号 %s，身份证号 %s）不在学籍名单中", s->row, name, no,
                          id);
            continue;
        }
        for (size_t f = 0; f < GPI_ARRAY_LEN(compared_fields); f++) {
            gpi_field field = compared_fields[f];
            const char *mine = s->value[field], *theirs = m->value[field];
            if (strcmp(mine, theirs) == 0)
                continue;
            w.field = gpi_field_label(field);
            gpi_report_add(report, GP_MASTER_MISMATCH, &w, mine, theirs,
                          "第 %d 行 %s 的%s是“%s”，学籍名单（第 %d 行）中是“%s”", s->row, name,
                          gpi_field_label(field), mine, m->row, theirs);
        }
    }
}
