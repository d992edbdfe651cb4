/* gradpack merge: the night's inbox of station bundles into one consolidated
 * submission.  Orchestration only: finding inputs (inputs.c), deciding about
 * students (students.c), the map (mapping.c), writing (merge_write.c).
 *
 * Order of work: lock the output folder; find and hash the inputs; verify
 * each with verify's own single-bundle checks (gpi_verify_bundle), holding
 * back any with an error; decide duplicates; renumber; write every output
 * to a temporary file; only then put them in place (zips, then workbooks).
 * With --strict anything held back means nothing is written. */
#include "merge_internal.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/findings.h"
#include "core/pool.h"
#include "core/profile.h"
#include "bundle/bundle.h"
#include "roster/roster.h"
#include "verify/reader.h"
#include "core/atomic.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/secret.h"
#include "core/testhook.h"
#include "verify/office.h"
#include "verify/passwords.h"

#include <stdlib.h>
#include <string.h>

typedef struct merge_run {
    const gp_merge_options *opt;
    gp_report *report;
    merge_inputs inputs;
    char (*input_sha256)[65];
    gpi_verified **verified;       /* per input; NULL when held back */
    size_t held_bundles;
    merge_student *students;
    size_t student_count;
    const gp_profile *profile;    /* the office's (never a bundle's): = office */
    gp_profile *office;
    gp_verify_options verify;     /* opt->verify with the office's profile decided */
    char *office_name;
    char *name;
    merge_output *outputs;
    size_t output_count;
    gpi_bundle_source *sources;
    size_t source_count;
    char *password;               /* the output's, when encrypted (a copy) */
    bool encrypted;
    bool generated;               /* password was generated here */
} merge_run;

static void run_free(merge_run *run)
{
    if (run->password) {
        explicit_bzero(run->password, strlen(run->password));
        free(run->password);
    }
    for (size_t i = 0; run->verified && i < run->inputs.count; i++)
        gpi_verified_free(run->verified[i]);
    free(run->verified);
    free(run->input_sha256);
    for (size_t k = 0; run->outputs && k < run->output_count; k++)
        merge_output_clear(&run->outputs[k]);
    free(run->outputs);
    free(run->students);
    free(run->sources);
    free(run->name);
    gp_profile_free(run->office);
    free(run->office_name);
    merge_inputs_clear(&run->inputs);
}

/* ---- inputs: hashed in parallel ---------------------------------------- */

typedef struct hash_job {
    merge_run *run;
    gp_error *errors; /* one per input */
} hash_job;

static void hash_one(void *context, size_t i)
{
    hash_job *job = context;
    unsigned char sha[32];
    if (gpi_sha256_file(job->run->inputs.items[i].path, sha, &job->errors[i]))
        gpi_hex(sha, 32, job->run->input_sha256[i]);
}

static bool hash_inputs(merge_run *run, gp_error *err)
{
    size_t n = run->inputs.count;
    hash_job job = {.run = run, .errors = calloc(n, sizeof *job.errors)};
    run->input_sha256 = calloc(n, sizeof *run->input_sha256);
    if (!job.errors || !run->input_sha256) {
        free(job.errors);
        return gpi_error_nomem(err);
    }
    gpi_parallel_for(n, run->opt->verify.threads, hash_one, &job);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++)
        if (job.errors[i].status != GP_OK)
            ok = gpi_error_propagate(err, &job.errors[i]);
    free(job.errors);
    return ok;
}

/* ---- verification --------------------------------------------------------- */

static bool hold_bundle(merge_run *run, size_t i, const gp_report *findings, const char *why)
{
    const char *source = run->inputs.items[i].name;
    const gp_finding *first = NULL;
    for (size_t f = 0; findings && f < gp_report_count(findings) && !first; f++)
        if (gp_report_get(findings, f)->severity == GP_ERROR)
            first = gp_report_get(findings, f);
    size_t errors = findings ? gp_report_count_severity(findings, GP_ERROR) : 0;
    gpi_where w = {.source = source};
    run->held_bundles++;
    if (why)
        return gpi_report_add(run->report, GP_MERGE_BUNDLE_HELD, &w, why, NULL,
                             "%s 暂不合并：%s", source, why);
    return gpi_report_add(run->report, GP_MERGE_BUNDLE_HELD, &w,
                         first ? gp_code_name(first->code) : NULL, "核验无错误",
                         "%s 未通过核验（%zu 个错误，第一个是“%s”），暂不合并", source, errors,
                         first ? gp_code_title(first->code) : "?");
}

