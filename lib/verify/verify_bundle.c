/* One bundle, judged on its own: safe reading (bundle_reader.c), layout,
 * bundle.json, the manifest, the roster with exactly check's rules, and
 * every photo inspected against the profile bundle.json names.  Each entry
 * is read once: hashed and, for photos, inspected from the same buffer, in
 * parallel across entries with one archive handle per worker. */
#include "verify_internal.h"
#include "check/check.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/findings.h"
#include "core/os.h"
#include "core/pool.h"
#include "core/profile.h"
#include "bundle/bundle.h"
#include "photo/photo.h"
#include "roster/roster.h"
#include "verify/reader.h"
#include "passwords.h"
#include "photo/jpeg_limits.h"
#include "photo/thumbnail.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* What an entry is, by its path under the bundle folder. */
typedef enum entry_kind {
    KIND_OUTSIDE,   /* not under the bundle folder */
    KIND_META,      /* bundle.json */
    KIND_ROSTER,    /* roster.csv */
    KIND_WORKBOOK,  /* roster.xlsx */
    KIND_MANIFEST,  /* MANIFEST.sha256 */
    KIND_PHOTO,     /* photos/NNNN.jpg */
    KIND_OTHER
} entry_kind;

typedef struct entry_state {
    entry_kind kind;
    const char *rel;        /* path under the bundle folder */
    bool hashed;
    unsigned char sha256[32];
    bool listed;            /* named by the manifest */
} entry_state;

typedef struct bundle_job {
    gpi_verified *v;
    const gp_verify_options *options;
    gp_report *report;
    gp_error *err;
    entry_state *entries;
    size_t count;
    gpi_bundle_reader *reader;  /* the calling thread's */
    unsigned char *roster_csv; /* kept to compare roster.xlsx with */
    size_t roster_csv_len;
} bundle_job;

static entry_kind kind_of(const char *rel)
{
    char seq[5];
    if (!strcmp(rel, GPI_ENTRY_META))
        return KIND_META;
    if (!strcmp(rel, GPI_ENTRY_ROSTER))
        return KIND_ROSTER;
    if (!strcmp(rel, GPI_ENTRY_WORKBOOK))
        return KIND_WORKBOOK;
    if (!strcmp(rel, GPI_ENTRY_MANIFEST))
        return KIND_MANIFEST;
    return gpi_photo_entry_seq(rel, seq) ? KIND_PHOTO : KIND_OTHER;
}

/* ---- layout: one top folder ------------------------------------------- */

static size_t top_length(const char *name)
{
    const char *slash = strchr(name, '/');
    return slash ? (size_t)(slash - name) : 0;
}

/* The bundle folder's prefix: "ID/" when every file is under one folder; ""
 * for a folder bundle whose files lie at its top.  Anything else is
 * bundle.layout, and the folder holding roster.csv (if any) is used. */
static bool find_base(bundle_job *job)
{
    gpi_verified *v = job->v;
    const gpi_bundle *b = v->bundle;
    size_t n = gpi_bundle_count(b), root_files = 0, tops = 0;
    const char *first_top = NULL;
    size_t first_len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = gpi_bundle_entry_at(b, i)->name;
        size_t t = top_length(name);
        if (!t) {
            root_files++;
        } else if (!first_top) {
            first_top = name;
            first_len = t;
            tops = 1;
        } else if (t != first_len || strncmp(name, first_top, t) != 0) {
            tops++;
        }
    }
    gpi_where w = {.source = v->source};
    if (gpi_bundle_is_folder(b) && root_files) {
        v->base = strdup("");
    } else if (!root_files && tops == 1) {
        v->base = strndup(first_top, first_len + 1);
    } else {
        if (n == 0)
            gpi_report_add(job->report, GP_BUNDLE_LAYOUT, &w, "0", NULL,
                          "%s 里没有任何文件", v->source);
        else
            gpi_report_add(job->report, GP_BUNDLE_LAYOUT, &w, NULL, "一个文件夹",
                          "%s 里的文件应全部放在同一个文件夹中，实际有 %zu 个文件在最外层、"
                          "%zu 个不同的文件夹",
                          v->source, root_files, tops);
        v->base = NULL;
        for (size_t i = 0; i < n && !v->base; i++) {
            const char *name = gpi_bundle_entry_at(b, i)->name;
            size_t t = top_length(name);
            if (t && !strcmp(name + t + 1, GPI_ENTRY_ROSTER))
                v->base = strndup(name, t + 1);
        }
        if (!v->base)
            v->base = strdup("");
    }
    return v->base || gpi_error_nomem(job->err);
}

