/* gradpack pack: check, then write the workbook, the bundle zip(s) and the
 * cover letter.  Orchestration only; each piece has its own file.
 *
 * Each photo is read once (docs/bundle-format.md, "How photos are read").
 * First, without reading any photo: the profile, the roster and its rules,
 * the folder listing (sizes from stat), the station file.  When those have
 * no error and rows and photos pair up one to one, the name, the parts
 * (planned from the listed sizes) and the temporary outputs are set up,
 * and workers read, hash and inspect the photos a bounded window ahead of
 * the zip writer, which archives each photo from the very buffer that was
 * inspected; each part's manifest is made last, from those hashes.  A
 * photo with an error (or unreadable, or not the size listed) stops the
 * writer; the rest are still read and inspected.  Then every photo is
 * judged exactly as check judges it; on any error the report is returned
 * and every temporary output is removed.  Otherwise (an error already in
 * the roster or the listing, or rows and photos that do not pair up) the
 * photos are read and judged as check does, and nothing is written.
 * Outputs are committed only when all are complete. */
#include "pack_internal.h"
#include "check/check.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/findings.h"
#include "core/profile.h"
#include "bundle/bundle.h"
#include "photo/photo.h"
#include "roster/roster.h"
#include "core/atomic.h"
#include "core/error.h"
#include "core/os.h"
#include "core/progress.h"
#include "core/secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LETTER_SUFFIX "-邮件正文.txt"
#define MAX_TEMPLATE_BYTES (1u << 20)

typedef struct part_output {
    char *file;       /* NAME.zip or NAME-part1-of-3.zip */
    gpi_atomic *zip;
    uint64_t bytes;
    char sha256[65];
} part_output;

typedef struct pack_run pack_run;

/* A photo item's fetch: photo `index` (in photo-number order) from the
 * pipeline. */
typedef struct photo_fetch {
    pack_run *run;
    size_t index;
    gpi_zip_item *item;
} photo_fetch;

struct pack_run {
    gp_pack_options *opt;
    gpi_check_state state;
    gp_report *check_report;   /* check's findings, judged as check does */
    gp_report *station_report; /* the station file's findings */
    gp_report *plan_report;    /* pack.photo_too_large */
    gp_report *report;         /* the pack report, built from the three above */
    gpi_station station;
    const char *password;

    /* rows in photo-number order, and their photos */
    const gpi_student **rows;
    const gpi_photo_file **photos;
    size_t count;

    gpi_photo_pipeline *pipeline;
    photo_fetch *fetches;      /* one per photo */
    bool inspected;            /* every state.results[i] is filled */
    size_t packed;             /* photos taken into the zip so far (progress) */
    bool stopped;              /* a photo stopped the writer */
    bool *changed;             /* the photo's size is not the listed one */
    gpi_school school;         /* bundle.json's school block */

    char *name, *bundle_id;
    uint64_t part_limit;       /* --max-part-size, else the profile's mail attachment limit */
    bool auto_split;           /* part_limit came from the profile */
    bool has_workbook;         /* NAME.xlsx beside the zips: not when encrypted */
    char submission[65];       /* SHA-256 of the whole roster.csv (bundle.json) */
    gpi_part_range *ranges;
    size_t part_count;
    part_output *parts;
    char *workbook_file, *letter_file;
    gpi_atomic *workbook, *letter;
    gpi_lock *lock;             /* the output folder's, from prepare_targets to the end */
    char *password_read;       /* from --password-file; wiped when done */
    uint64_t workbook_bytes, letter_bytes;
    char workbook_sha256[65], letter_sha256[65];
};

static void run_free(pack_run *run)
{
    gpi_photo_pipeline_finish(run->pipeline);
    free(run->fetches);
    free(run->changed);
    gp_report_free(run->check_report);
    gp_report_free(run->station_report);
    gp_report_free(run->plan_report);
    for (size_t i = 0; run->parts && i < run->part_count; i++) {
        gpi_atomic_abort(run->parts[i].zip);
        free(run->parts[i].file);
    }
    free(run->parts);
    gpi_atomic_abort(run->workbook);
    gpi_atomic_abort(run->letter);
    free(run->workbook_file);
    free(run->letter_file);
    free(run->ranges);
    free(run->name);
    free(run->bundle_id);
    free(run->rows);
    free(run->photos);
    gpi_station_clear(&run->station);
    gpi_check_state_clear(&run->state);
    gpi_password_wipe(run->password_read);
    gpi_lock_release(run->lock); /* after every temporary file is gone */
}

