/* gradpack verify: every bundle judged on its own (verify_bundle.c), then
 * what only shows across bundles verified together: the same student in two
 * bundles, parts of one submission with gaps or overlapping photo numbers,
 * and the registry export (--master).  One "bundles" table row per bundle
 * with its verdict ("pass" / "fail": machine words, as the table keys). */
#include "verify_internal.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/findings.h"
#include "core/profile.h"
#include "roster/roster.h"
#include "verify/reader.h"
#include "core/progress.h"
#include "core/error.h"
#include "core/secret.h"
#include "office.h"

#include <stdlib.h>
#include <string.h>

typedef struct judged {
    gpi_verified *v;
    gp_report *report; /* this bundle's findings, merged into the result at the end */
} judged;

/* ---- the same student in two bundles ------------------------------------ */

typedef struct student_ref {
    const char *key;   /* 身份证号, else 学号 */
    size_t bundle;
    const gpi_student *student;
} student_ref;

static int compare_ref(const void *a, const void *b)
{
    const student_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    if (x->bundle != y->bundle)
        return x->bundle < y->bundle ? -1 : 1;
    return x->student->row - y->student->row;
}

static bool check_duplicates(judged *bundles, size_t count)
{
    size_t total = 0;
    for (size_t b = 0; b < count; b++)
        if (bundles[b].v->roster)
            total += bundles[b].v->roster->count;
    student_ref *refs = malloc((total ? total : 1) * sizeof *refs);
    if (!refs)
        return false;
    size_t n = 0;
    for (size_t b = 0; b < count; b++) {
        const gpi_roster *roster = bundles[b].v->roster;
        for (size_t i = 0; roster && i < roster->count; i++) {
            const gpi_student *s = &roster->students[i];
            const char *key = s->value[GPI_FIELD_ID_NUMBER][0] ? s->value[GPI_FIELD_ID_NUMBER]
                                                               : s->value[GPI_FIELD_STUDENT_NO];
            if (key[0])
                refs[n++] = (student_ref){key, b, s};
        }
    }
    qsort(refs, n, sizeof *refs, compare_ref);
    for (size_t i = 1; i < n; i++) {
        size_t first = i - 1;
        while (first > 0 && !strcmp(refs[first - 1].key, refs[i].key))
            first--;
        if (strcmp(refs[first].key, refs[i].key) != 0 || refs[first].bundle == refs[i].bundle)
            continue; /* within one bundle: roster.id.duplicate says so */
        if (refs[i - 1].bundle == refs[i].bundle)
            continue; /* reported once per bundle */
        const gpi_verified *earlier = bundles[refs[first].bundle].v;
        const gpi_student *s = refs[i].student;
        gpi_where w = {.source = bundles[refs[i].bundle].v->source, .row = s->row,
                      .seq = s->seq, .field = gpi_field_label(GPI_FIELD_ID_NUMBER),
                      .file = GPI_ENTRY_ROSTER};
        char where[300];
        snprintf(where, sizeof where, "%s 第 %d 行", earlier->source, refs[first].student->row);
        gpi_report_add(bundles[refs[i].bundle].report, GP_MASTER_DUPLICATE_STUDENT, &w,
                      refs[i].key, NULL, "第 %d 行 %s（%s）已在 %s 中提交过", s->row,
                      s->value[GPI_FIELD_NAME], refs[i].key, where);
    }
    free(refs);
    return true;
}

/* ---- parts of one submission ----------------------------------------------- */

static bool same_submission(const gpi_verified *a, const gpi_verified *b)
{
    return a->meta.present && b->meta.present && a->meta.name[0] &&
           !strcmp(a->meta.name, b->meta.name) && a->meta.parts > 1 && b->meta.parts > 1;
}