/* ---- reading single files on the calling thread ------------------------- */

/* Read entry i whole; NULL when it could not be read (reported). */
static unsigned char *read_entry(bundle_job *job, size_t i, size_t *len)
{
    gpi_entry_read r;
    gpi_bundle_read(job->reader, i, &r);
    if (r.status != GPI_READ_OK) {
        gpi_bundle_report_read(job->v->bundle, i, &r, job->v->source, job->report);
        return NULL;
    }
    gpi_sha256(r.data, r.len, job->entries[i].sha256);
    job->entries[i].hashed = true;
    *len = r.len;
    return r.data;
}

static long find_kind(const bundle_job *job, entry_kind kind)
{
    for (size_t i = 0; i < job->count; i++)
        if (job->entries[i].kind == kind)
            return (long)i;
    return -1;
}

/* bundle.json, then the profile it names (a plain name only). */
static bool read_meta_and_profile(bundle_job *job)
{
    gpi_verified *v = job->v;
    gpi_where w = {.source = v->source, .file = GPI_ENTRY_META};
    long at = find_kind(job, KIND_META);
    if (at < 0) {
        gpi_report_add_severity(job->report, GP_WARNING, GP_BUNDLE_METADATA, &w, NULL,
                               "bundle.json", "%s 里没有 bundle.json，按本单位规定的规格检查内容",
                               v->source);
    } else {
        size_t len = 0;
        unsigned char *data = read_entry(job, (size_t)at, &len);
        bool ok = !data || gpi_bundle_meta_parse((const char *)data, len, &v->meta, v->source,
                                                 job->report, job->err);
        free(data);
        if (!ok)
            return false;
    }
    /* the office's profile, never the one bundle.json names */
    const char *office = job->options->profile && job->options->profile[0]
                             ? job->options->profile
                             : GP_DEFAULT_PROFILE;
    v->profile = gp_profile_load(office, job->err);
    if (!v->profile)
        return false;
    const char *claimed = v->meta.profile;
    if (claimed && claimed[0] && strcmp(claimed, gp_profile_name(v->profile)) != 0) {
        w.field = "profile";
        gpi_report_add(job->report, GP_BUNDLE_PROFILE_MISMATCH, &w, claimed,
                      gp_profile_name(v->profile),
                      "bundle.json 声明按规格 %s 打包，本单位规定的规格是 %s，已按 %s 核验",
                      claimed, gp_profile_name(v->profile), gp_profile_name(v->profile));
    }
    gpi_bundle_limits limits;
    gpi_bundle_limits_for(v->profile, &limits);
    gpi_bundle_set_limits(v->bundle, &limits);
    return true;
}

/* MANIFEST.sha256 → manifest (empty when absent or malformed: reported). */
static bool read_manifest(bundle_job *job, gpi_manifest *manifest, bool *have)
{
    gpi_verified *v = job->v;
    *have = false;
    long at = find_kind(job, KIND_MANIFEST);
    gpi_where w = {.source = v->source, .file = GPI_ENTRY_MANIFEST};
    if (at < 0) {
        /* pack always writes one: a bundle.json without it did not come
         * from pack as sent, so a swapped file could not be seen */
        gpi_report_add_severity(job->report, v->meta.present ? GP_ERROR : GP_WARNING,
                               GP_BUNDLE_MANIFEST_MISSING, &w, NULL, "MANIFEST.sha256",
                               "%s 里没有校验清单 MANIFEST.sha256，无法确认文件未被改动%s",
                               v->source,
                               v->meta.present ? "（有 bundle.json 的压缩包必须有校验清单）"
                                               : "");
        return true;
    }
    size_t len = 0;
    unsigned char *data = read_entry(job, (size_t)at, &len);
    if (!data)
        return true;
    size_t bad_line = 0;
    gp_error perr = {0};
    bool ok = gpi_manifest_parse((const char *)data, len, manifest, &bad_line, &perr);
    free(data);
    if (!ok && !bad_line) {
        gpi_error_nomem(job->err);
        return false;
    }
    if (!ok) {
        char line[32];
        snprintf(line, sizeof line, "第 %zu 行", bad_line);
        gpi_report_add(job->report, GP_BUNDLE_MANIFEST_SYNTAX, &w, line,
                      "<64 位十六进制>  <路径>",
                      "MANIFEST.sha256 第 %zu 行格式不对或重复，无法用它核对文件", bad_line);
        gpi_manifest_clear(manifest);
        return true;
    }
    *have = true;
    return true;
}

