/* check: the roster and every photo judged against the profile in one pass.
 * Each photo file is read once, into memory, and hashed and inspected from
 * that buffer on a worker thread; judging happens afterwards on the calling
 * thread, in photo-number order, so findings never depend on timing.
 *
 * The pass is in three steps (prepare, inspect, finish) so that pack can
 * run the same steps with its own reading of the photos in the middle
 * (it archives each photo from the buffer it inspected). */
#include "gp_internal.h"
#include "core/error.h"
#include "core/files.h"
#include "core/os.h"
#include "photo/thumbnail.h"
#include "roster/roster_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gp_check_read_photo(const gp_photo_file *file, bool thumbnails, gp_photo_result *out,
                         unsigned char **keep, size_t *keep_len)
{
    unsigned char *data = NULL;
    size_t len = 0;
    gp_error err = {0};
    if (keep) {
        *keep = NULL;
        *keep_len = 0;
    }
    /* relative to the folder that was listed; a FIFO swapped in meanwhile
     * is refused without blocking (photo.unreadable) */
    int dir_fd = file->folder ? file->folder->fd : -1;
    if (!gp_read_file_at(dir_fd, file->name, true, file->path, GP_MAX_PHOTO_READ_BYTES, &data,
                         &len, &err)) {
        out->read_ok = false;
        out->read_errno = err.sys_errno ? err.sys_errno : EIO;
        /* a file larger than any photo is still judged by its size */
        out->size = file->size;
        return;
    }
    out->read_ok = true;
    out->size = len;
    gp_sha256(data, len, out->sha256);
    /* one decode: the thumbnail is made from the preview it keeps */
    gp_inspect_wants wants = {.thumbnail = thumbnails};
    gp_photo_inspect(data, len, &wants, out);
    if (keep) {
        *keep = data;
        *keep_len = len;
    } else {
        free(data);
    }
}

void gp_photo_result_clear(gp_photo_result *result)
{
    if (!result)
        return;
    free(result->thumb);
    memset(result, 0, sizeof *result);
}

typedef struct inspect_job {
    const gp_photo_dir *photos;
    gp_photo_result *results;
    bool thumbnails;
} inspect_job;

static void inspect_one(void *context, size_t i)
{
    inspect_job *job = context;
    gp_check_read_photo(&job->photos->files[i], job->thumbnails, &job->results[i], NULL, NULL);
}

void gp_check_state_clear(gp_check_state *state)
{
    if (!state)
        return;
    gp_profile_free(state->profile);
    gp_roster_free(state->roster);
    for (size_t i = 0; state->photos && state->results && i < state->photos->count; i++)
        gp_photo_result_clear(&state->results[i]);
    gp_photo_dir_free(state->photos);
    free(state->results);
    memset(state, 0, sizeof *state);
}

bool gp_check_is_directory(const char *photo_dir, gp_error *err)
{
    gp_os_stat st;
    if (gp_os_stat_path(photo_dir, true, &st) == 0 && st.type == GP_OS_DIRECTORY)
        return true;
    return gp_error_set(err, GP_ERR_OPEN, errno, "照片文件夹 '%s' 不存在或不是文件夹", photo_dir);
}

bool gp_check_prepare(const char *roster_path, const char *photo_dir,
                      const gp_check_options *options, gp_check_state *state,
                      gp_report *report, gp_error *err)
{
    memset(state, 0, sizeof *state);
    state->thumbnails = options->thumbnails;
    state->profile = gp_profile_load(options->profile, err);
    if (!state->profile)
        return false;
    gp_report_set_profile(report, gp_profile_name(state->profile));

    state->roster = roster_read_sheet(roster_path, options->encoding, options->sheet,
                                      state->profile, report, err);
    if (!state->roster)
        return false;
    const char *roster_label = gp_path_base(roster_path);
    if (state->roster->usable)
        gp_roster_apply_rules(state->roster, state->profile, roster_label, report);

    state->photos = gp_photo_dir_scan(photo_dir, report, err);
    if (!state->photos)
        return false;
    size_t n = state->photos->count;
    state->results = calloc(n ? n : 1, sizeof *state->results);
    return state->results ? true : gp_error_nomem(err);
}

void gp_check_inspect(gp_check_state *state, int threads)
{
    inspect_job job = {.photos = state->photos, .results = state->results,
                       .thumbnails = state->thumbnails};
    gp_parallel_for(state->photos->count, threads, inspect_one, &job);
}

bool gp_check_finish(gp_check_state *state, gp_report *report, gp_error *err)
{
    size_t n = state->photos->count;
    const char **seqs = calloc(n ? n : 1, sizeof *seqs);
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!seqs || !names) {
        free(seqs);
        free(names);
        return gp_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        seqs[i] = state->photos->files[i].seq;
        names[i] = state->photos->files[i].name;
    }
    gp_check_match_photos(state->roster->usable ? state->roster : NULL, state->profile, seqs,
                          names, state->results, n, NULL, report);
    free(seqs);
    free(names);

    gp_report_set_int(report, "rows", (long long)state->roster->count);
    gp_report_set_int(report, "photos", (long long)n);
    gp_report_set_str(report, "encoding", state->roster->encoding ? state->roster->encoding : "");
    gp_report_sort(report);
    return true;
}

gp_report *gp_check(const char *roster_path, const char *photo_dir,
                    const gp_check_options *options, gp_error *err)
{
    gp_check_options defaults = {0};
    if (!options)
        options = &defaults;
    if (!gp_check_is_directory(photo_dir, err))
        return NULL;
    gp_report *report = gp_report_new("check");
    if (!report) {
        gp_error_nomem(err);
        return NULL;
    }
    gp_check_state state = {0};
    bool ok = gp_check_prepare(roster_path, photo_dir, options, &state, report, err);
    if (ok)
        gp_check_inspect(&state, options->threads);
    ok = ok && gp_check_finish(&state, report, err) && gp_report_complete(report, err);
    gp_check_state_clear(&state);
    if (!ok) {
        gp_report_free(report);
        return NULL;
    }
    return report;
}