/* The name of v's submission when v is one of several parts and some part
 * of that submission has a gap or an overlap; NULL otherwise. */
static const char *incomplete_submission(gpi_verified *const *all, gp_report *const *findings,
                                         size_t n, const gpi_verified *v)
{
    if (!v->meta.present || v->meta.parts <= 1 || !v->meta.name || !v->meta.name[0])
        return NULL;
    for (size_t j = 0; j < n; j++) {
        const gpi_verified *w = all[j];
        if (w->meta.present && w->meta.parts > 1 && w->meta.name &&
            !strcmp(w->meta.name, v->meta.name) &&
            (gp_report_has(findings[j], GP_BUNDLE_PART_GAP) ||
             gp_report_has(findings[j], GP_BUNDLE_PART_OVERLAP) ||
             gp_report_has(findings[j], GP_BUNDLE_PART_MISMATCH)))
            return v->meta.name;
    }
    return NULL;
}

/* Every input verified with verify's rules: each bundle on its own, then
 * the parts of one submission together (a missing part holds back the
 * parts that came, so an incomplete submission is not merged as if whole). */
static bool verify_inputs(merge_run *run, gp_error *err)
{
    size_t n = run->inputs.count;
    run->verified = calloc(n, sizeof *run->verified);
    gpi_verified **all = calloc(n, sizeof *all);
    gp_report **findings = calloc(n, sizeof *findings);
    bool ok = (run->verified && all && findings) || gpi_error_nomem(err);
    /* progress counts the photos of every bundle so far as one run */
    gpi_progress_offset offset = {.fn = run->opt->verify.progress,
                                 .context = run->opt->verify.progress_context};
    gp_verify_options counted = run->verify;
    if (counted.progress) {
        counted.progress = gpi_progress_offset_report;
        counted.progress_context = &offset;
    }
    for (size_t i = 0; ok && i < n; i++) {
        findings[i] = gp_report_new("verify");
        ok = findings[i] || gpi_error_nomem(err);
        ok = ok && (all[i] = gpi_verify_bundle(run->inputs.items[i].path, &counted, findings[i],
                                              err)) != NULL;
        if (ok)
            offset.base += all[i]->photo_count;
    }
    /* a bundle whose findings were lost must never look clean */
    for (size_t i = 0; ok && i < n; i++)
        ok = gpi_report_complete(findings[i], err);
    ok = ok && (gpi_verify_parts(all, findings, n) || gpi_error_nomem(err));
    /* decided before any findings move into the run's report */
    const char **incomplete = ok ? calloc(n, sizeof *incomplete) : NULL;
    ok = ok && (incomplete || gpi_error_nomem(err));
    for (size_t i = 0; ok && i < n; i++)
        incomplete[i] = incomplete_submission(all, findings, n, all[i]);
    for (size_t i = 0; ok && i < n; i++) {
        gpi_verified *v = all[i];
        char why[512] = "";
        if (incomplete[i])
            snprintf(why, sizeof why, "它是提交 %s 的一个分卷，而这次提交的分卷不全或有重叠，"
                     "整套分卷都暂不合并", incomplete[i]);
        bool good = gp_report_count_severity(findings[i], GP_ERROR) == 0 && v->bundle &&
                    v->roster && v->roster->usable;
        if (good && run->profile &&
            strcmp(gp_profile_name(v->profile), gp_profile_name(run->profile)) != 0)
            snprintf(why, sizeof why, "它按规格 %s 打包，与先合并的压缩包（规格 %s）不同",
                     gp_profile_name(v->profile), gp_profile_name(run->profile));
        bool keep = good && !why[0];
        ok = keep || hold_bundle(run, i, findings[i], why[0] ? why : NULL);
        ok = ok && gpi_report_absorb(run->report, findings[i], run->inputs.items[i].name);
        if (!ok) {
            gpi_error_nomem(err);
            break;
        }
        if (keep)
            run->verified[i] = v; /* the run keeps it */
    }
    for (size_t i = 0; all && i < n; i++) {
        if (!run->verified || run->verified[i] != all[i])
            gpi_verified_free(all[i]);
        if (findings)
            gp_report_free(findings[i]);
    }
    free(incomplete);
    free(all);
    free(findings);
    return ok;
}

/* ---- students ------------------------------------------------------------------ */