static bool read_roster(bundle_job *job)
{
    gpi_verified *v = job->v;
    long at = find_kind(job, KIND_ROSTER);
    gpi_where w = {.source = v->source, .file = GPI_ENTRY_ROSTER};
    if (at < 0) {
        gpi_report_add(job->report, GP_BUNDLE_ROSTER_MISSING, &w, NULL, "roster.csv",
                      "%s 里没有 roster.csv，无法核对学生信息", v->source);
        return true;
    }
    size_t len = 0;
    unsigned char *data = read_entry(job, (size_t)at, &len);
    if (!data)
        return true;
    v->roster = gpi_roster_parse((const char *)data, len, "roster.csv", job->options->encoding,
                                v->profile, job->report, job->err);
    job->roster_csv = data;
    job->roster_csv_len = len;
    if (!v->roster)
        return false;
    if (v->roster->usable)
        gpi_roster_apply_rules(v->roster, v->profile, "roster.csv", job->report);
    return true;
}

static long find_other(const bundle_job *job, const char *rel)
{
    for (size_t i = 0; i < job->count; i++)
        if (job->entries[i].kind == KIND_OTHER && !strcmp(job->entries[i].rel, rel))
            return (long)i;
    return -1;
}

/* roster.xlsx read back and compared with roster.csv (verify_workbook.c);
 * missing is an error when bundle.json says pack made the bundle. */
static bool read_workbook_and_others(bundle_job *job, bool have_manifest)
{
    gpi_verified *v = job->v;
    long at = find_kind(job, KIND_WORKBOOK);
    bool ok = true;
    if (at < 0) {
        gpi_where w = {.source = v->source, .file = GPI_ENTRY_WORKBOOK};
        gpi_report_add_severity(job->report, v->meta.present ? GP_ERROR : GP_WARNING,
                               GP_BUNDLE_WORKBOOK_MISSING, &w, NULL, "roster.xlsx",
                               "%s 里没有花名册工作簿 roster.xlsx", v->source);
    } else {
        size_t len = 0, mapping_len = 0;
        unsigned char *data = read_entry(job, (size_t)at, &len), *mapping = NULL;
        long m = v->meta.merged ? find_other(job, GPI_ENTRY_MAPPING) : -1;
        if (m >= 0)
            mapping = read_entry(job, (size_t)m, &mapping_len);
        if (data)
            ok = verify_workbook(v->source, data, len, (const char *)job->roster_csv,
                                 job->roster_csv_len, (const char *)mapping, mapping_len,
                                 job->report, job->err);
        free(data);
        free(mapping);
    }
    for (size_t i = 0; i < job->count; i++) {
        entry_state *e = &job->entries[i];
        /* other files are hashed only when the manifest names them */
        if (e->kind == KIND_OTHER && have_manifest && e->listed && !e->hashed) {
            size_t len = 0;
            free(read_entry(job, i, &len));
        }
    }
    return ok;
}

/* ---- photos, in parallel ------------------------------------------------ */

typedef struct photo_job {
    gpi_verified *v;
    gpi_bundle_reader **readers; /* one per worker */
    gpi_entry_read *reads;       /* per photo: status when not read */
    entry_state *entries;
    bool thumbnails;
    atomic_size_t next;
    /* progress (options->progress), serialised; never backwards */
    gp_progress_fn progress;
    void *progress_context;
    atomic_size_t done;
    pthread_mutex_t lock;
    size_t reported;
    gpi_jpeg_limits limits;
    uint64_t budget_ns;          /* CPU time for decoding this bundle's photos */
    atomic_uint_fast64_t spent_ns;
    atomic_size_t skipped;       /* photos left undecoded once over budget */
} photo_job;

static void photo_done(photo_job *job)
{
    if (!job->progress)
        return;
    size_t d = atomic_fetch_add(&job->done, 1) + 1;
    pthread_mutex_lock(&job->lock);
    if (d > job->reported) {
        job->reported = d;
        job->progress(job->progress_context, d, job->v->photo_count);
    }
    pthread_mutex_unlock(&job->lock);
}

