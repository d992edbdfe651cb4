/* gp_fix: the photo folder made conforming, into another folder.  Each
 * photo is read once; inspection, judging (as check does it) and the whole
 * fix pipeline run on worker threads with results in per-photo slots; the
 * findings and the "photos" table are added afterwards on the calling
 * thread in photo order, so the report never depends on timing.  Outputs are
 * atomic (temporary file in the output folder, then rename); originals are
 * only ever read. */
#include "fix_internal.h"
#include "check/check.h"
#include "core/base.h"
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"
#include "core/messages.h"
#include "core/progress.h"
#include "core/atomic.h"
#include "core/error.h"
#include "core/files.h"
#include "core/os.h"
#include "photo/thumbnail.h"

#include "face/face.h"
#include "photo/content.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct fix_slot {
    gpi_fix_outcome outcome;
    bool read_failed;
    gp_error read_error;
    gp_error write_error;
    /* what the input and the written file measure (JSON from_*, to_*) */
    bool measured_from, measured_to;
    int from_width, from_height, from_dpi, to_width, to_height, to_dpi;
    size_t from_bytes, to_bytes;
    gpi_photo_result before, after; /* thumbnails for the HTML report */
} fix_slot;

/* The numbers of a JPEG as the photos table reports them. */
static void measure(const gpi_jpeg_info *info, size_t len, int *width, int *height, int *dpi,
                    size_t *bytes)
{
    *width = info->width;
    *height = info->height;
    double d = gpi_jpeg_dpi(info);
    *dpi = d > 0 ? (int)(d + 0.5) : 0;
    *bytes = len;
}

typedef struct fix_job {
    const gpi_photo_dir *photos;
    const gp_profile *profile;
    const gp_fix_options *options;
    fix_slot *slots;
} fix_job;

static bool write_output(const char *dir, const char *name, const unsigned char *data,
                         size_t len, bool force, gp_error *err)
{
    char *path = gpi_path_join(dir, name);
    if (!path)
        return gpi_error_nomem(err);
    gpi_atomic *file = gpi_atomic_begin(path, force, err);
    free(path);
    if (!file)
        return false;
    FILE *stream = gpi_atomic_stream(file, err);
    if (!stream || fwrite(data, 1, len, stream) != len) {
        if (stream)
            gpi_error_set(err, GP_ERR_WRITE, errno, "无法写入输出文件夹中的 '%s'：%s", name,
                         gpi_errno_text(errno));
        gpi_atomic_abort(file);
        return false;
    }
    return gpi_atomic_commit(file, err);
}

