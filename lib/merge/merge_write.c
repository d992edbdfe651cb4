/* Writing a consolidated bundle with the format's own pieces
 * (bundle/bundle.h: gpi_workbook_write, gpi_roster_csv, gpi_bundle_json,
 * the entries and the manifest item, gpi_bundle_write), the same as pack's,
 * so that it is exactly what pack writes and verify accepts.
 *
 * Photos are copied from zip to zip: gpi_bundle_write asks for each photo
 * while libzip writes the archive, one at a time; it is read from its
 * received bundle (bounded, as verify reads) and must have the SHA-256
 * verify computed, so a bundle changed since verification cannot slip in.
 * Memory holds one photo, whatever the number of students.
 *
 * Outputs are put in place only when all are complete; an output equal to
 * the file already there is dropped, so re-running on unchanged inputs
 * rewrites nothing.  Temporary files a killed run left behind are removed
 * by the next run when it takes the folder's lock (gpi_lock_output). */
#include "merge_internal.h"
#include "core/base.h"
#include "core/files.h"
#include "bundle/bundle.h"
#include "roster/roster.h"
#include "verify/reader.h"
#include "core/atomic.h"
#include "core/error.h"
#include "core/os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- photos fetched while the zip is written --------------------------- */

typedef struct fetch_state {
    gpi_verified *const *verified;
    gpi_bundle_reader *reader;   /* on the bundle being copied from */
    size_t reader_bundle;
    gp_error *err;
    const merge_student *changed; /* its photo no longer reads as verified */
} fetch_state;

typedef struct photo_fetch {
    fetch_state *state;
    const merge_student *student;
} photo_fetch;

static bool fetch_photo(void *context, unsigned char **data, size_t *size)
{
    photo_fetch *pf = context;
    fetch_state *st = pf->state;
    const merge_student *s = pf->student;
    gpi_bundle *bundle = st->verified[s->bundle]->bundle;
    if (!st->reader || st->reader_bundle != s->bundle) {
        gpi_bundle_reader_free(st->reader);
        st->reader = gpi_bundle_reader_new(bundle, st->err);
        st->reader_bundle = s->bundle;
        if (!st->reader)
            return false;
    }
    gpi_entry_read r;
    gpi_bundle_read(st->reader, s->photo_entry, &r);
    if (r.status == GPI_READ_TOO_LARGE || r.status == GPI_READ_CORRUPT ||
        r.status == GPI_READ_BAD_PASSWORD) {
        /* it read cleanly when verified: the bundle changed since */
        free(r.data);
        st->changed = s;
        return false;
    }
    if (r.status != GPI_READ_OK) {
        free(r.data);
        return gpi_error_set(st->err, GP_ERR_OPEN, 0, "无法从 '%s' 读出照片 %s（%s）", s->source,
                            s->row->seq, r.detail);
    }
    *data = r.data;
    *size = r.len;
    return true;
}

/* ---- one output ------------------------------------------------------------ */

static gpi_atomic *begin(const char *dir, const char *file, gp_error *err)
{
    char *path = gpi_path_join(dir, file);
    if (!path) {
        gpi_error_nomem(err);
        return NULL;
    }
    gpi_atomic *a = gpi_atomic_begin(path, true, err);
    free(path);
    return a;
}

/* The workbook: the roster renumbered, and the map as a second sheet. */
static bool write_workbook(const merge_plan *plan, merge_output *out, const gpi_student **rows,
                           const merge_student *const *students, size_t count, gp_error *err)
{
    const char **cells = calloc(count * MERGE_MAPPING_COLUMNS + 1, sizeof *cells);
    if (!cells)
        return gpi_error_nomem(err);
    for (size_t i = 0; i < count; i++)
        merge_mapping_row(students[i], cells + i * MERGE_MAPPING_COLUMNS);
    gpi_sheet sheet = {.name = "序号对照", .headers = merge_mapping_headers(),
                      .columns = MERGE_MAPPING_COLUMNS, .cells = cells, .rows = count};
    gpi_workbook_info info = {.title = out->stem, .school = plan->school.name, .station = NULL};
    bool ok = gpi_workbook_write(out->xlsx, rows, count, &info, &sheet, err) &&
              gpi_file_digest(gpi_atomic_temp_path(out->xlsx), &out->xlsx_bytes, out->xlsx_sha256,
                              err);
    free(cells);
    return ok;
}

