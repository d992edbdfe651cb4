/*
 * pool.h — work across cores.
 */
#ifndef GPI_POOL_H
#define GPI_POOL_H

#include "core/base.h"

typedef void (*gpi_task_fn)(void *context, size_t index);

/** Run fn(context, i) for every i < count on `threads` threads (0 = one per
 *  core), each index exactly once.  Returns false when threads cannot be
 *  started (then everything ran on the calling thread). */
bool gpi_parallel_for(size_t count, int threads, gpi_task_fn fn, void *context);
/** Number of online cores (at least 1). */
int gpi_cpu_count(void);

#endif