static void fix_one(void *context, size_t i)
{
    fix_job *job = context;
    const gpi_photo_file *file = &job->photos->files[i];
    fix_slot *slot = &job->slots[i];
    unsigned char *data = NULL;
    size_t len = 0;
    if (!gpi_read_file_at(file->folder ? file->folder->fd : -1, file->name, true, file->path,
                         GPI_MAX_PHOTO_READ_BYTES, &data, &len, &slot->read_error)) {
        slot->read_failed = true;
        slot->outcome.action = GPI_FIX_FAILED;
        slot->outcome.code = GP_PHOTO_UNREADABLE;
        return;
    }
    gpi_inspect_wants wants = {.thumbnail = job->options->thumbnails};
    gpi_photo_inspect(data, len, &wants, &slot->before);
    const gpi_jpeg_info info = slot->before.info;
    gp_report *judged = gp_report_new("fix");
    if (!judged) {
        free(data);
        gpi_error_nomem(&slot->write_error);
        return;
    }
    gpi_where where = {.seq = file->seq, .file = file->name};
    gpi_photo_judge(&info, len, job->profile, &where, judged);
    gpi_fix_photo(data, len, &info, judged, job->profile, job->options->crop,
                 job->options->frame, file->name,
                 &slot->outcome);
    bool complete = gpi_report_complete(judged, &slot->write_error);
    gp_report_free(judged);
    if (!complete) {
        free(data);
        return;
    }

    gpi_fix_outcome *o = &slot->outcome;
    if (info.is_jpeg && info.decoded) {
        slot->measured_from = true;
        measure(&info, len, &slot->from_width, &slot->from_height, &slot->from_dpi,
                &slot->from_bytes);
    }
    if (o->action == GPI_FIX_COPIED) {
        slot->measured_to = slot->measured_from;
        slot->to_width = slot->from_width;
        slot->to_height = slot->from_height;
        slot->to_dpi = slot->from_dpi;
        slot->to_bytes = slot->from_bytes;
    } else if ((o->action == GPI_FIX_FIXED || o->action == GPI_FIX_METADATA) && o->out) {
        /* measured from the bytes written, not from the plan; new pixels
         * also give the "after" picture for the HTML report, decoded once */
        gpi_jpeg_info out_info;
        if (job->options->thumbnails && o->action == GPI_FIX_FIXED) {
            gpi_inspect_wants after = {.thumbnail = true};
            gpi_photo_inspect(o->out, o->out_len, &after, &slot->after);
            out_info = slot->after.info;
        } else
            gpi_jpeg_inspect(o->out, o->out_len, &out_info);
        slot->measured_to = out_info.is_jpeg;
        measure(&out_info, o->out_len, &slot->to_width, &slot->to_height, &slot->to_dpi,
                &slot->to_bytes);
    }
    if (o->action == GPI_FIX_COPIED)
        write_output(job->options->output_dir, file->name, data, len, job->options->force,
                     &slot->write_error);
    else if (o->action == GPI_FIX_FIXED || o->action == GPI_FIX_METADATA)
        write_output(job->options->output_dir, file->name, o->out, o->out_len,
                     job->options->force, &slot->write_error);
    free(data);
    /* the new file is on disk: do not hold every photo in memory */
    free(o->out);
    o->out = NULL;
}

static void clear_slot(fix_slot *slot)
{
    gpi_fix_outcome_clear(&slot->outcome);
    gpi_photo_result_clear(&slot->before);
    gpi_photo_result_clear(&slot->after);
}

static bool same_directory(const char *a, const char *b)
{
    return gpi_os_same_file(a, b);
}

/* Refuse before writing anything when an output is already there. */
static bool check_existing(const gpi_photo_dir *photos, const gp_fix_options *options,
                           gp_error *err)
{
    size_t existing = 0;
    char *first = NULL;
    for (size_t i = 0; i < photos->count; i++) {
        char *path = gpi_path_join(options->output_dir, photos->files[i].name);
        if (!path) {
            free(first);
            return gpi_error_nomem(err);
        }
        if (gpi_os_exists(path)) {
            if (!first)
                first = path, path = NULL;
            existing++;
        }
        free(path);
    }
    if (!existing)
        return true;
    gpi_error_set(err, GP_ERR_EXISTS, EEXIST,
                 "输出文件 '%s' 已存在（共 %zu 个同名文件）。若要覆盖，请加 --force。", first,
                 existing);
    free(first);
    return false;
}

static const char *action_name(gpi_fix_action action)
{
    switch (action) {
    case GPI_FIX_COPIED: return "copied";
    case GPI_FIX_FIXED: return "fixed";
    case GPI_FIX_METADATA: return "metadata";
    default: return "failed";
    }
}

static const char *frame_name(const gpi_fix_outcome *o)
{
    if (!o->frame_ran)
        return "";
    switch (o->plan.verdict) {
    case GPI_FRAME_KEEP: return "kept";
    case GPI_FRAME_CROP: return "cropped";
    default: return "refused";
    }
}

/* --frame: the geometry before and after, as table cells and per-photo
 * numbers (target pixels). */