/* The pack report: check's findings and summary under the command "pack". */
static gp_report *report_from_check(gp_report *checked)
{
    gp_report *report = gp_report_new("pack");
    if (!report)
        return NULL;
    gpi_report_set_profile(report, gp_report_profile(checked));
    long long v;
    const char *s;
    if (!gpi_report_absorb(report, checked, NULL) ||
        (gp_report_get_int(checked, "rows", &v) && !gp_report_set_int(report, "rows", v)) ||
        (gp_report_get_int(checked, "photos", &v) && !gp_report_set_int(report, "photos", v)) ||
        ((s = gp_report_get_str(checked, "encoding")) && !gp_report_set_str(report, "encoding", s))) {
        gp_report_free(report);
        return NULL;
    }
    return report;
}

static int by_seq(const void *a, const void *b)
{
    const gpi_student *const *x = a, *const *y = b;
    return strcmp((*x)->seq, (*y)->seq);
}

/* Rows sorted by photo number, each with its photo (photo files are
 * sorted by number too).  *paired is false when they do not pair up one to
 * one; false is returned only on OOM. */
static bool pair_rows(pack_run *run, bool *paired, gp_error *err)
{
    const gpi_roster *roster = run->state.roster;
    const gpi_photo_dir *dir = run->state.photos;
    size_t n = roster->count;
    *paired = false;
    if (!roster->usable || n == 0 || dir->count != n)
        return true;
    run->rows = calloc(n, sizeof *run->rows);
    run->photos = calloc(n, sizeof *run->photos);
    run->fetches = calloc(n, sizeof *run->fetches);
    run->changed = calloc(n, sizeof *run->changed);
    if (!run->rows || !run->photos || !run->fetches || !run->changed)
        return gpi_error_nomem(err);
    for (size_t i = 0; i < n; i++)
        run->rows[i] = &roster->students[i];
    qsort(run->rows, n, sizeof *run->rows, by_seq);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(dir->files[i].seq, run->rows[i]->seq) != 0)
            return true;
        run->photos[i] = &dir->files[i];
    }
    run->count = n;
    run->school = gpi_school_of(run->state.profile, run->rows[0]);
    *paired = true;
    return true;
}

static bool choose_name(pack_run *run, gp_error *err)
{
    const char *station = run->station.present ? run->station.value[GPI_STATION_NAME] : NULL;
    run->name = gpi_choose_name(run->opt->name, run->school.code, station, run->rows[0]->seq,
                                run->rows[run->count - 1]->seq, err);
    if (!run->name)
        return false;
    return (run->bundle_id = gpi_bundle_id_from_name(run->name)) || gpi_error_nomem(err);
}

static size_t text_bytes(const pack_run *run)
{
    size_t n = strlen(run->name) + strlen(run->bundle_id) + strlen(run->state.profile->name) +
               sizeof run->submission;
    const char *school[] = {run->school.type, run->school.code, run->school.name};
    for (size_t i = 0; i < GPI_ARRAY_LEN(school); i++)
        n += school[i] ? strlen(school[i]) : 0;
    for (int f = 0; f < GPI_STATION_FIELD_COUNT; f++)
        n += run->station.value[f] ? strlen(run->station.value[f]) : 0;
    return n;
}

static size_t row_value_bytes(const gpi_student *row)
{
    size_t n = 0;
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        n += row->value[f] ? strlen(row->value[f]) : 0;
    return n + sizeof row->seq;
}

/* Planned from the sizes the folder listing saw (no photo is read yet).
 * Returns false with err set on failure; true with findings added to
 * plan_report when a photo alone exceeds the part size. */
/* The submission id every part carries: the SHA-256 of roster.csv as it
 * would be written for all rows, so parts of one run agree and parts of
 * another run (other students) do not. */
static bool submission_id(pack_run *run, gp_error *err)
{
    size_t len = 0;
    char *csv = gpi_roster_csv(run->rows, run->count, &len);
    if (!csv)
        return gpi_error_nomem(err);
    unsigned char digest[32];
    gpi_sha256(csv, len, digest);
    gpi_hex(digest, sizeof digest, run->submission);
    free(csv);
    return true;
}