/* Decode within the photo limits and the bundle's CPU budget. */
static void inspect_bounded(photo_job *job, const unsigned char *data, size_t len,
                            gpi_photo_result *result)
{
    gpi_jpeg_info *info = &result->info;
    if (atomic_load(&job->spent_ns) > job->budget_ns) {
        memset(info, 0, sizeof *info);
        info->orientation = 1;
        info->is_jpeg = len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
        info->skipped = true;
        snprintf(info->decode_error, sizeof info->decode_error,
                 "未解码：这个压缩包的解码时间已用完（not decoded: the bundle's CPU budget is spent）");
        atomic_fetch_add(&job->skipped, 1);
        return;
    }
    uint64_t start = gpi_os_thread_cpu_ns();
    gpi_inspect_wants wants = {.thumbnail = job->thumbnails, .limits = &job->limits};
    gpi_photo_inspect(data, len, &wants, result);
    atomic_fetch_add(&job->spent_ns, gpi_os_thread_cpu_ns() - start);
}

static void photo_worker(void *context, size_t worker)
{
    photo_job *job = context;
    gpi_verified *v = job->v;
    for (;;) {
        size_t p = atomic_fetch_add(&job->next, 1);
        if (p >= v->photo_count)
            break;
        gpi_verified_photo *photo = &v->photos[p];
        gpi_entry_read *r = &job->reads[p];
        gpi_bundle_read(job->readers[worker], photo->entry, r);
        if (r->status != GPI_READ_OK) {
            photo->result.read_ok = false;
            photo->result.read_errno = r->status == GPI_READ_TOO_LARGE ? EFBIG : EIO;
            photo->result.size = r->stopped_at;
            photo_done(job);
            continue;
        }
        photo->result.read_ok = true;
        photo->result.size = r->len;
        gpi_sha256(r->data, r->len, photo->result.sha256);
        inspect_bounded(job, r->data, r->len, &photo->result);
        free(r->data);
        r->data = NULL;
        entry_state *e = &job->entries[photo->entry];
        memcpy(e->sha256, photo->result.sha256, 32);
        e->hashed = true;
        photo_done(job);
    }
}

static int compare_photo(const void *a, const void *b)
{
    const gpi_verified_photo *x = a, *y = b;
    int c = strcmp(x->seq, y->seq);
    return c ? c : (x->entry > y->entry) - (x->entry < y->entry);
}

/* Photos by number; a second file for one number is photo.ambiguous. */
static bool collect_photos(bundle_job *job)
{
    gpi_verified *v = job->v;
    v->photos = calloc(job->count ? job->count : 1, sizeof *v->photos);
    if (!v->photos)
        return gpi_error_nomem(job->err);
    for (size_t i = 0; i < job->count; i++)
        if (job->entries[i].kind == KIND_PHOTO) {
            gpi_verified_photo *p = &v->photos[v->photo_count++];
            gpi_photo_entry_seq(job->entries[i].rel, p->seq);
            p->entry = i;
        }
    qsort(v->photos, v->photo_count, sizeof *v->photos, compare_photo);
    size_t kept = 0;
    for (size_t i = 0; i < v->photo_count; i++) {
        if (kept && !strcmp(v->photos[kept - 1].seq, v->photos[i].seq)) {
            const char *first = job->entries[v->photos[kept - 1].entry].rel;
            const char *other = job->entries[v->photos[i].entry].rel;
            gpi_where w = {.source = v->source, .seq = v->photos[i].seq, .file = other};
            gpi_report_add(job->report, GP_PHOTO_AMBIGUOUS, &w, other, first,
                          "拍摄序号 %s 有两个照片文件 %s 和 %s，只核验了 %s", v->photos[i].seq,
                          first, other, first);
            continue;
        }
        v->photos[kept++] = v->photos[i];
    }
    v->photo_count = kept;
    return true;
}

/* photo.oversized for each photo refused before decoding; bundle.too_costly
 * once when the budget ran out. */