static const gpi_verified_photo *photo_of(const gpi_verified *v, const char *seq)
{
    size_t lo = 0, hi = v->photo_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v->photos[mid].seq, seq);
        if (!c)
            return &v->photos[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool collect_students(merge_run *run, gp_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < run->inputs.count; i++)
        if (run->verified[i])
            total += run->verified[i]->roster->count;
    run->students = calloc(total ? total : 1, sizeof *run->students);
    if (!run->students)
        return gpi_error_nomem(err);
    for (size_t i = 0; i < run->inputs.count; i++) {
        const gpi_verified *v = run->verified[i];
        for (size_t r = 0; v && r < v->roster->count; r++) {
            const gpi_student *row = &v->roster->students[r];
            const gpi_verified_photo *photo = photo_of(v, row->seq);
            if (!photo || !photo->result.read_ok)
                return gpi_error_set(err, GP_ERR_INTERNAL, 0,
                                    "'%s' 核验通过，但拍摄序号 %s 没有照片", v->source, row->seq);
            merge_student *s = &run->students[run->student_count++];
            *s = (merge_student){.bundle = i, .source = run->inputs.items[i].name, .row = row,
                                 .photo_size = photo->result.size, .photo_entry = photo->entry};
            memcpy(s->sha256, photo->result.sha256, 32);
        }
    }
    return merge_decide(run->students, run->student_count, run->report) || gpi_error_nomem(err);
}

static size_t count_fate(const merge_run *run, merge_fate fate)
{
    size_t n = 0;
    for (size_t i = 0; i < run->student_count; i++)
        n += run->students[i].fate == fate;
    return n;
}

/* ---- outputs ------------------------------------------------------------------------ */

/* Without --name: stable from night to night, so the consolidated files
 * keep their names. */
static bool choose_name(merge_run *run, const char *school_code, gp_error *err)
{
    run->name = gpi_choose_name(run->opt->name, school_code, "汇总", NULL, NULL, err);
    return run->name != NULL;
}

static bool make_sources(merge_run *run, gp_error *err)
{
    run->sources = calloc(run->inputs.count ? run->inputs.count : 1, sizeof *run->sources);
    if (!run->sources)
        return gpi_error_nomem(err);
    for (size_t i = 0; i < run->inputs.count; i++)
        if (run->verified[i])
            run->sources[run->source_count++] = (gpi_bundle_source){
                .bundle = run->inputs.items[i].name, .sha256 = run->input_sha256[i],
                .name = run->verified[i]->meta.name ? run->verified[i]->meta.name : ""};
    return true;
}

/* Encrypted inputs make an encrypted output (personal data stays under a
 * password end to end) unless --no-encrypt says otherwise. */
static bool choose_encryption(merge_run *run, gp_error *err)
{
    bool any = false;
    for (size_t i = 0; i < run->inputs.count && !any; i++)
        any = run->verified[i] && gpi_zip_has_encrypted_entry(run->inputs.items[i].path);
    run->encrypted = run->opt->encrypt || (any && !run->opt->no_encrypt);
    if (any && run->opt->no_encrypt &&
        !gpi_report_add(run->report, GP_MERGE_PLAINTEXT_OUTPUT, NULL, "未加密", "加密",
                       "收到的压缩包是加密的，但按 --no-encrypt 写出了未加密的汇总包（含身份证号）"))
        return gpi_error_nomem(err);
    if (!run->encrypted)
        return true;
    if (run->opt->output_password)
        run->password = strdup(run->opt->output_password);
    else if (run->opt->output_password_file) {
        /* read only now that it is needed: nothing to encrypt, nothing read */
        run->password = gpi_password_file_read(run->opt->output_password_file, run->report, err);
        if (!run->password)
            return false;
    }
    else {
        run->password = gpi_password_generate(GPI_PASSWORD_LENGTH);
        run->generated = true;
    }
    if (!run->password)
        return gpi_error_nomem(err);
    if (any && !run->opt->encrypt &&
        !gpi_report_add(run->report, GP_MERGE_ENCRYPTED_OUTPUT, NULL, NULL, NULL,
                       "收到的压缩包是加密的，汇总包也已加密%s",
                       run->generated ? "（密码只在屏幕上显示一次）" : ""))
        return gpi_error_nomem(err);
    return true;
}

/* merge.photo_changed: a received bundle changed between verification and
 * the copy (the same kind of result as pack.photo_changed); nothing is
 * written. */
static bool report_changed(merge_run *run, const merge_student *s)
{
    gpi_where w = {.source = s->source, .seq = s->row->seq, .row = s->row->row};
    return gpi_report_add(run->report, GP_MERGE_PHOTO_CHANGED, &w, NULL, NULL,
                         "'%s' 中的照片 %s 在核验之后被改动，没有写出任何文件", s->source,
                         s->row->seq);
}