static bool plan_parts(pack_run *run, gp_error *err)
{
    if (!submission_id(run, err))
        return false;
    uint64_t mail = run->state.profile->mail_attachment_limit;
    run->auto_split = !run->opt->max_part_bytes && mail;
    run->part_limit = run->opt->max_part_bytes ? run->opt->max_part_bytes : mail;
    uint64_t limit = run->part_limit;
    size_t id_len = strlen(run->bundle_id) + sizeof "-part9999-of-9999";
    uint64_t fixed = gpi_part_fixed_cost(id_len, text_bytes(run));
    uint64_t *cost = malloc(run->count * sizeof *cost);
    if (!cost)
        return gpi_error_nomem(err);
    for (size_t i = 0; i < run->count; i++)
        cost[i] = gpi_part_row_cost(id_len, run->photos[i]->size, row_value_bytes(run->rows[i]));
    bool planned = gpi_plan_parts(cost, run->count, fixed, limit, &run->ranges, &run->part_count);
    if (!planned && run->part_count == SIZE_MAX) {
        free(cost);
        run->part_count = 0;
        return gpi_error_nomem(err);
    }
    for (size_t i = 0; !planned && i < run->count; i++) {
        if (cost[i] <= limit && fixed <= limit - cost[i])
            continue;
        char actual[32], expected[48];
        snprintf(actual, sizeof actual, "%llu", (unsigned long long)run->photos[i]->size);
        if (run->auto_split)
            snprintf(expected, sizeof expected, "邮件附件上限 ≥ %llu",
                     (unsigned long long)(fixed + cost[i]));
        else
            snprintf(expected, sizeof expected, "--max-part-size ≥ %llu",
                     (unsigned long long)(fixed + cost[i]));
        gpi_report_add(run->plan_report, GP_PACK_PHOTO_TOO_LARGE,
                      &(gpi_where){.seq = run->rows[i]->seq, .row = run->rows[i]->row,
                                  .file = run->photos[i]->name},
                      actual, expected,
                      "照片 %s 有 %llu 字节，连同花名册等文件放不进 %llu 字节的分卷", run->photos[i]->name,
                      (unsigned long long)run->photos[i]->size, (unsigned long long)limit);
    }
    free(cost);
    if (!planned)
        run->part_count = 0;
    if (mail && run->opt->max_part_bytes > mail) {
        char actual[32], expected[32];
        snprintf(actual, sizeof actual, "%.1f MB", run->opt->max_part_bytes / 1048576.0);
        snprintf(expected, sizeof expected, "≤ %.1f MB", mail / 1048576.0);
        gpi_report_add(run->plan_report, GP_PACK_PART_OVER_MAIL_LIMIT, NULL, actual, expected,
                      "分卷上限 %s 大于规格的邮件附件上限 %.1f MB", actual, mail / 1048576.0);
    }
    if (planned && run->auto_split && run->part_count > 1)
        gpi_report_add(run->plan_report, GP_PACK_AUTO_SPLIT, NULL, NULL, NULL,
                      "全部照片放进一个压缩包会超过邮件附件上限 %.1f MB，已自动分成 %zu 卷，"
                      "每卷用一封邮件发送",
                      mail / 1048576.0, run->part_count);
    return true;
}

/* Every target is named and checked before anything is written. */
static size_t target_count(const pack_run *run)
{
    return run->part_count + (run->has_workbook ? 2 : 1);
}

static const char *target_name(const pack_run *run, size_t i)
{
    if (i < run->part_count)
        return run->parts[i].file;
    return run->has_workbook && i == run->part_count ? run->workbook_file : run->letter_file;
}

/* No output may exist unless --force, and none may be a folder or other
 * non-regular file.  Checked for all before anything is written, and again
 * just before committing. */
static bool targets_are_free(const pack_run *run, gp_error *err)
{
    for (size_t i = 0; i < target_count(run); i++) {
        char *path = gpi_path_join(run->opt->output_dir, target_name(run, i));
        if (!path)
            return gpi_error_nomem(err);
        gpi_os_stat st;
        bool exists = gpi_os_stat_path(path, false, &st) == 0;
        if (exists && st.type != GPI_OS_REGULAR)
            gpi_error_set(err, GP_ERR_EXISTS, EEXIST,
                         "输出位置 '%s' 已被文件夹或其他非普通文件占用，没有写出任何文件", path);
        else if (exists && run->opt->force)
            exists = false;
        if (exists)
            gpi_error_set(err, GP_ERR_EXISTS, EEXIST,
                         "输出文件 '%s' 已存在，没有写出任何文件。若要覆盖，请加 --force。", path);
        free(path);
        if (exists)
            return false;
    }
    return true;
}