static void check_part_numbers(judged *bundles, size_t count, size_t lead, bool *done)
{
    const gpi_verified *first = bundles[lead].v;
    int parts = first->meta.parts;
    bool seen[1000] = {false};
    for (size_t b = lead; b < count; b++) {
        const gpi_verified *v = bundles[b].v;
        if (b != lead && !same_submission(first, v))
            continue;
        done[b] = true;
        int k = v->meta.part;
        if (k >= 1 && k <= 999 && seen[k]) {
            gpi_where w = {.source = v->source, .field = "part", .file = GPI_ENTRY_META};
            char part[32];
            snprintf(part, sizeof part, "%d/%d", k, parts);
            gpi_report_add(bundles[b].report, GP_BUNDLE_PART_OVERLAP, &w, part, NULL,
                          "提交 %s 的第 %d 卷出现了两次（%s）", first->meta.name, k, v->source);
        }
        if (k >= 1 && k <= 999)
            seen[k] = true;
    }
    gpi_buf missing = {0};
    for (int k = 1; k <= parts && k <= 999; k++)
        if (!seen[k])
            gpi_buf_printf(&missing, "%s%d", missing.len ? "、" : "", k);
    if (missing.len && !missing.failed) {
        gpi_where w = {.source = first->source, .field = "part", .file = GPI_ENTRY_META};
        char expected[32];
        snprintf(expected, sizeof expected, "1–%d", parts);
        gpi_report_add(bundles[lead].report, GP_BUNDLE_PART_GAP, &w, missing.data, expected,
                      "提交 %s 共 %d 卷，缺少第 %s 卷", first->meta.name, parts, missing.data);
    }
    gpi_buf_free(&missing);
}

typedef struct seq_ref {
    const char *seq;
    size_t bundle;
} seq_ref;

static int compare_seq_ref(const void *a, const void *b)
{
    const seq_ref *x = a, *y = b;
    int c = strcmp(x->seq, y->seq);
    return c ? c : (x->bundle > y->bundle) - (x->bundle < y->bundle);
}

/* A photo number in two parts of one submission: bundle.part_overlap. */
static bool check_part_overlap(judged *bundles, size_t count, size_t lead)
{
    size_t total = 0;
    for (size_t b = lead; b < count; b++)
        total += bundles[b].v->photo_count;
    seq_ref *refs = malloc((total ? total : 1) * sizeof *refs);
    if (!refs)
        return false;
    size_t n = 0;
    for (size_t b = lead; b < count; b++) {
        const gpi_verified *v = bundles[b].v;
        if (b != lead && !same_submission(bundles[lead].v, v))
            continue;
        for (size_t p = 0; p < v->photo_count; p++)
            refs[n++] = (seq_ref){v->photos[p].seq, b};
    }
    qsort(refs, n, sizeof *refs, compare_seq_ref);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(refs[i - 1].seq, refs[i].seq) != 0 || refs[i - 1].bundle == refs[i].bundle)
            continue;
        const gpi_verified *v = bundles[refs[i].bundle].v;
        gpi_where w = {.source = v->source, .seq = refs[i].seq};
        gpi_report_add(bundles[refs[i].bundle].report, GP_BUNDLE_PART_OVERLAP, &w, refs[i].seq,
                      NULL, "拍摄序号 %s 同时出现在 %s 和 %s 中", refs[i].seq,
                      bundles[refs[i - 1].bundle].v->source, v->source);
    }
    free(refs);
    return true;
}

/* The parts of one submission (same name) must say they belong together:
 * the same submission id (the whole roster's SHA-256, which the sender
 * cannot make match another station's roster) and the same part count, and
 * their photo-number ranges must follow each other in part order.  Anyone
 * can name a bundle "part 2 of 2" of someone else's submission; only the id
 * and the ranges bind it.  Every part of a group that disagrees gets
 * bundle.part_mismatch: none of them can be trusted to be the real one. */
static int compare_part_of(const void *a, const void *b)
{
    const gpi_verified *x = *(const gpi_verified *const *)a, *y = *(const gpi_verified *const *)b;
    return x->meta.part - y->meta.part;
}

