/* Progress reports (gp_progress_fn of the public options) from per-item
 * work.  Internal. */
#ifndef GP_CORE_PROGRESS_H
#define GP_CORE_PROGRESS_H

#include "gp_internal.h"

/** gp_parallel_for that calls progress(progress_context, done, count) once
 *  before the work (done 0) and after each item, serialised; done never
 *  goes backwards.  progress may be NULL. */
bool gp_parallel_for_progress(size_t count, int threads, gp_task_fn fn, void *context,
                              gp_progress_fn progress, void *progress_context);
/* Several bundles one after the other as one count: done and total of the
 * current bundle are shifted by `base`, the photos of the bundles before. */
typedef struct gp_progress_offset {
    gp_progress_fn fn;
    void *context;
    size_t base;
} gp_progress_offset;
/** A gp_progress_fn whose context is a gp_progress_offset. */
void gp_progress_offset_report(void *context, size_t done, size_t total);

/** One call of fn when it is not NULL (for work outside the pool). */
void gp_progress_report(gp_progress_fn fn, void *context, size_t done, size_t total);

#endif