static bool prepare_targets(pack_run *run, gp_error *err)
{
    const char *dir = run->opt->output_dir;
    run->parts = calloc(run->part_count, sizeof *run->parts);
    if (!run->parts)
        return gpi_error_nomem(err);
    char *names[2] = {gpi_asprintf("%s.xlsx", run->name),
                      gpi_asprintf("%s%s", run->name, LETTER_SUFFIX)};
    run->workbook_file = names[0];
    run->letter_file = names[1];
    if (!names[0] || !names[1])
        return gpi_error_nomem(err);
    for (size_t k = 0; k < run->part_count; k++) {
        char *stem = gpi_part_stem(run->name, (int)k + 1, (int)run->part_count);
        run->parts[k].file = stem ? gpi_asprintf("%s.zip", stem) : NULL;
        free(stem);
        if (!run->parts[k].file)
            return gpi_error_nomem(err);
    }
    /* the folder's lock first (as merge and fix take it), then a killed
     * run's commit finished and dead runs' temporary files removed, and only
     * then is it decided whether the outputs exist */
    if (!(run->lock = gpi_lock_output(dir, err)) || !targets_are_free(run, err))
        return false;
    unsigned mode = run->opt->shared ? GPI_MODE_SHARED : GPI_MODE_PRIVATE;
    for (size_t i = 0; i < target_count(run); i++) {
        char *path = gpi_path_join(dir, target_name(run, i));
        if (!path)
            return gpi_error_nomem(err);
        gpi_atomic *a = gpi_atomic_begin_mode(path, run->opt->force, mode, err);
        free(path);
        if (!a)
            return false;
        if (i < run->part_count)
            run->parts[i].zip = a;
        else if (run->has_workbook && i == run->part_count)
            run->workbook = a;
        else
            run->letter = a;
    }
    return true;
}

static gpi_workbook_info workbook_info(const pack_run *run)
{
    const char *station = run->station.present && run->station.value[GPI_STATION_NAME][0]
                              ? run->station.value[GPI_STATION_NAME]
                              : NULL;
    return (gpi_workbook_info){.title = run->name, .school = run->school.name, .station = station};
}

/* A part's workbook, written through a temporary file and read back into
 * memory (it is small: 9,999 rows are well under 1 MB). */
static bool part_workbook(pack_run *run, const gpi_part_range *range, const char *stem,
                          unsigned char **data, size_t *len, gp_error *err)
{
    char *file = gpi_asprintf("%s-roster.xlsx", stem);
    char *path = file ? gpi_path_join(run->opt->output_dir, file) : NULL;
    free(file);
    if (!path)
        return gpi_error_nomem(err);
    gpi_atomic *tmp = gpi_atomic_begin(path, true, err);
    free(path);
    if (!tmp)
        return false;
    gpi_workbook_info info = workbook_info(run);
    bool ok = gpi_workbook_write(tmp, run->rows + range->first, range->count, &info, NULL, err) &&
              gpi_read_file(gpi_atomic_temp_path(tmp), GPI_MAX_ROSTER_BYTES, data, len, err);
    gpi_atomic_abort(tmp); /* never an output of its own */
    return ok;
}

/* Whether photo i has an error as check would judge it alone (duplicates
 * are found only when all are read): the writer stops at the first. */
static bool photo_has_error(const pack_run *run, size_t i)
{
    gp_report *scratch = gp_report_new("pack");
    if (!scratch)
        return false; /* judged for real afterwards */
    const gpi_photo_result *res = &run->state.results[i];
    gpi_where w = {.row = run->rows[i]->row, .seq = run->rows[i]->seq, .file = run->photos[i]->name};
    int errors = gpi_photo_judge(&res->info, res->size, run->state.profile, &w, scratch);
    gp_report_free(scratch);
    return errors > 0;
}

/* libzip asks for photo k's bytes while it writes the zip (at zip_close,
 * in entry order): take them from the pipeline, waiting for the worker. */
static bool fetch_photo(void *context, unsigned char **data, size_t *size)
{
    photo_fetch *f = context;
    pack_run *run = f->run;
    size_t i = f->index;
    bool ok = gpi_photo_pipeline_take(run->pipeline, i, data, size);
    gpi_progress_report(run->opt->check.progress, run->opt->check.progress_context, ++run->packed,
                       run->count);
    if (ok && *size != run->photos[i]->size) {
        run->changed[i] = true; /* the zip entry's size was set from the listing */
        ok = false;
    } else if (ok && photo_has_error(run, i)) {
        ok = false;
    }
    if (!ok) {
        run->stopped = true;
        free(*data);
        *data = NULL;
        return false;
    }
    memcpy(f->item->sha256, run->state.results[i].sha256, 32);
    return true;
}

/* Returns false with err set, or with run->stopped set when a photo
 * stopped the writer (then err is untouched). */