static bool write_outputs(merge_run *run, size_t bundles, gp_error *err)
{
    gpi_test_pause(GPI_TEST_PAUSE_BEFORE_WRITE);
    const gp_profile *p = run->profile;
    const gpi_student *first = NULL;
    for (size_t i = 0; i < run->student_count && !first; i++)
        if (run->students[i].fate == MERGE_KEEP)
            first = run->students[i].row;
    merge_plan plan = {
        .output_dir = run->opt->output_dir,
        .profile = gp_profile_name(p),
        .school = gpi_school_of(p, first),
        .verified = run->verified,
    };
    if (!choose_name(run, plan.school.code, err) || !make_sources(run, err) ||
        !choose_encryption(run, err))
        return false;
    plan.password = run->password;
    plan.sources = run->sources;
    plan.source_count = run->source_count;
    run->outputs = calloc(bundles, sizeof *run->outputs);
    const merge_student **mine = calloc(run->student_count, sizeof *mine);
    bool ok = run->outputs && mine;
    if (!ok)
        gpi_error_nomem(err);
    else
        run->output_count = bundles;
    for (size_t k = 0; ok && k < bundles; k++) {
        merge_output *o = &run->outputs[k];
        o->stem = bundles == 1 ? strdup(run->name) : gpi_asprintf("%s-%zu", run->name, k + 1);
        if (!o->stem) {
            ok = gpi_error_nomem(err);
            break;
        }
        size_t n = 0;
        for (size_t i = 0; i < run->student_count; i++)
            if (run->students[i].fate == MERGE_KEEP && run->students[i].output == k)
                mine[n++] = &run->students[i];
        gp_error write_err = {0};
        ok = merge_write_output(&plan, o, mine, n, &write_err);
        if (!ok && o->changed) {
            free(mine);
            return report_changed(run, o->changed) || gpi_error_nomem(err);
        }
        if (!ok)
            gpi_error_propagate(err, &write_err);
    }
    free(mine);
    return ok && merge_commit_outputs(run->opt->output_dir, run->outputs, run->output_count, err);
}

/* ---- the report ------------------------------------------------------------------------ */

static bool report_tables(merge_run *run)
{
    gp_report *r = run->report;
    bool ok = true;
    for (size_t i = 0; ok && i < run->inputs.count; i++) {
        size_t kept = 0, absorbed = 0, held = 0, rows = 0;
        for (size_t s = 0; s < run->student_count; s++) {
            if (run->students[s].bundle != i)
                continue;
            rows++;
            kept += run->students[s].fate == MERGE_KEEP;
            absorbed += run->students[s].fate == MERGE_ABSORBED;
            held += run->students[s].fate == MERGE_HELD;
        }
        ok = gp_report_table_row(r, "inputs") &&
             gp_report_cell_str(r, "inputs", "bundle", run->inputs.items[i].name) &&
             gp_report_cell_str(r, "inputs", "sha256", run->input_sha256[i]) &&
             gp_report_cell_str(r, "inputs", "verdict", run->verified[i] ? "merged" : "held") &&
             gp_report_cell_int(r, "inputs", "rows", (long long)rows) &&
             gp_report_cell_int(r, "inputs", "merged", (long long)kept) &&
             gp_report_cell_int(r, "inputs", "absorbed", (long long)absorbed) &&
             gp_report_cell_int(r, "inputs", "held", (long long)held);
    }
    for (size_t k = 0; ok && k < run->output_count; k++) {
        const merge_output *o = &run->outputs[k];
        ok = gp_report_table_row(r, "outputs") &&
             gp_report_cell_str(r, "outputs", "file", o->zip_file) &&
             gp_report_cell_int(r, "outputs", "rows", (long long)o->rows) &&
             gp_report_cell_int(r, "outputs", "bytes", (long long)o->zip_bytes) &&
             gp_report_cell_str(r, "outputs", "sha256", o->zip_sha256) &&
             gp_report_cell_str(r, "outputs", "written", o->zip_replaced ? "new" : "unchanged") &&
             (o->workbook_inside_only || (
             gp_report_table_row(r, "outputs") &&
             gp_report_cell_str(r, "outputs", "file", o->xlsx_file) &&
             gp_report_cell_int(r, "outputs", "rows", (long long)o->rows) &&
             gp_report_cell_int(r, "outputs", "bytes", (long long)o->xlsx_bytes) &&
             gp_report_cell_str(r, "outputs", "sha256", o->xlsx_sha256) &&
             gp_report_cell_str(r, "outputs", "written", o->xlsx_replaced ? "new" : "unchanged")));
    }
    size_t good = run->inputs.count - run->held_bundles;
    return ok && gp_report_set_int(r, "inputs", (long long)run->inputs.count) &&
           gp_report_set_int(r, "merged", (long long)good) &&
           gp_report_set_int(r, "held", (long long)run->held_bundles) &&
           gp_report_set_int(r, "students", (long long)count_fate(run, MERGE_KEEP)) &&
           gp_report_set_int(r, "absorbed", (long long)count_fate(run, MERGE_ABSORBED)) &&
           gp_report_set_int(r, "held_students", (long long)count_fate(run, MERGE_HELD)) &&
           gp_report_set_int(r, "outputs", (long long)run->output_count) &&
           (!run->name || gp_report_set_str(r, "name", run->name));
}