static void report_costs(bundle_job *job, photo_job *pj)
{
    gpi_verified *v = job->v;
    for (size_t p = 0; p < v->photo_count; p++) {
        const gpi_jpeg_info *info = &v->photos[p].result.info;
        if (!info->skipped || info->width == 0)
            continue;
        char actual[48], limit[64];
        snprintf(actual, sizeof actual, "%d×%d", info->width, info->height);
        snprintf(limit, sizeof limit, "不超过 %llu 像素",
                 (unsigned long long)pj->limits.max_pixels);
        const char *name = job->entries[v->photos[p].entry].rel;
        gpi_where w = {.source = v->source, .seq = v->photos[p].seq, .file = name};
        gpi_report_add(job->report, GP_PHOTO_OVERSIZED, &w, actual, limit,
                      "照片 %s 是 %d×%d 像素，超过规格像素数的 %d 倍，未解码", name,
                      info->width, info->height, GPI_VERIFY_PIXEL_FACTOR);
    }
    size_t skipped = atomic_load(&pj->skipped);
    if (!skipped)
        return;
    char spent[48], budget[48];
    snprintf(spent, sizeof spent, "%.1f 秒", (double)atomic_load(&pj->spent_ns) / 1e9);
    snprintf(budget, sizeof budget, "%.1f 秒", (double)pj->budget_ns / 1e9);
    gpi_where w = {.source = v->source};
    gpi_report_add(job->report, GP_BUNDLE_TOO_COSTLY, &w, spent, budget,
                  "%s 的照片解码已用去 %s 处理器时间（上限 %s），其余 %zu 张照片未解码",
                  v->source, spent, budget, skipped);
}

static bool inspect_photos(bundle_job *job)
{
    gpi_verified *v = job->v;
    size_t n = v->photo_count;
    int threads = job->options->threads > 0 ? job->options->threads : gpi_cpu_count();
    size_t workers = (size_t)threads < n ? (size_t)threads : n;
    if (!workers)
        return true;
    photo_job pj = {.v = v, .entries = job->entries, .thumbnails = job->options->thumbnails,
                    .progress = job->options->progress,
                    .progress_context = job->options->progress_context};
    atomic_init(&pj.next, 0);
    atomic_init(&pj.done, 0);
    atomic_init(&pj.spent_ns, 0);
    atomic_init(&pj.skipped, 0);
    pthread_mutex_init(&pj.lock, NULL);
    if (pj.progress)
        pj.progress(pj.progress_context, 0, n);
    const gp_profile *p = v->profile;
    pj.limits.max_scans = GPI_VERIFY_MAX_SCANS;
    if (p->width > 0 && p->height > 0) {
        pj.limits.max_pixels = (uint64_t)GPI_VERIFY_PIXEL_FACTOR * (uint64_t)p->width *
                               (uint64_t)p->height;
        /* a progressive file's coefficients (2 bytes x 3 components x
         * pixels, subsampling aside) plus working room */
        pj.limits.max_memory = (long)(pj.limits.max_pixels * 8 + (32u << 20));
    }
    pj.budget_ns = ((uint64_t)GPI_VERIFY_CPU_BASE_MS + (uint64_t)GPI_VERIFY_CPU_PER_PHOTO_MS * n) *
                   1000000u;
    if (job->options->cpu_budget_ms > 0) /* tests */
        pj.budget_ns = (uint64_t)job->options->cpu_budget_ms * 1000000u;
    pj.readers = calloc(workers, sizeof *pj.readers);
    pj.reads = calloc(n, sizeof *pj.reads);
    bool ok = pj.readers && pj.reads;
    if (!ok)
        gpi_error_nomem(job->err);
    for (size_t t = 0; ok && t < workers; t++)
        ok = (pj.readers[t] = gpi_bundle_reader_new(v->bundle, job->err)) != NULL;
    if (ok) {
        gpi_parallel_for(workers, (int)workers, photo_worker, &pj);
        report_costs(job, &pj);
        for (size_t p = 0; p < n; p++) {
            gpi_read_status s = pj.reads[p].status;
            /* unreadable files are reported by the matching below */
            if (s != GPI_READ_OK && s != GPI_READ_FAILED && s != GPI_READ_NOMEM)
                gpi_bundle_report_read(v->bundle, v->photos[p].entry, &pj.reads[p], v->source,
                                      job->report);
        }
    }
    for (size_t t = 0; pj.readers && t < workers; t++)
        gpi_bundle_reader_free(pj.readers[t]);
    free(pj.readers);
    free(pj.reads);
    pthread_mutex_destroy(&pj.lock);
    return ok;
}

