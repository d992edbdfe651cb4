/* check: the roster and every photo judged against the profile in one pass.
 * Each photo file is read once, into memory, and hashed and inspected from
 * that buffer on a worker thread; judging happens afterwards on the calling
 * thread, in photo-number order, so findings never depend on timing. */
#include "gp_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct inspect_job {
    const gp_photo_dir *photos;
    gp_photo_result *results;
} inspect_job;

static void inspect_one(void *context, size_t i)
{
    inspect_job *job = context;
    const gp_photo_file *file = &job->photos->files[i];
    gp_photo_result *out = &job->results[i];
    unsigned char *data = NULL;
    size_t len = 0;
    gp_error err = {0};
    if (!gp_read_file(file->path, GP_MAX_PHOTO_READ_BYTES, &data, &len, &err)) {
        out->read_ok = false;
        out->read_errno = err.sys_errno ? err.sys_errno : EIO;
        /* a file larger than any photo is still judged by its size */
        out->size = file->size;
        return;
    }
    out->read_ok = true;
    out->size = len;
    gp_sha256(data, len, out->sha256);
    gp_jpeg_inspect(data, len, &out->info);
    free(data);
}

void gp_check_state_clear(gp_check_state *state)
{
    if (!state)
        return;
    gp_profile_free(state->profile);
    gp_roster_free(state->roster);
    gp_photo_dir_free(state->photos);
    free(state->results);
    memset(state, 0, sizeof *state);
}

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

gp_report *gp_check_run(const char *roster_path, const char *photo_dir,
                        const gp_check_options *options, gp_check_state *state,
                        gp_error *err)
{
    gp_check_options defaults = {0};
    if (!options)
        options = &defaults;
    gp_check_state local = {0};
    gp_check_state *st = state ? state : &local;
    memset(st, 0, sizeof *st);

    if (!is_directory(photo_dir)) {
        gp_error_set(err, GP_ERR_OPEN, errno, "照片文件夹 '%s' 不存在或不是文件夹", photo_dir);
        return NULL;
    }
    gp_report *report = gp_report_new("check");
    if (!report) {
        gp_error_nomem(err);
        return NULL;
    }
    st->profile = gp_profile_load(options->profile, err);
    if (!st->profile)
        goto fail;
    gp_report_set_profile(report, gp_profile_name(st->profile));

    st->roster = gp_roster_read(roster_path, options->encoding, st->profile, report, err);
    if (!st->roster)
        goto fail;
    const char *roster_label = gp_path_base(roster_path);
    if (st->roster->usable)
        gp_roster_apply_rules(st->roster, st->profile, roster_label, report);

    st->photos = gp_photo_dir_scan(photo_dir, report, err);
    if (!st->photos)
        goto fail;
    size_t n = st->photos->count;
    st->results = calloc(n ? n : 1, sizeof *st->results);
    const char **seqs = calloc(n ? n : 1, sizeof *seqs);
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!st->results || !seqs || !names) {
        free(seqs);
        free(names);
        gp_error_nomem(err);
        goto fail;
    }
    inspect_job job = {.photos = st->photos, .results = st->results};
    gp_parallel_for(n, options->threads, inspect_one, &job);

    for (size_t i = 0; i < n; i++) {
        seqs[i] = st->photos->files[i].seq;
        names[i] = st->photos->files[i].name;
    }
    gp_check_match_photos(st->roster->usable ? st->roster : NULL, st->profile, seqs, names,
                          st->results, n, NULL, report);
    free(seqs);
    free(names);

    gp_report_set_int(report, "rows", (long long)st->roster->count);
    gp_report_set_int(report, "photos", (long long)n);
    gp_report_set_str(report, "encoding", st->roster->encoding ? st->roster->encoding : "");
    gp_report_sort(report);
    gp_check_state_clear(&local);
    return report;
fail:
    gp_check_state_clear(st);
    gp_report_free(report);
    return NULL;
}

gp_report *gp_check(const char *roster_path, const char *photo_dir,
                    const gp_check_options *options, gp_error *err)
{
    return gp_check_run(roster_path, photo_dir, options, NULL, err);
}