typedef struct bundle_parts {
    gpi_student *renumbered;     /* copies of the rows with the new numbers */
    const gpi_student **rows;
    gpi_zip_item *items;
    photo_fetch *fetches;
    char (*photo_names)[GPI_PHOTO_ENTRY_SIZE];
    unsigned char *xlsx;
    char *csv, *mapping, *json, *bundle_id;
    gpi_manifest_item manifest;
} bundle_parts;

static void parts_free(bundle_parts *p)
{
    free(p->renumbered);
    free(p->rows);
    free(p->items);
    free(p->fetches);
    free(p->photo_names);
    free(p->xlsx);
    free(p->csv);
    free(p->mapping);
    free(p->json);
    free(p->bundle_id);
}

static bool write_zip(const merge_plan *plan, merge_output *out, bundle_parts *p,
                      const merge_student *const *students, size_t count, gp_error *err)
{
    size_t xlsx_len = 0, csv_len = 0, mapping_len = 0;
    if (!gpi_read_file(gpi_atomic_temp_path(out->xlsx), GPI_MAX_ROSTER_BYTES, &p->xlsx, &xlsx_len,
                      err))
        return false;
    p->csv = gpi_roster_csv(p->rows, count, &csv_len);
    p->mapping = merge_mapping_csv(students, count, &mapping_len);
    p->bundle_id = gpi_bundle_id_from_name(out->stem);
    if (!p->csv || !p->mapping || !p->bundle_id)
        return gpi_error_nomem(err);
    unsigned char digest[32];
    char submission[65];
    gpi_sha256(p->csv, csv_len, digest);
    gpi_hex(digest, sizeof digest, submission);
    gpi_bundle_info info = {
        .profile = plan->profile, .name = out->stem, .bundle_id = p->bundle_id,
        .school = plan->school, .station = NULL, .part = 1, .parts = 1,
        .submission = submission,
        .rows = count, .seq_first = students[0]->new_seq,
        .seq_last = students[count - 1]->new_seq,
        .sources = plan->sources, .source_count = plan->source_count,
    };
    if (!(p->json = gpi_bundle_json(&info, err)))
        return false;
    size_t n_items = gpi_bundle_entry_count(true, count);
    gpi_bundle_head head = {.json = p->json, .csv = p->csv, .csv_len = csv_len, .xlsx = p->xlsx,
                            .xlsx_len = xlsx_len, .mapping = p->mapping,
                            .mapping_len = mapping_len};
    size_t first_photo = gpi_bundle_head_items(p->items, &head);
    if (first_photo + count + 1 != n_items) /* the map is always there: never a gap */
        return gpi_error_set(err, GP_ERR_INTERNAL, 0, "合并包的条目数不对（程序内部错误）");

    fetch_state state = {.verified = plan->verified, .err = err};
    for (size_t i = 0; i < count; i++) {
        const merge_student *s = students[i];
        p->fetches[i] = (photo_fetch){.state = &state, .student = s};
        gpi_zip_item *it = &p->items[first_photo + i];
        gpi_bundle_photo_item(it, p->photo_names[i], s->new_seq, (size_t)s->photo_size,
                              fetch_photo, &p->fetches[i]);
        /* copied from a received bundle: must be the bytes verify read */
        it->check_sha256 = true;
        memcpy(it->sha256, s->sha256, 32);
    }
    gpi_manifest_item_init(&p->manifest, p->items, n_items - 1);

    gp_error write_err = {0};
    bool ok = gpi_bundle_write(gpi_atomic_temp_path(out->zip), p->bundle_id, p->items, n_items,
                              plan->password, &write_err);
    gpi_bundle_reader_free(state.reader);
    if (!ok) {
        /* a photo not what verify read: a finding, as pack.photo_changed */
        if (state.changed) {
            out->changed = state.changed;
            return false;
        }
        for (size_t i = 0; i < count; i++)
            if (p->items[first_photo + i].changed) {
                out->changed = students[i];
                return false;
            }
        return gpi_error_propagate(err, &write_err);
    }
    return gpi_file_digest(gpi_atomic_temp_path(out->zip), &out->zip_bytes, out->zip_sha256, err);
}