static void match_photos(bundle_job *job)
{
    gpi_verified *v = job->v;
    size_t n = v->photo_count;
    const char **seqs = calloc(n ? n : 1, sizeof *seqs);
    const char **names = calloc(n ? n : 1, sizeof *names);
    gpi_photo_result *results = calloc(n ? n : 1, sizeof *results);
    if (!seqs || !names || !results) {
        gpi_error_nomem(job->err);
    } else {
        for (size_t i = 0; i < n; i++) {
            seqs[i] = v->photos[i].seq;
            names[i] = job->entries[v->photos[i].entry].rel;
            results[i] = v->photos[i].result;
        }
        gpi_check_match_photos(v->roster && v->roster->usable ? v->roster : NULL, v->profile,
                              seqs, names, results, n, v->source, job->report);
        /* the report holds its own copy of each thumbnail now; merge keeps
         * the verified bundles open, so do not hold every thumbnail twice */
        for (size_t i = 0; i < n; i++) {
            free(v->photos[i].result.thumb);
            v->photos[i].result.thumb = NULL;
            v->photos[i].result.thumb_len = 0;
        }
    }
    free(seqs);
    free(names);
    free(results);
}

/* ---- integrity: the manifest against the entries ------------------------ */

/* Where each manifest line's file is in the bundle (-1 = absent), found
 * through the bundle's sorted index; the entries it names are marked. */
static long *locate_listed(bundle_job *job, const gpi_manifest *manifest)
{
    gpi_verified *v = job->v;
    long *at = malloc((manifest->count ? manifest->count : 1) * sizeof *at);
    if (!at) {
        gpi_error_nomem(job->err);
        return NULL;
    }
    for (size_t m = 0; m < manifest->count; m++) {
        char *full = gpi_asprintf("%s%s", v->base, manifest->entries[m].path);
        if (!full) {
            free(at);
            gpi_error_nomem(job->err);
            return NULL;
        }
        at[m] = gpi_bundle_find(v->bundle, full);
        free(full);
        if (at[m] >= 0 && job->entries[at[m]].kind != KIND_OUTSIDE)
            job->entries[at[m]].listed = true;
        else
            at[m] = -1;
    }
    return at;
}

static void compare_manifest(bundle_job *job, const gpi_manifest *manifest, const long *at)
{
    gpi_verified *v = job->v;
    for (size_t m = 0; m < manifest->count; m++) {
        const gpi_manifest_entry *me = &manifest->entries[m];
        gpi_where w = {.source = v->source, .file = me->path};
        if (at[m] < 0) {
            gpi_report_add(job->report, GP_BUNDLE_MISSING_FILE, &w, NULL, me->path,
                          "校验清单列出的 %s 不在 %s 中", me->path, v->source);
            continue;
        }
        const entry_state *e = &job->entries[at[m]];
        if (!e->hashed)
            continue; /* it could not be read: already reported */
        if (memcmp(e->sha256, me->sha256, 32) != 0) {
            char seen[65], listed[65];
            gpi_hex(e->sha256, 32, seen);
            gpi_hex(me->sha256, 32, listed);
            gpi_report_add(job->report, GP_BUNDLE_HASH_MISMATCH, &w, seen, listed,
                          "%s 的内容与校验清单不符（文件被改动或损坏）", me->path);
        }
    }
}

static void report_strays(bundle_job *job, bool have_manifest)
{
    gpi_verified *v = job->v;
    for (size_t i = 0; i < job->count; i++) {
        const entry_state *e = &job->entries[i];
        const char *name = gpi_bundle_entry_at(v->bundle, i)->name;
        gpi_where w = {.source = v->source, .file = name};
        bool mapping = e->kind == KIND_OTHER && !strcmp(e->rel, GPI_ENTRY_MAPPING);
        if (mapping && !v->meta.merged)
            gpi_report_add(job->report, GP_BUNDLE_MAPPING_UNEXPECTED, &w, e->rel, NULL,
                          "%s 不是合并包（bundle.json 里没有 sources），却含有 mapping.csv",
                          v->source);
        if (e->kind == KIND_OUTSIDE) {
            gpi_report_add(job->report, GP_BUNDLE_LAYOUT, &w, name, v->base,
                          "%s 不在压缩包的文件夹 %s 里", name, v->base);
        } else if (have_manifest && e->kind != KIND_MANIFEST && !e->listed) {
            gpi_report_add(job->report, GP_BUNDLE_UNLISTED, &w, e->rel, NULL,
                          "%s 不在校验清单里，来历不明", e->rel);
        } else if (e->kind == KIND_OTHER && !mapping) {
            /* mapping.csv: a merged bundle's renumbering map (docs/bundle-format.md) */
            gpi_report_add(job->report, GP_BUNDLE_LAYOUT, &w, e->rel, NULL,
                          "%s 不是提交包应有的文件（应只有 bundle.json、roster.csv、"
                          "roster.xlsx、photos/NNNN.jpg、MANIFEST.sha256）",
                          e->rel);
        }
    }
}