static bool write_part(pack_run *run, size_t k, gp_error *err)
{
    const gpi_part_range *range = &run->ranges[k];
    const gpi_student **rows = run->rows + range->first;
    int part = (int)k + 1, parts = (int)run->part_count;
    char *part_id = gpi_part_stem(run->bundle_id, part, parts);
    char *stem = gpi_part_stem(run->name, part, parts);
    size_t n_items = gpi_bundle_entry_count(false, range->count);
    gpi_zip_item *items = calloc(n_items, sizeof *items);
    char (*photo_names)[GPI_PHOTO_ENTRY_SIZE] = calloc(range->count, sizeof *photo_names);
    unsigned char *xlsx = NULL;
    size_t xlsx_len = 0, csv_len = 0;
    char *csv = NULL, *json = NULL;
    bool ok = false;
    if (!part_id || !stem || !items || !photo_names) {
        gpi_error_nomem(err);
        goto done;
    }
    if (!part_workbook(run, range, stem, &xlsx, &xlsx_len, err))
        goto done;
    csv = gpi_roster_csv(rows, range->count, &csv_len);
    gpi_bundle_info info = {
        .profile = run->state.profile->name, .name = run->name, .bundle_id = part_id,
        .school = run->school, .station = &run->station,
        .part = part, .parts = parts, .submission = run->submission, .rows = range->count,
        .seq_first = rows[0]->seq, .seq_last = rows[range->count - 1]->seq,
    };
    json = gpi_bundle_json(&info, err);
    if (!csv || !json) {
        gpi_error_nomem(err);
        goto done;
    }
    gpi_bundle_head head = {.json = json, .csv = csv, .csv_len = csv_len, .xlsx = xlsx,
                            .xlsx_len = xlsx_len};
    size_t first_photo = gpi_bundle_head_items(items, &head);
    for (size_t i = 0; i < range->count; i++) {
        size_t g = range->first + i;
        gpi_zip_item *it = &items[first_photo + i];
        run->fetches[g] = (photo_fetch){.run = run, .index = g, .item = it};
        gpi_bundle_photo_item(it, photo_names[i], rows[i]->seq, (size_t)run->photos[g]->size,
                              fetch_photo, &run->fetches[g]);
    }
    gpi_manifest_item manifest;
    gpi_manifest_item_init(&manifest, items, n_items - 1);

    part_output *out = &run->parts[k];
    const char *zip_path = gpi_atomic_temp_path(out->zip);
    gp_error write_err = {0};
    if (!gpi_bundle_write(zip_path, part_id, items, n_items, run->password, &write_err)) {
        if (!run->stopped)
            gpi_error_propagate(err, &write_err);
        goto done;
    }
    if (!gpi_file_digest(zip_path, &out->bytes, out->sha256, err))
        goto done;
    uint64_t limit = run->part_limit;
    if (limit && out->bytes > limit) {
        gpi_error_set(err, GP_ERR_INTERNAL, 0,
                     "分卷 %s 实际大小 %llu 字节超过了上限 %llu 字节（分卷估算有误，请报告此问题）",
                     out->file, (unsigned long long)out->bytes, (unsigned long long)limit);
        goto done;
    }
    ok = true;
done:
    free(json);
    free(csv);
    free(xlsx);
    free(photo_names);
    free(items);
    free(stem);
    free(part_id);
    return ok;
}

static char *format_size(uint64_t bytes)
{
    if (bytes < 1024 * 1024)
        return gpi_asprintf("%.1f KB（%llu 字节）", (double)bytes / 1024.0,
                           (unsigned long long)bytes);
    return gpi_asprintf("%.1f MB（%llu 字节）", (double)bytes / (1024.0 * 1024.0),
                       (unsigned long long)bytes);
}

/* The subject line of email k (0-based): the bundle's name, and which
 * email of how many when there are several. */
static char *email_subject(const pack_run *run, size_t k)
{
    if (run->part_count <= 1)
        return gpi_asprintf("%s 毕业生图像信息", run->name);
    return gpi_asprintf("%s 毕业生图像信息（第 %zu 封，共 %zu 封）", run->name, k + 1,
                       run->part_count);
}

