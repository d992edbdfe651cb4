/* check: the roster and every photo judged against the profile in one pass.
 * Each photo file is read once, into memory, and hashed and inspected from
 * that buffer on a worker thread; judging happens afterwards on the calling
 * thread, in photo-number order, so findings never depend on timing.
 *
 * The pass is in three steps (prepare, inspect, finish) so that pack can
 * run the same steps with its own reading of the photos in the middle
 * (it archives each photo from the buffer it inspected). */
#include "check/check.h"
#include "core/base.h"
#include "core/error.h"
#include "core/files.h"
#include "core/findings.h"
#include "core/os.h"
#include "core/profile.h"
#include "core/progress.h"
#include "photo/photo.h"
#include "roster/roster.h"
#include "face/face.h"
#include "photo/content.h"
#include "photo/thumbnail.h"
#include "roster/reading.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gpi_check_read_photo(const gpi_photo_file *file, bool thumbnails, gpi_photo_result *out,
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
    if (!gpi_read_file_at(dir_fd, file->name, true, file->path, GPI_MAX_PHOTO_READ_BYTES, &data,
                         &len, &err)) {
        out->read_ok = false;
        out->read_errno = err.sys_errno ? err.sys_errno : EIO;
        /* a file larger than any photo is still judged by its size */
        out->size = file->size;
        return;
    }
    out->read_ok = true;
    out->size = len;
    gpi_sha256(data, len, out->sha256);
    /* one decode: its preview (240 wide, 1/4 of a 960-wide photo) is what
     * the content rules measure and the thumbnail is made from */
    gpi_inspect_wants wants = {.thumbnail = thumbnails, .content = true};
    gpi_photo_inspect(data, len, &wants, out);
    if (keep) {
        *keep = data;
        *keep_len = len;
    } else {
        free(data);
    }
}

void gpi_photo_result_clear(gpi_photo_result *result)
{
    if (!result)
        return;
    free(result->thumb);
    memset(result, 0, sizeof *result);
}

typedef struct inspect_job {
    const gpi_photo_dir *photos;
    gpi_photo_result *results;
    bool thumbnails;
} inspect_job;

static void inspect_one(void *context, size_t i)
{
    inspect_job *job = context;
    gpi_check_read_photo(&job->photos->files[i], job->thumbnails, &job->results[i], NULL, NULL);
}

void gpi_check_state_clear(gpi_check_state *state)
{
    if (!state)
        return;
    gp_profile_free(state->profile);
    gpi_roster_free(state->roster);
    for (size_t i = 0; state->photos && state->results && i < state->photos->count; i++)
        gpi_photo_result_clear(&state->results[i]);
    gpi_photo_dir_free(state->photos);
    free(state->results);
    memset(state, 0, sizeof *state);
}

bool gpi_check_is_directory(const char *photo_dir, gp_error *err)
{
    gpi_os_stat st;
    if (gpi_os_stat_path(photo_dir, true, &st) == 0 && st.type == GPI_OS_DIRECTORY)
        return true;
    return gpi_error_set(err, GP_ERR_OPEN, errno, "照片文件夹 '%s' 不存在或不是文件夹", photo_dir);
}

bool gpi_check_prepare(const char *roster_path, const char *photo_dir,
                      const gp_check_options *options, gpi_check_state *state,
                      gp_report *report, gp_error *err)
{
    memset(state, 0, sizeof *state);
    state->thumbnails = options->thumbnails;
    state->profile = gp_profile_load(options->profile, err);
    if (!state->profile)
        return false;
    if (state->profile->content && state->profile->content->face_model)
        gpi_face_set_model(state->profile->content->face_model, false);
    gpi_report_set_profile(report, gp_profile_name(state->profile));

    state->roster = roster_read_sheet(roster_path, options->encoding, options->sheet,
                                      state->profile, report, err);
    if (!state->roster)
        return false;
    const char *roster_label = gpi_path_base(roster_path);
    if (state->roster->usable)
        gpi_roster_apply_rules(state->roster, state->profile, roster_label, report);

    state->photos = gpi_photo_dir_scan(photo_dir, report, err);
    if (!state->photos)
        return false;
    size_t n = state->photos->count;
    state->results = calloc(n ? n : 1, sizeof *state->results);
    return state->results ? true : gpi_error_nomem(err);
}

void gpi_check_inspect(gpi_check_state *state, int threads, gp_progress_fn progress,
                      void *progress_context)
{
    inspect_job job = {.photos = state->photos, .results = state->results,
                       .thumbnails = state->thumbnails};
    gpi_parallel_for_progress(state->photos->count, threads, inspect_one, &job, progress,
                             progress_context);
}

bool gpi_check_finish(gpi_check_state *state, gp_report *report, gp_error *err)
{
    size_t n = state->photos->count;
    const char **seqs = calloc(n ? n : 1, sizeof *seqs);
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!seqs || !names) {
        free(seqs);
        free(names);
        return gpi_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        seqs[i] = state->photos->files[i].seq;
        names[i] = state->photos->files[i].name;
    }
    gpi_check_match_photos(state->roster->usable ? state->roster : NULL, state->profile, seqs,
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
    if (!gpi_check_is_directory(photo_dir, err))
        return NULL;
    gp_report *report = gp_report_new("check");
    if (!report) {
        gpi_error_nomem(err);
        return NULL;
    }
    gpi_check_state state = {0};
    bool ok = gpi_check_prepare(roster_path, photo_dir, options, &state, report, err);
    if (ok)
        gpi_check_inspect(&state, options->threads, options->progress, options->progress_context);
    ok = ok && gpi_check_finish(&state, report, err) && gpi_report_complete(report, err);
    gpi_check_state_clear(&state);
    if (!ok) {
        gp_report_free(report);
        return NULL;
    }
    return report;
}