static bool check_part_binding(judged *bundles, size_t count, size_t lead)
{
    const gpi_verified *first = bundles[lead].v;
    const gpi_verified **group = malloc(count * sizeof *group);
    if (!group)
        return false;
    size_t n = 0;
    for (size_t b = lead; b < count; b++)
        if (b == lead || same_submission(first, bundles[b].v))
            group[n++] = bundles[b].v;
    char why[256] = "";
    for (size_t i = 0; i < n && !why[0]; i++) {
        const gpi_verified *v = group[i];
        if (!v->meta.submission[0])
            snprintf(why, sizeof why, "%s 没有提交编号", v->source);
        else if (strcmp(v->meta.submission, first->meta.submission) != 0)
            snprintf(why, sizeof why, "%s 与 %s 的提交编号不同", v->source, first->source);
        else if (v->meta.parts != first->meta.parts)
            snprintf(why, sizeof why, "%s 说共 %d 卷，%s 说共 %d 卷", v->source, v->meta.parts,
                     first->source, first->meta.parts);
    }
    qsort(group, n, sizeof *group, compare_part_of);
    for (size_t i = 1; i < n && !why[0]; i++) {
        const gpi_verified *a = group[i - 1], *b = group[i];
        if (a->meta.part == b->meta.part || !a->meta.seq_last[0] || !b->meta.seq_first[0])
            continue; /* a repeated part is part_overlap; missing ranges are metadata */
        if (strcmp(a->meta.seq_last, b->meta.seq_first) >= 0)
            snprintf(why, sizeof why, "第 %d 卷的拍摄序号到 %s，第 %d 卷却从 %s 开始",
                     a->meta.part, a->meta.seq_last, b->meta.part, b->meta.seq_first);
    }
    free(group);
    if (!why[0])
        return true;
    for (size_t b = lead; b < count; b++) {
        const gpi_verified *v = bundles[b].v;
        if (b != lead && !same_submission(first, v))
            continue;
        gpi_where w = {.source = v->source, .field = "submission", .file = GPI_ENTRY_META};
        gpi_report_add(bundles[b].report, GP_BUNDLE_PART_MISMATCH, &w, why, NULL,
                      "提交 %s 的分卷对不上（%s），可能混入了别的提交的分卷", first->meta.name,
                      why);
    }
    return true;
}

static bool check_parts(judged *bundles, size_t count)
{
    bool *done = calloc(count ? count : 1, sizeof *done);
    if (!done)
        return false;
    bool ok = true;
    for (size_t b = 0; ok && b < count; b++) {
        const gpi_verified *v = bundles[b].v;
        if (done[b] || !v->meta.present || v->meta.parts <= 1)
            continue;
        check_part_numbers(bundles, count, b, done);
        ok = check_part_overlap(bundles, count, b) && check_part_binding(bundles, count, b);
    }
    free(done);
    return ok;
}

bool gpi_verify_parts(gpi_verified *const *verified, gp_report *const *reports, size_t count)
{
    judged *bundles = calloc(count ? count : 1, sizeof *bundles);
    if (!bundles)
        return false;
    for (size_t b = 0; b < count; b++)
        bundles[b] = (judged){.v = verified[b], .report = reports[b]};
    bool ok = check_parts(bundles, count);
    free(bundles); /* the bundles and reports stay the caller's */
    return ok;
}

/* ---- the result --------------------------------------------------------------- */

static bool add_table_row(gp_report *result, const judged *j)
{
    const gpi_verified *v = j->v;
    size_t errors = gp_report_count_severity(j->report, GP_ERROR);
    size_t warnings = gp_report_count_severity(j->report, GP_WARNING);
    char part[32] = "";
    if (v->meta.present && v->meta.part && v->meta.parts)
        snprintf(part, sizeof part, "%d/%d", v->meta.part, v->meta.parts);
    long long rows = v->roster && v->roster->usable ? (long long)v->roster->count : 0;
    return gp_report_table_row(result, "bundles") &&
           gp_report_cell_str(result, "bundles", "bundle", v->source) &&
           gp_report_cell_str(result, "bundles", "station",
                              v->meta.station_name ? v->meta.station_name : "") &&
           gp_report_cell_str(result, "bundles", "part", part) &&
           gp_report_cell_int(result, "bundles", "rows", rows) &&
           gp_report_cell_int(result, "bundles", "photos", (long long)v->photo_count) &&
           gp_report_cell_int(result, "bundles", "errors", (long long)errors) &&
           gp_report_cell_int(result, "bundles", "warnings", (long long)warnings) &&
           gp_report_cell_str(result, "bundles", "verdict", errors ? "fail" : "pass");
}