static bool write_letter(pack_run *run, gp_error *err)
{
    char *template_path = strdup(run->state.profile->cover_letter);
    unsigned char *tpl = NULL;
    size_t tpl_len = 0;
    bool ok = template_path && gpi_read_file(template_path, MAX_TEMPLATE_BYTES, &tpl, &tpl_len, err);
    free(template_path);
    if (!ok)
        return template_path ? false : gpi_error_nomem(err);

    /* one entry per email: its subject and attachments, so that the
     * receiver can tell whether every email arrived */
    gpi_buf list = {0};
    bool several = run->part_count > 1;
    for (size_t k = 0; k < run->part_count; k++) {
        const gpi_part_range *r = &run->ranges[k];
        char *size = format_size(run->parts[k].bytes);
        char *subject = email_subject(run, k);
        const char *indent = several ? "    " : "  ";
        if (several)
            gpi_buf_printf(&list, "  第 %zu 封邮件（共 %zu 封），主题“%s”：\n", k + 1,
                          run->part_count, subject ? subject : "");
        gpi_buf_printf(&list, "%s%s", indent, run->parts[k].file);
        if (several)
            gpi_buf_printf(&list, "（第 %zu 卷，共 %zu 卷）", k + 1, run->part_count);
        gpi_buf_printf(&list, "\n%s  %zu 人，拍摄序号 %s–%s，%s\n%s  SHA-256：%s\n", indent,
                      r->count, run->rows[r->first]->seq,
                      run->rows[r->first + r->count - 1]->seq, size ? size : "", indent,
                      run->parts[k].sha256);
        free(size);
        free(subject);
        if (run->has_workbook && k == 0) {
            char *wb_size = format_size(run->workbook_bytes);
            gpi_buf_printf(&list, "%s%s\n%s  花名册工作簿，全部 %zu 人，%s\n", indent,
                          run->workbook_file, indent, run->count, wb_size ? wb_size : "");
            if (several)
                gpi_buf_printf(&list, "%s  （各卷压缩包内的 roster.xlsx 只含该卷的学生）\n",
                              indent);
            else
                gpi_buf_printf(&list, "%s  （与压缩包内的 roster.xlsx 内容相同）\n", indent);
            free(wb_size);
        }
    }
    char *attachments = gpi_buf_take(&list);
    char rows[32], parts[32];
    const char *agency = run->state.profile->agency;
    char *emails = several ? gpi_asprintf("共 %zu 封邮件，每封一个压缩包；请收齐 %zu 封后再解压。",
                                         run->part_count, run->part_count)
                           : strdup("共 1 封邮件。");
    snprintf(rows, sizeof rows, "%zu", run->count);
    snprintf(parts, sizeof parts, "%zu", run->part_count);
    const gpi_station *st = &run->station;
    gpi_letter_value values[] = {
        {"name", run->name},
        {"agency", agency},
        {"emails", emails ? emails : ""},
        {"school_type", run->school.type},
        {"school_code", run->school.code},
        {"school_name", run->school.name},
        {"station_name", gpi_station_value_or_placeholder(st, GPI_STATION_NAME)},
        {"contact", gpi_station_value_or_placeholder(st, GPI_STATION_CONTACT)},
        {"phone", gpi_station_value_or_placeholder(st, GPI_STATION_PHONE)},
        {"address", gpi_station_value_or_placeholder(st, GPI_STATION_ADDRESS)},
        {"email", gpi_station_value_or_placeholder(st, GPI_STATION_EMAIL)},
        {"rows", rows},
        {"seq_first", run->rows[0]->seq},
        {"seq_last", run->rows[run->count - 1]->seq},
        {"parts", parts},
        {"attachments", attachments},
        {"encryption_note",
         run->password ? "压缩包已加密（WinZip AES-256，可用 7-Zip、WinRAR、Bandizip 打开），"
                         "密码将通过电话或短信另行告知，请勿回复本邮件索取。"
                       : "压缩包未加密。"},
    };
    size_t len = 0;
    char *text = attachments ? gpi_letter_fill((const char *)tpl, tpl_len, values,
                                              GPI_ARRAY_LEN(values), &len)
                             : NULL;
    free(attachments);
    free(emails);
    free(tpl);
    if (!text)
        return gpi_error_nomem(err);
    FILE *f = gpi_atomic_stream(run->letter, err);
    ok = f && fwrite(text, 1, len, f) == len;
    unsigned char sha[32];
    gpi_sha256(text, len, sha);
    gpi_hex(sha, 32, run->letter_sha256);
    run->letter_bytes = len;
    free(text);
    if (f && !ok)
        gpi_error_set(err, GP_ERR_WRITE, errno, "无法写出邮件正文 '%s'", run->letter_file);
    return ok;
}

static void add_output(gp_report *report, const char *file, uint64_t bytes, const char *sha256)
{
    gp_report_table_row(report, "outputs");
    gp_report_cell_str(report, "outputs", "file", file);
    gp_report_cell_int(report, "outputs", "bytes", (long long)bytes);
    gp_report_cell_str(report, "outputs", "sha256", sha256);
}

/* Every output as one set (gpi_atomic_commit_set): the folder then holds all
 * of this run's outputs or, if the run is killed while renaming, the next
 * run finishes the renames; Ctrl-C cannot stop them half-way, so a cover
 * letter never names a zip that is not there.  The folder's lock
 * (.gradpack.lock, a hidden file) is held from before the targets are
 * checked until the end, so two packs into one outbox never both commit. */
static bool commit_all(pack_run *run, gp_error *err)
{
    const char *dir = run->opt->output_dir;
    size_t n = target_count(run);
    gpi_atomic **set = calloc(n, sizeof *set);
    if (!set)
        return gpi_error_nomem(err);
    for (size_t k = 0; k < run->part_count; k++) {
        set[k] = run->parts[k].zip;
        run->parts[k].zip = NULL;
    }
    if (run->has_workbook)
        set[n - 2] = run->workbook;
    set[n - 1] = run->letter;
    run->workbook = run->letter = NULL;
    /* under the lock taken in prepare_targets: nobody else can have
     * written meanwhile, but a file a person put there is still refused */
    bool ok = targets_are_free(run, err) && gpi_atomic_commit_set(set, n, dir, err);
    if (!ok)
        for (size_t i = 0; i < n; i++)
            gpi_atomic_abort(set[i]); /* those the set did not take */
    free(set);
    return ok;
}

