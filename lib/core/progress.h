/* Progress reports (gp_progress_fn of the public options) from per-item
 * work.  Internal. */
#ifndef GPI_CORE_PROGRESS_H
#define GPI_CORE_PROGRESS_H

#include "core/pool.h"

/** gpi_parallel_for that calls progress(progress_context, done, count) once
 *  before the work (done 0) and after each item, serialised; done never
 *  goes backwards.  progress may be NULL. */
bool gpi_parallel_for_progress(size_t count, int threads, gpi_task_fn fn, void *context,
                              gp_progress_fn progress, void *progress_context);
/* Several bundles one after the other as one count: done and total of the
 * current bundle are shifted by `base`, the photos of the bundles before. */
typedef struct gpi_progress_offset {
    gp_progress_fn fn;
    void *context;
    size_t base;
} gpi_progress_offset;
/** A gp_progress_fn whose context is a gpi_progress_offset. */
void gpi_progress_offset_report(void *context, size_t done, size_t total);

/** One call of fn when it is not NULL (for work outside the pool). */
void gpi_progress_report(gp_progress_fn fn, void *context, size_t done, size_t total);

#endif