/* ---- the run ------------------------------------------------------------------------------ */

static bool run_merge(merge_run *run, gp_error *err)
{
    if (!hash_inputs(run, err) || !verify_inputs(run, err) || !collect_students(run, err))
        return false;
    if (run->profile)
        gpi_report_set_profile(run->report, gp_profile_name(run->profile));
    bool held = run->held_bundles || count_fate(run, MERGE_HELD);
    if (run->opt->strict && held) {
        gpi_where w = {0};
        return gpi_report_add(run->report, GP_MERGE_BUNDLE_HELD, &w, "--strict", NULL,
                             "使用了 --strict，有压缩包或学生未能合并，因此没有写出任何文件") ||
               gpi_error_nomem(err);
    }
    size_t bundles = merge_renumber(run->students, run->student_count, MERGE_MAX_PER_BUNDLE);
    if (!gpi_report_complete(run->report, err))
        return false; /* nothing written on a report that lost findings */
    return bundles == 0 || write_outputs(run, bundles, err);
}

gp_report *gp_merge(const char *const *inputs, size_t input_count, gp_merge_options *options,
                    gp_error *err)
{
    if (options)
        options->generated_password = NULL;
    if (!options || !options->output_dir || !*options->output_dir) {
        gpi_error_set(err, GP_ERR_USAGE, 0, "需要用 -o 指定输出文件夹");
        return NULL;
    }
    if (input_count == 0) {
        gpi_error_set(err, GP_ERR_USAGE, 0, "没有指定要合并的压缩包或收件文件夹");
        return NULL;
    }
    /* the folder's lock; a killed run's commit finished, its temps removed */
    gpi_lock *lock = gpi_lock_output(options->output_dir, err);
    if (!lock)
        return NULL;
    merge_run run = {.opt = options, .report = gp_report_new("merge")};
    bool ok = run.report != NULL || gpi_error_nomem(err);
    char *password = NULL;
    if (ok && options->verify.password_file && !options->verify.password) {
        password = gpi_password_file_read(options->verify.password_file, run.report, err);
        ok = password != NULL;
    }
    /* the night's rules are the office's: decided before any bundle is read */
    ok = ok && (run.office_name = gpi_office_profile(&options->verify, err)) != NULL;
    ok = ok && (run.office = gp_profile_load(run.office_name, err)) != NULL;
    if (ok) {
        run.profile = run.office;
        run.verify = options->verify;
        run.verify.profile = run.office_name;
        if (password)
            run.verify.password = password;
    }
    ok = ok && merge_find_inputs(inputs, input_count, options->output_dir, &run.inputs, err);
    if (ok && run.inputs.count == 0)
        ok = gpi_error_set(err, GP_ERR_USAGE, 0, "在给出的输入中没有找到任何压缩包（*.zip）");
    ok = ok && run_merge(&run, err);
    ok = ok && (report_tables(&run) || gpi_error_nomem(err));
    if (ok && run.output_count)
        ok = gp_report_set_bool(run.report, "encrypted", run.encrypted) || gpi_error_nomem(err);
    ok = ok && gpi_report_complete(run.report, err);
    if (ok && run.generated && run.output_count) {
        options->generated_password = run.password; /* the caller shows it once */
        run.password = NULL;
    }
    gp_report *report = run.report;
    if (ok) {
        gp_report_sort(report);
    } else {
        gp_report_free(report);
        report = NULL;
    }
    run_free(&run);
    gpi_password_wipe(password);
    gpi_lock_release(lock);
    return report;
}