/* The single read: name, parts, temporary outputs, then the photos read
 * ahead of the zip writer.  Returns false with err set or run->stopped
 * set; either way every photo has been read and inspected once on return
 * when run->inspected is set.  Nothing is committed here. */
static bool write_outputs(pack_run *run, gp_error *err)
{
    if (!choose_name(run, err) || !plan_parts(run, err))
        return false;
    if (gp_report_count_severity(run->plan_report, GP_ERROR) > 0)
        return false;
    gp_pack_options *options = run->opt;
    if (options->encrypt && !run->password_read) {
        if (!options->password) {
            options->generated_password = gpi_password_generate(GPI_PASSWORD_LENGTH);
            if (!options->generated_password)
                return gpi_error_set(err, GP_ERR_INTERNAL, 0,
                                    "无法生成随机密码（OpenSSL RAND_bytes 失败）");
        }
        run->password = options->password ? options->password : options->generated_password;
    }
    /* encrypted: the roster with every ID number goes only inside the
     * encrypted zip, never beside it in plain text */
    run->has_workbook = run->password == NULL;
    if (!prepare_targets(run, err))
        return false;
    run->pipeline = gpi_photo_pipeline_start(run->state.photos->files, run->state.results,
                                            run->count, options->check.threads,
                                            options->check.thumbnails, err);
    if (!run->pipeline)
        return false;
    gpi_workbook_info info = workbook_info(run);
    bool ok = true;
    if (run->has_workbook) {
        ok = gpi_workbook_write(run->workbook, run->rows, run->count, &info, NULL, err) &&
             gpi_file_digest(gpi_atomic_temp_path(run->workbook), &run->workbook_bytes,
                             run->workbook_sha256, err);
    }
    for (size_t k = 0; ok && k < run->part_count; k++)
        ok = write_part(run, k, err);
    /* the photos the writer did not take are still read and inspected */
    gpi_photo_pipeline_finish(run->pipeline);
    run->pipeline = NULL;
    run->inspected = true;
    return ok;
}

/* pack.photo_changed: a photo whose size is not the one the folder
 * listing saw (the zip entry's size had been set from it). */
static void report_changed(pack_run *run)
{
    for (size_t i = 0; i < run->count; i++) {
        if (!run->changed[i])
            continue;
        char actual[32], expected[32];
        snprintf(actual, sizeof actual, "%llu", (unsigned long long)run->state.results[i].size);
        snprintf(expected, sizeof expected, "%llu", (unsigned long long)run->photos[i]->size);
        gpi_report_add(run->report, GP_PACK_PHOTO_CHANGED,
                      &(gpi_where){.seq = run->rows[i]->seq, .row = run->rows[i]->row,
                                  .file = run->photos[i]->name},
                      actual, expected, "照片 %s 在打包过程中被改动（大小变了），没有写出任何文件",
                      run->photos[i]->name);
    }
}

/* An encrypted pack writes no workbook beside the zips; one left there by
 * an earlier plain run holds every ID number in clear. */
static void note_plaintext_left(pack_run *run)
{
    char *file = gpi_asprintf("%s.xlsx", run->name);
    char *path = file ? gpi_path_join(run->opt->output_dir, file) : NULL;
    gpi_os_stat st;
    if (path && gpi_os_stat_path(path, false, &st) == 0)
        gpi_report_add(run->plan_report, GP_PACK_PLAINTEXT_LEFT, &(gpi_where){.file = file}, file,
                      NULL, "输出文件夹中的 %s 是以前未加密打包留下的，含身份证号；这次没有改写它", file);
    free(path);
    free(file);
}

static void report_outputs(pack_run *run)
{
    gp_report *r = run->report;
    gp_report_set_str(r, "name", run->name);
    gp_report_set_str(r, "bundle_id", run->bundle_id);
    gp_report_set_int(r, "parts", (long long)run->part_count);
    gp_report_set_str(r, "sha256", run->parts[0].sha256);
    gp_report_set_bool(r, "encrypted", run->password != NULL);
    gp_report_set_str(r, "agency", run->state.profile->agency);
    gp_report_set_int(r, "mail_limit", (long long)run->state.profile->mail_attachment_limit);
    gp_report_set_int(r, "emails", (long long)run->part_count);
    for (size_t k = 0; k < run->part_count; k++)
        add_output(r, run->parts[k].file, run->parts[k].bytes, run->parts[k].sha256);
    if (run->has_workbook)
        add_output(r, run->workbook_file, run->workbook_bytes, run->workbook_sha256);
    add_output(r, run->letter_file, run->letter_bytes, run->letter_sha256);
    /* what to send: one email per part, the workbook with the first */
    for (size_t k = 0; k < run->part_count; k++) {
        char *subject = email_subject(run, k);
        char *files = run->has_workbook && k == 0
                          ? gpi_asprintf("%s、%s", run->parts[k].file, run->workbook_file)
                          : strdup(run->parts[k].file);
        gp_report_table_row(r, "emails");
        gp_report_cell_int(r, "emails", "email", (long long)k + 1);
        gp_report_cell_str(r, "emails", "subject", subject ? subject : run->name);
        gp_report_cell_str(r, "emails", "attachments", files ? files : run->parts[k].file);
        gp_report_cell_str(r, "emails", "letter", run->letter_file);
        free(subject);
        free(files);
    }
}