static void add_frame_results(gp_report *report, const gpi_photo_file *file,
                              const gpi_fix_outcome *o)
{
    char before[160] = "", after[160] = "";
    bool has_after = o->frame_ran &&
                     (o->plan.verdict == GPI_FRAME_KEEP || o->plan.verdict == GPI_FRAME_CROP);
    bool has_before = o->frame_ran && o->plan.verdict != GPI_FRAME_NO_FACE &&
                      o->plan.verdict != GPI_FRAME_NO_HEAD_TOP;
    if (has_before)
        gpi_fix_describe_geometry(&o->plan.before, before, sizeof before);
    if (has_after)
        gpi_fix_describe_geometry(&o->plan.after, after, sizeof after);
    gp_report_cell_str(report, "photos", "frame", frame_name(o));
    gp_report_cell_str(report, "photos", "geometry_before", before);
    gp_report_cell_str(report, "photos", "geometry_after", after);
    const struct {
        const char *key;
        bool present;
        const gpi_fix_geometry *g;
    } sets[] = {{"before", has_before, &o->plan.before}, {"after", has_after, &o->plan.after}};
    for (size_t i = 0; i < GPI_ARRAY_LEN(sets); i++) {
        if (!sets[i].present)
            continue;
        const gpi_fix_geometry *g = sets[i].g;
        const struct {
            const char *name;
            double value;
        } values[] = {{"head_top", g->head_top},
                      {"eye_line", g->eye_line},
                      {"face_width", g->face_width},
                      {"center_offset", g->center_offset}};
        for (size_t j = 0; j < GPI_ARRAY_LEN(values); j++) {
            char key[48];
            snprintf(key, sizeof key, "frame_%s_%s", sets[i].key, values[j].name);
            gp_report_photo_number(report, NULL, file->seq, key,
                                   (double)lround(values[j].value * 10) / 10);
        }
    }
    if (o->frame_ran && o->plan.verdict == GPI_FRAME_CROP) {
        gp_report_photo_number(report, NULL, file->seq, "frame_crop_x", o->plan.box.x);
        gp_report_photo_number(report, NULL, file->seq, "frame_crop_y", o->plan.box.y);
        gp_report_photo_number(report, NULL, file->seq, "frame_crop_width", o->plan.box.width);
        gp_report_photo_number(report, NULL, file->seq, "frame_crop_height", o->plan.box.height);
    }
}