static void free_judged(judged *bundles, size_t count)
{
    for (size_t b = 0; bundles && b < count; b++) {
        gpi_verified_free(bundles[b].v);
        gp_report_free(bundles[b].report);
    }
    free(bundles);
}

gp_report *gp_verify(const char *const *paths, size_t path_count,
                     const gp_verify_options *options, gp_error *err)
{
    gp_verify_options defaults = {0};
    if (!options)
        options = &defaults;
    if (path_count == 0) {
        gpi_error_set(err, GP_ERR_USAGE, 0, "没有指定要核验的压缩包");
        return NULL;
    }
    char *office = gpi_office_profile(options, err);
    if (!office)
        return NULL;
    gp_verify_options decided = *options;
    decided.profile = office;
    options = &decided;
    gp_report *result = gp_report_new("verify");
    judged *bundles = calloc(path_count, sizeof *bundles);
    gp_profile *master_profile = NULL;
    master_list *master = NULL;
    size_t done = 0;
    gp_verify_options with_password;
    char *password = NULL;
    if (!result || !bundles) {
        gpi_error_nomem(err);
        goto fail;
    }
    if (options->password_file && !options->password) {
        if (!(password = gpi_password_file_read(options->password_file, result, err)))
            goto fail;
        with_password = *options;
        with_password.password = password;
        options = &with_password;
    }
    if (options->master_path) {
        /* the registry's column names are the roster's, from the default profile */
        if (!(master_profile = gp_profile_load(GP_DEFAULT_PROFILE, err)))
            goto fail;
        master = master_load(options->master_path, options->encoding, options->sheet,
                             master_profile, result, err);
        if (!master)
            goto fail;
    }
    /* progress counts the photos of every bundle so far as one run */
    gpi_progress_offset offset = {.fn = options->progress, .context = options->progress_context};
    gp_verify_options counted = *options;
    if (options->progress) {
        counted.progress = gpi_progress_offset_report;
        counted.progress_context = &offset;
    }
    for (; done < path_count; done++) {
        judged *j = &bundles[done];
        if (!(j->report = gp_report_new("verify"))) {
            gpi_error_nomem(err);
            goto fail;
        }
        if (!(j->v = gpi_verify_bundle(paths[done], &counted, j->report, err)))
            goto fail;
        offset.base += j->v->photo_count;
        if (master && j->v->roster && j->v->roster->usable)
            master_compare(master, j->v->roster, j->v->source, j->report);
    }
    if (!check_duplicates(bundles, path_count) || !check_parts(bundles, path_count)) {
        gpi_error_nomem(err);
        goto fail;
    }
    long long passed = 0;
    for (size_t b = 0; b < path_count; b++) {
        judged *j = &bundles[b];
        if (!gp_report_profile(result) || !*gp_report_profile(result))
            if (j->v->profile)
                gpi_report_set_profile(result, gp_profile_name(j->v->profile));
        passed += gp_report_count_severity(j->report, GP_ERROR) == 0;
        if (!add_table_row(result, j) || !gpi_report_absorb(result, j->report, j->v->source)) {
            gpi_error_nomem(err);
            goto fail;
        }
    }
    gp_report_set_int(result, "bundles", (long long)path_count);
    gp_report_set_int(result, "passed", passed);
    gp_report_set_int(result, "failed", (long long)path_count - passed);
    if (!gpi_report_complete(result, err))
        goto fail;
    gp_report_sort(result);
    free_judged(bundles, path_count);
    master_free(master);
    gp_profile_free(master_profile);
    gpi_password_wipe(password);
    free(office);
    return result;
fail:
    gpi_password_wipe(password);
    free_judged(bundles, path_count);
    master_free(master);
    gp_profile_free(master_profile);
    gp_report_free(result);
    free(office);
    return NULL;
}
