/* gp_fix: the photo folder made conforming, into another folder.  Each
 * photo is read once; inspection, judging (as check does it) and the whole
 * fix pipeline run on worker threads with results in per-photo slots; the
 * findings and the "photos" table are added afterwards on the calling
 * thread in photo order, so the report never depends on timing.  Outputs are
 * atomic (temporary file in the output folder, then rename); originals are
 * only ever read. */
#include "fix_internal.h"
#include "core/atomic.h"
#include "core/error.h"
#include "core/files.h"
#include "core/os.h"
#include "photo/thumbnail.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct fix_slot {
    gp_fix_outcome outcome;
    bool read_failed;
    gp_error read_error;
    gp_error write_error;
    gp_photo_result before, after; /* thumbnails for the HTML report */
} fix_slot;

typedef struct fix_job {
    const gp_photo_dir *photos;
    const gp_profile *profile;
    const gp_fix_options *options;
    fix_slot *slots;
} fix_job;

static bool write_output(const char *dir, const char *name, const unsigned char *data,
                         size_t len, bool force, gp_error *err)
{
    char *path = gp_path_join(dir, name);
    if (!path)
        return gp_error_nomem(err);
    gp_atomic *file = gp_atomic_begin(path, force, err);
    free(path);
    if (!file)
        return false;
    FILE *stream = gp_atomic_stream(file, err);
    if (!stream || fwrite(data, 1, len, stream) != len) {
        if (stream)
            gp_error_set(err, GP_ERR_WRITE, errno, "无法写入输出文件夹中的 '%s'：%s", name,
                         strerror(errno));
        gp_atomic_abort(file);
        return false;
    }
    return gp_atomic_commit(file, err);
}

static void fix_one(void *context, size_t i)
{
    fix_job *job = context;
    const gp_photo_file *file = &job->photos->files[i];
    fix_slot *slot = &job->slots[i];
    unsigned char *data = NULL;
    size_t len = 0;
    if (!gp_read_file_at(file->folder ? file->folder->fd : -1, file->name, true, file->path,
                         GP_MAX_PHOTO_READ_BYTES, &data, &len, &slot->read_error)) {
        slot->read_failed = true;
        slot->outcome.action = GP_FIX_FAILED;
        slot->outcome.code = GP_PHOTO_UNREADABLE;
        return;
    }
    gp_inspect_wants wants = {.thumbnail = job->options->thumbnails};
    gp_photo_inspect(data, len, &wants, &slot->before);
    const gp_jpeg_info info = slot->before.info;
    gp_report *judged = gp_report_new("fix");
    if (!judged) {
        free(data);
        gp_error_nomem(&slot->write_error);
        return;
    }
    gp_where where = {.seq = file->seq, .file = file->name};
    gp_photo_judge(&info, len, job->profile, &where, judged);
    gp_fix_photo(data, len, &info, judged, job->profile, job->options->crop, file->name,
                 &slot->outcome);
    bool complete = gp_report_complete(judged, &slot->write_error);
    gp_report_free(judged);
    if (!complete) {
        free(data);
        return;
    }

    gp_fix_outcome *o = &slot->outcome;
    /* new pixels: the "after" picture, decoded from the bytes in memory */
    if (job->options->thumbnails && o->action == GP_FIX_FIXED && o->out) {
        gp_inspect_wants after = {.thumbnail = true};
        gp_photo_inspect(o->out, o->out_len, &after, &slot->after);
    }
    if (o->action == GP_FIX_COPIED)
        write_output(job->options->output_dir, file->name, data, len, job->options->force,
                     &slot->write_error);
    else if (o->action == GP_FIX_FIXED || o->action == GP_FIX_METADATA)
        write_output(job->options->output_dir, file->name, o->out, o->out_len,
                     job->options->force, &slot->write_error);
    free(data);
    /* the new file is on disk: do not hold every photo in memory */
    free(o->out);
    o->out = NULL;
}

static void clear_slot(fix_slot *slot)
{
    gp_fix_outcome_clear(&slot->outcome);
    gp_photo_result_clear(&slot->before);
    gp_photo_result_clear(&slot->after);
}

static bool same_directory(const char *a, const char *b)
{
    return gp_os_same_file(a, b);
}

/* Refuse before writing anything when an output is already there. */
static bool check_existing(const gp_photo_dir *photos, const gp_fix_options *options,
                           gp_error *err)
{
    size_t existing = 0;
    char *first = NULL;
    for (size_t i = 0; i < photos->count; i++) {
        char *path = gp_path_join(options->output_dir, photos->files[i].name);
        if (!path) {
            free(first);
            return gp_error_nomem(err);
        }
        if (gp_os_exists(path)) {
            if (!first)
                first = path, path = NULL;
            existing++;
        }
        free(path);
    }
    if (!existing)
        return true;
    gp_error_set(err, GP_ERR_EXISTS, EEXIST,
                 "输出文件 '%s' 已存在（共 %zu 个同名文件）。若要覆盖，请加 --force。", first,
                 existing);
    free(first);
    return false;
}

static const char *action_name(gp_fix_action action)
{
    switch (action) {
    case GP_FIX_COPIED: return "copied";
    case GP_FIX_FIXED: return "fixed";
    case GP_FIX_METADATA: return "metadata";
    default: return "failed";
    }
}