static void add_results(gp_report *report, const gpi_photo_dir *photos, const fix_slot *slots,
                        bool frame)
{
    long long fixed = 0, metadata = 0, copied = 0, failed = 0;
    for (size_t i = 0; i < photos->count; i++) {
        const gpi_photo_file *file = &photos->files[i];
        const gpi_fix_outcome *o = &slots[i].outcome;
        gpi_where where = {.seq = file->seq, .file = file->name};
        if (slots[i].read_failed)
            gpi_report_add(report, GP_PHOTO_UNREADABLE, &where, NULL, NULL,
                          "无法读取照片 %s：%s", file->name,
                          slots[i].read_error.message);
        else if (o->code != GP_CODE_COUNT)
            gpi_report_add(report, o->code, &where, o->actual[0] ? o->actual : NULL,
                          o->expected[0] ? o->expected : NULL, "%s", o->message);
        fixed += o->action == GPI_FIX_FIXED;
        metadata += o->action == GPI_FIX_METADATA;
        copied += o->action == GPI_FIX_COPIED;
        failed += o->action == GPI_FIX_FAILED;

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
        const fix_slot *s = &slots[i];
        if (s->measured_from) {
            gp_report_cell_int(report, "photos", "from_width", s->from_width);
            gp_report_cell_int(report, "photos", "from_height", s->from_height);
            gp_report_cell_int(report, "photos", "from_bytes", (long long)s->from_bytes);
            gp_report_cell_int(report, "photos", "from_dpi", s->from_dpi);
        }
        if (s->measured_to) {
            gp_report_cell_int(report, "photos", "to_width", s->to_width);
            gp_report_cell_int(report, "photos", "to_height", s->to_height);
            gp_report_cell_int(report, "photos", "to_bytes", (long long)s->to_bytes);
            gp_report_cell_int(report, "photos", "to_dpi", s->to_dpi);
        }
        gp_report_cell_int(report, "photos", "quality", o->quality);
        gp_report_cell_int(report, "photos", "encodes", o->encodes);
        if (frame)
            add_frame_results(report, file, o);
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
        gpi_error_set(err, GP_ERR_USAGE, 0, "需要照片文件夹和输出文件夹（-o）");
        return NULL;
    }
    gpi_os_stat st;
    if (gpi_os_stat_path(photo_dir, true, &st) != 0 || st.type != GPI_OS_DIRECTORY) {
        gpi_error_set(err, GP_ERR_OPEN, errno, "照片文件夹 '%s' 不存在或不是文件夹", photo_dir);
        return NULL;
    }
    if (same_directory(photo_dir, options->output_dir)) {
        gpi_error_set(err, GP_ERR_USAGE, 0,
                     "输出文件夹 '%s' 就是照片文件夹本身；请用另一个文件夹（如 fixed/），原照片不会被改动",
                     options->output_dir);
        return NULL;
    }
    gp_report *report = gp_report_new("fix");
    gp_profile *profile = NULL;
    gpi_photo_dir *photos = NULL;
    fix_slot *slots = NULL;
    gpi_lock *lock = NULL;
    gp_report *fixed = NULL; /* the report, once complete */
    if (!report) {
        gpi_error_nomem(err);
        return NULL;
    }
    profile = gp_profile_load(options->profile, err);
    if (!profile)
        goto fail;
    if (options->frame) {
        /* the model check uses, then whether measuring can run at all */
        if (profile->content && profile->content->face_model)
            gpi_face_set_model(profile->content->face_model, false);
        char why[256];
        if (!gpi_fix_measure_ready(why, sizeof why)) {
            gpi_error_set(err, GP_ERR_USAGE, 0, "无法使用 --frame：%s", why);
            goto fail;
        }
    }
    gpi_report_set_profile(report, gp_profile_name(profile));
    photos = gpi_photo_dir_scan(photo_dir, report, err);
    if (!photos)
        goto fail;
    /* the lock first: a dead run's temporary files are gone before we look */
    lock = gpi_lock_output(options->output_dir, err);
    if (!lock)
        goto fail;
    if (!options->force && !check_existing(photos, options, err))
        goto fail;
    slots = calloc(photos->count ? photos->count : 1, sizeof *slots);
    if (!slots) {
        gpi_error_nomem(err);
        goto fail;
    }
    fix_job job = {.photos = photos, .profile = profile, .options = options, .slots = slots};
    gpi_parallel_for_progress(photos->count, options->threads, fix_one, &job, options->progress,
                             options->progress_context);

    for (size_t i = 0; i < photos->count; i++)
        if (slots[i].write_error.status != GP_OK) {
            gpi_error_propagate(err, &slots[i].write_error);
            goto fail;
        }
    for (size_t i = 0; i < photos->count; i++)
        if (slots[i].outcome.face_unavailable) {
            gpi_error_set(err, GP_ERR_USAGE, 0, "无法使用 --frame：%s",
                         slots[i].outcome.frame_error);
            goto fail;
        }
    add_results(report, photos, slots, options->frame);
    gp_report_set_str(report, "output", options->output_dir);
    if (!gpi_report_complete(report, err))
        goto fail;
    gp_report_sort(report);
    fixed = report;
    report = NULL;
fail: /* and done: what is not returned is freed */
    if (slots)
        for (size_t i = 0; i < photos->count; i++)
            clear_slot(&slots[i]);
    free(slots);
    gpi_lock_release(lock);
    gpi_photo_dir_free(photos);
    gp_profile_free(profile);
    gp_report_free(report);
    return fixed;
}