gp_report *gp_pack(const char *roster_path, const char *photo_dir, gp_pack_options *options,
                   gp_error *err)
{
    if (!options || !options->output_dir || !*options->output_dir) {
        gpi_error_set(err, GP_ERR_USAGE, 0, "需要用 -o 指定输出文件夹");
        return NULL;
    }
    if (options->encrypt && options->password && !*options->password) {
        gpi_error_set(err, GP_ERR_USAGE, 0, "密码不能为空");
        return NULL;
    }
    options->generated_password = NULL;
    pack_run run = {.opt = options};
    if (!gpi_check_is_directory(photo_dir, err))
        return NULL;
    if (options->encrypt && !options->password && options->password_file) {
        run.station_report = gp_report_new("pack");
        if (!run.station_report) {
            gpi_error_nomem(err);
            goto fail;
        }
        run.password_read = gpi_password_file_read(options->password_file, run.station_report, err);
        if (!run.password_read)
            goto fail;
        run.password = run.password_read;
    }
    run.check_report = gp_report_new("check");
    if (!run.station_report)
        run.station_report = gp_report_new("pack");
    run.plan_report = gp_report_new("pack");
    if (!run.check_report || !run.station_report || !run.plan_report) {
        gpi_error_nomem(err);
        goto fail;
    }
    /* no photo is read before the pipeline (or check's own reading) */
    if (!gpi_check_prepare(roster_path, photo_dir, &options->check, &run.state, run.check_report,
                          err) ||
        !gpi_station_load(options->station_path, &run.station, run.station_report, err))
        goto fail;
    bool paired = false;
    if (gp_report_count_severity(run.check_report, GP_ERROR) == 0 &&
        !pair_rows(&run, &paired, err))
        goto fail;
    gp_error write_err = {0};
    bool written = paired && write_outputs(&run, &write_err);
    if (!run.inspected)
        gpi_check_inspect(&run.state, options->check.threads, options->check.progress,
                         options->check.progress_context);

    /* every photo judged as check judges it: the same findings, in the same
     * order, before anything else (as when check ran first) */
    if (!gpi_check_finish(&run.state, run.check_report, err))
        goto fail;
    run.report = report_from_check(run.check_report);
    if (!run.report || !gpi_report_absorb(run.report, run.station_report, NULL)) {
        gpi_error_nomem(err);
        goto fail;
    }
    if (gp_report_count_severity(run.report, GP_ERROR) > 0)
        goto findings;
    if (!paired) {
        gpi_error_set(err, GP_ERR_INTERNAL, 0, "检查通过但花名册与照片不能一一对应");
        goto fail;
    }
    if (!written) {
        report_changed(&run);
        if (!gpi_report_absorb(run.report, run.plan_report, NULL)) {
            gpi_error_nomem(err);
            goto fail;
        }
        if (gp_report_count_severity(run.report, GP_ERROR) > 0)
            goto findings;
        if (write_err.status == GP_OK)
            gpi_error_set(&write_err, GP_ERR_INTERNAL, 0, "打包中止，但没有找到原因");
        gpi_error_propagate(err, &write_err);
        goto fail;
    }
    /* nothing is committed on a report that lost a finding */
    if (!gpi_report_complete(run.report, err) || !write_letter(&run, err) ||
        !commit_all(&run, err))
        goto fail;
    if (run.password)
        note_plaintext_left(&run);
    if (!gpi_report_absorb(run.report, run.plan_report, NULL)) {
        gpi_error_nomem(err);
        goto fail;
    }
    report_outputs(&run);
findings:
    if (!gpi_report_complete(run.report, err))
        goto fail;
    gp_report_sort(run.report);
    gp_report *report = run.report;
    run.report = NULL;
    run_free(&run);
    return report;
fail:
    gp_report_free(run.report);
    run_free(&run);
    free(options->generated_password);
    options->generated_password = NULL;
    return NULL;
}