/* ---- bundle.json against the contents ------------------------------------ */

/* bundle.json's school block against the office's profile (where it pins
 * the school) and against the roster: one finding per field. */
static void compare_school_field(bundle_job *job, const char *key, const char *said,
                                 const char *pinned, gpi_field field)
{
    gpi_verified *v = job->v;
    said = said ? said : "";
    gpi_where w = {.source = v->source, .file = GPI_ENTRY_META, .field = key};
    if (pinned && pinned[0] && strcmp(said, pinned) != 0) {
        gpi_report_add(job->report, GP_BUNDLE_SCHOOL_MISMATCH, &w, said, pinned,
                      "bundle.json 的 %s 是 “%s”，本单位规格规定的是 “%s”", key, said, pinned);
        return;
    }
    if (!v->roster || !v->roster->usable)
        return;
    /* pack writes the first row's values (rows that differ from it are
     * roster.school.inconsistent already) */
    for (size_t i = 0; i < v->roster->count; i++) {
        const gpi_student *s = &v->roster->students[i];
        const char *value = s->value[field];
        if (!value[0])
            continue;
        if (strcmp(value, said) != 0) {
            w.row = s->row;
            gpi_report_add(job->report, GP_BUNDLE_SCHOOL_MISMATCH, &w, said, value,
                          "bundle.json 的 %s 是 “%s”，roster.csv 第 %d 行是 “%s”", key, said,
                          s->row, value);
        }
        return;
    }
}

static void compare_school(bundle_job *job)
{
    const gpi_bundle_meta *meta = &job->v->meta;
    const gp_profile *p = job->v->profile;
    compare_school_field(job, "school_type", meta->school_type, p ? p->school_type : NULL,
                         GPI_FIELD_SCHOOL_TYPE);
    compare_school_field(job, "school_code", meta->school_code, p ? p->school_code : NULL,
                         GPI_FIELD_SCHOOL_CODE);
    compare_school_field(job, "school_name", meta->school_name, p ? p->school_name : NULL,
                         GPI_FIELD_SCHOOL_NAME);
}

static void compare_meta(bundle_job *job)
{
    gpi_verified *v = job->v;
    const gpi_bundle_meta *meta = &v->meta;
    if (!meta->present)
        return;
    gpi_where w = {.source = v->source, .file = GPI_ENTRY_META};
    size_t base_len = strlen(v->base);
    if (base_len && !gpi_bundle_is_folder(v->bundle) &&
        (strlen(meta->bundle_id) != base_len - 1 ||
         strncmp(meta->bundle_id, v->base, base_len - 1) != 0)) {
        w.field = "bundle_id";
        gpi_report_add(job->report, GP_BUNDLE_METADATA, &w, v->base, meta->bundle_id,
                      "bundle.json 的 bundle_id 是 %s，但压缩包里的文件夹是 %s", meta->bundle_id,
                      v->base);
    }
    compare_school(job);
    if (!v->roster || !v->roster->usable)
        return;
    const gpi_roster *roster = v->roster;
    if (meta->rows >= 0 && (size_t)meta->rows != roster->count) {
        char seen[32], said[32];
        snprintf(seen, sizeof seen, "%zu", roster->count);
        snprintf(said, sizeof said, "%lld", meta->rows);
        w.field = "rows";
        gpi_report_add(job->report, GP_BUNDLE_METADATA, &w, seen, said,
                      "bundle.json 说有 %lld 名学生，roster.csv 实际有 %zu 行", meta->rows,
                      roster->count);
    }
    char first[5] = "", last[5] = "";
    for (size_t i = 0; i < roster->count; i++) {
        const char *seq = roster->students[i].seq;
        if (!seq[0])
            continue;
        if (!first[0] || strcmp(seq, first) < 0)
            memcpy(first, seq, 5);
        if (!last[0] || strcmp(seq, last) > 0)
            memcpy(last, seq, 5);
    }
    if (meta->seq_first[0] && first[0] &&
        (strcmp(first, meta->seq_first) != 0 || strcmp(last, meta->seq_last) != 0)) {
        char seen[16], said[16];
        snprintf(seen, sizeof seen, "%s–%s", first, last);
        snprintf(said, sizeof said, "%s–%s", meta->seq_first, meta->seq_last);
        w.field = "seq_first";
        gpi_report_add(job->report, GP_BUNDLE_METADATA, &w, seen, said,
                      "bundle.json 的拍摄序号范围是 %s，roster.csv 实际是 %s", said, seen);
    }
}