bool merge_write_output(const merge_plan *plan, merge_output *out,
                        const merge_student *const *students, size_t count, gp_error *err)
{
    if (count == 0)
        return gpi_error_set(err, GP_ERR_INTERNAL, 0, "合并包 %s 没有学生", out->stem);
    out->rows = count;
    out->workbook_inside_only = plan->password != NULL;
    if (!(out->zip_file = gpi_asprintf("%s.zip", out->stem)) ||
        !(out->xlsx_file = gpi_asprintf("%s.xlsx", out->stem)))
        return gpi_error_nomem(err);
    if (!(out->zip = begin(plan->output_dir, out->zip_file, err)) ||
        !(out->xlsx = begin(plan->output_dir, out->xlsx_file, err)))
        return false;
    bundle_parts p = {0};
    p.renumbered = calloc(count, sizeof *p.renumbered);
    p.rows = calloc(count, sizeof *p.rows);
    p.items = calloc(gpi_bundle_entry_count(true, count), sizeof *p.items);
    p.fetches = calloc(count, sizeof *p.fetches);
    p.photo_names = calloc(count, sizeof *p.photo_names);
    bool ok = p.renumbered && p.rows && p.items && p.fetches && p.photo_names;
    if (!ok)
        gpi_error_nomem(err);
    for (size_t i = 0; ok && i < count; i++) {
        p.renumbered[i] = *students[i]->row;
        memcpy(p.renumbered[i].seq, students[i]->new_seq, sizeof p.renumbered[i].seq);
        p.rows[i] = &p.renumbered[i];
    }
    ok = ok && write_workbook(plan, out, p.rows, students, count, err) &&
         write_zip(plan, out, &p, students, count, err);
    parts_free(&p);
    return ok;
}

/* ---- putting outputs in place ------------------------------------------------ */

/* Whether the file at dir/file already has these bytes (size and SHA-256). */
static bool already_there(const char *dir, const char *file, uint64_t bytes, const char *sha256)
{
    char *path = gpi_path_join(dir, file);
    gpi_os_stat st;
    bool same = false;
    if (path && gpi_os_stat_path(path, false, &st) == 0 && st.type == GPI_OS_REGULAR &&
        st.size == bytes) {
        unsigned char sha[32];
        char hex[65];
        gp_error ignored = {0};
        if (gpi_sha256_file(path, sha, &ignored)) {
            gpi_hex(sha, 32, hex);
            same = strcmp(hex, sha256) == 0;
        }
    }
    free(path);
    return same;
}

/* An output identical to what is already there is dropped (the old file is
 * left untouched: idempotent re-runs rewrite nothing). */
static void drop_if_unchanged(const char *dir, gpi_atomic **file, const char *name,
                              uint64_t bytes, const char *sha256, bool *replaced)
{
    *replaced = !already_there(dir, name, bytes, sha256);
    if (!*replaced) {
        gpi_atomic_abort(*file);
        *file = NULL;
    }
}

/* Every changed output is committed as one set (gpi_atomic_commit_set): the
 * folder holds either all of the previous outputs or all of the new ones. */
bool merge_commit_outputs(const char *dir, merge_output *outputs, size_t count, gp_error *err)
{
    gpi_atomic **set = calloc(2 * count + 1, sizeof *set);
    if (!set)
        return gpi_error_nomem(err);
    size_t n = 0;
    for (size_t k = 0; k < count; k++) {
        merge_output *o = &outputs[k];
        drop_if_unchanged(dir, &o->zip, o->zip_file, o->zip_bytes, o->zip_sha256,
                          &o->zip_replaced);
        if (o->workbook_inside_only) {
            /* the workbook with every ID number goes only inside the
             * encrypted zip */
            gpi_atomic_abort(o->xlsx);
            o->xlsx = NULL;
            o->xlsx_replaced = false;
        } else
            drop_if_unchanged(dir, &o->xlsx, o->xlsx_file, o->xlsx_bytes, o->xlsx_sha256,
                              &o->xlsx_replaced);
        set[n++] = o->zip;
        set[n++] = o->xlsx;
        o->zip = o->xlsx = NULL; /* the set takes them */
    }
    bool ok = gpi_atomic_commit_set(set, n, dir, err);
    free(set);
    return ok;
}

void merge_output_clear(merge_output *out)
{
    gpi_atomic_abort(out->zip);
    gpi_atomic_abort(out->xlsx);
    free(out->stem);
    free(out->zip_file);
    free(out->xlsx_file);
    memset(out, 0, sizeof *out);
}