static void add_results(gp_report *report, const gp_photo_dir *photos, const fix_slot *slots)
{
    long long fixed = 0, metadata = 0, copied = 0, failed = 0;
    for (size_t i = 0; i < photos->count; i++) {
        const gp_photo_file *file = &photos->files[i];
        const gp_fix_outcome *o = &slots[i].outcome;
        gp_where where = {.seq = file->seq, .file = file->name};
        if (slots[i].read_failed)
            gp_report_add(report, GP_PHOTO_UNREADABLE, &where, NULL, NULL,
                          "无法读取照片 %s：%s", file->name,
                          slots[i].read_error.message);
        else if (o->code != GP_CODE_COUNT)
            gp_report_add(report, o->code, &where, o->actual[0] ? o->actual : NULL,
                          o->expected[0] ? o->expected : NULL, "%s", o->message);
        fixed += o->action == GP_FIX_FIXED;
        metadata += o->action == GP_FIX_METADATA;
        copied += o->action == GP_FIX_COPIED;
        failed += o->action == GP_FIX_FAILED;

        gp_report_photo_text(report, NULL, file->seq, "file", file->name);
        gp_report_photo_text(report, NULL, file->seq, "action", action_name(o->action));
        if (slots[i].before.thumb)
            gp_report_photo_thumbnail(report, NULL, file->seq, slots[i].before.thumb,
                                      slots[i].before.thumb_len);
        if (slots[i].after.thumb)
            gp_report_photo_thumbnail_after(report, NULL, file->seq, slots[i].after.thumb,
                                            slots[i].after.thumb_len);

        gp_report_table_row(report, "photos");
        gp_report_cell_str(report, "photos", "file", file->name);
        gp_report_cell_str(report, "photos", "action", action_name(o->action));
        gp_report_cell_str(report, "photos", "from", o->from);
        gp_report_cell_str(report, "photos", "to", o->to);
        gp_report_cell_int(report, "photos", "quality", o->quality);
        gp_report_cell_int(report, "photos", "encodes", o->encodes);
    }
    gp_report_set_int(report, "photos", (long long)photos->count);
    gp_report_set_int(report, "fixed", fixed);
    gp_report_set_int(report, "metadata", metadata);
    gp_report_set_int(report, "copied", copied);
    gp_report_set_int(report, "failed", failed);
}

gp_report *gp_fix(const char *photo_dir, const gp_fix_options *options, gp_error *err)
{
    if (!photo_dir || !options || !options->output_dir || !options->output_dir[0]) {
        gp_error_set(err, GP_ERR_USAGE, 0, "需要照片文件夹和输出文件夹（-o）");
        return NULL;
    }
    gp_os_stat st;
    if (gp_os_stat_path(photo_dir, true, &st) != 0 || st.type != GP_OS_DIRECTORY) {
        gp_error_set(err, GP_ERR_OPEN, errno, "照片文件夹 '%s' 不存在或不是文件夹", photo_dir);
        return NULL;
    }
    if (same_directory(photo_dir, options->output_dir)) {
        gp_error_set(err, GP_ERR_USAGE, 0,
                     "输出文件夹 '%s' 就是照片文件夹本身；请用另一个文件夹（如 fixed/），原照片不会被改动",
                     options->output_dir);
        return NULL;
    }
    gp_report *report = gp_report_new("fix");
    gp_profile *profile = NULL;
    gp_photo_dir *photos = NULL;
    fix_slot *slots = NULL;
    gp_lock *lock = NULL;
    if (!report) {
        gp_error_nomem(err);
        return NULL;
    }
    profile = gp_profile_load(options->profile, err);
    if (!profile)
        goto fail;
    gp_report_set_profile(report, gp_profile_name(profile));
    photos = gp_photo_dir_scan(photo_dir, report, err);
    if (!photos)
        goto fail;
    /* the lock first: a dead run's temporary files are gone before we look */
    lock = gp_lock_output(options->output_dir, err);
    if (!lock)
        goto fail;
    if (!options->force && !check_existing(photos, options, err))
        goto fail;
    slots = calloc(photos->count ? photos->count : 1, sizeof *slots);
    if (!slots) {
        gp_error_nomem(err);
        goto fail;
    }
    fix_job job = {.photos = photos, .profile = profile, .options = options, .slots = slots};
    gp_parallel_for(photos->count, options->threads, fix_one, &job);

    for (size_t i = 0; i < photos->count; i++)
        if (slots[i].write_error.status != GP_OK) {
            gp_error_propagate(err, &slots[i].write_error);
            goto fail;
        }
    add_results(report, photos, slots);
    gp_report_set_str(report, "output", options->output_dir);
    if (!gp_report_complete(report, err))
        goto fail;
    gp_report_sort(report);
    for (size_t i = 0; i < photos->count; i++)
        clear_slot(&slots[i]);
    free(slots);
    gp_lock_release(lock);
    gp_photo_dir_free(photos);
    gp_profile_free(profile);
    return report;
fail:
    if (slots)
        for (size_t i = 0; i < photos->count; i++)
            clear_slot(&slots[i]);
    free(slots);
    gp_lock_release(lock);
    gp_photo_dir_free(photos);
    gp_profile_free(profile);
    gp_report_free(report);
    return NULL;
}