/* ---- one bundle ------------------------------------------------------------ */

void gpi_verified_free(gpi_verified *v)
{
    if (!v)
        return;
    gpi_bundle_close(v->bundle);
    gpi_bundle_meta_clear(&v->meta);
    gp_profile_free(v->profile);
    gpi_roster_free(v->roster);
    for (size_t i = 0; v->photos && i < v->photo_count; i++)
        gpi_photo_result_clear(&v->photos[i].result);
    free(v->photos);
    free(v->base);
    free(v->source);
    free(v->path);
    free(v);
}

static char *source_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    return strndup(path + start, n - start);
}

static bool classify(bundle_job *job)
{
    gpi_verified *v = job->v;
    job->count = gpi_bundle_count(v->bundle);
    job->entries = calloc(job->count ? job->count : 1, sizeof *job->entries);
    if (!job->entries)
        return gpi_error_nomem(job->err);
    size_t base_len = strlen(v->base);
    for (size_t i = 0; i < job->count; i++) {
        const char *name = gpi_bundle_entry_at(v->bundle, i)->name;
        entry_state *e = &job->entries[i];
        if (strncmp(name, v->base, base_len) != 0) {
            e->kind = KIND_OUTSIDE;
            e->rel = name;
        } else {
            e->rel = name + base_len;
            e->kind = kind_of(e->rel);
        }
    }
    return true;
}

static bool run_checks(bundle_job *job)
{
    gpi_manifest manifest = {0};
    bool have_manifest = false;
    long *listed_at = NULL;
    bool ok = find_base(job) && classify(job) &&
              (job->reader = gpi_bundle_reader_new(job->v->bundle, job->err)) &&
              read_meta_and_profile(job) && read_manifest(job, &manifest, &have_manifest);
    if (ok && have_manifest)
        ok = (listed_at = locate_listed(job, &manifest)) != NULL;
    ok = ok && read_roster(job);
    ok = ok && read_workbook_and_others(job, have_manifest);
    ok = ok && collect_photos(job) && inspect_photos(job);
    if (ok) {
        if (have_manifest)
            compare_manifest(job, &manifest, listed_at);
        report_strays(job, have_manifest);
        compare_meta(job);
        match_photos(job);
    }
    free(listed_at);
    gpi_manifest_clear(&manifest);
    return ok && job->err->status == GP_OK;
}

gpi_verified *gpi_verify_bundle(const char *path, const gp_verify_options *options,
                              gp_report *report, gp_error *err)
{
    gp_verify_options defaults = {0};
    gp_error local = {0};
    if (!options)
        options = &defaults;
    if (!err)
        err = &local;
    gpi_verified *v = calloc(1, sizeof *v);
    if (!v || !(v->path = strdup(path)) || !(v->source = source_name(path))) {
        gpi_verified_free(v);
        gpi_error_nomem(err);
        return NULL;
    }
    v->meta.rows = -1;
    v->bundle = gpi_bundle_open(path, gpi_verify_choose_password(options, path), v->source, report,
                               err);
    if (!v->bundle) {
        if (err->status != GP_OK) {
            gpi_verified_free(v);
            return NULL;
        }
        return v; /* refused as a whole: the finding says why */
    }
    bundle_job job = {.v = v, .options = options, .report = report, .err = err};
    bool ok = run_checks(&job);
    gpi_bundle_reader_free(job.reader);
    free(job.entries);
    free(job.roster_csv);
    if (!ok) {
        gpi_verified_free(v);
        return NULL;
    }
    return v;
}
