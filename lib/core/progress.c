/* Progress reports from the worker pool: a parallel for-loop that tells the
 * caller's gp_progress_fn how many items are done.  Calls are serialised
 * (a mutex), so the callback itself need not be thread-safe; done never
 * goes backwards. */
#include "progress.h"
#include "core/pool.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct progress_job {
    gpi_task_fn fn;
    void *context;
    size_t total;
    gp_progress_fn progress;
    void *progress_context;
    atomic_size_t done;
    pthread_mutex_t lock;
    size_t reported;
} progress_job;

void gpi_progress_offset_report(void *context, size_t done, size_t total)
{
    gpi_progress_offset *o = context;
    o->fn(o->context, o->base + done, o->base + total);
}

void gpi_progress_report(gp_progress_fn fn, void *context, size_t done, size_t total)
{
    if (fn)
        fn(context, done, total);
}

static void step(void *arg, size_t i)
{
    progress_job *job = arg;
    job->fn(job->context, i);
    size_t done = atomic_fetch_add(&job->done, 1) + 1;
    pthread_mutex_lock(&job->lock);
    if (done > job->reported) { /* never backwards when threads overtake */
        job->reported = done;
        job->progress(job->progress_context, done, job->total);
    }
    pthread_mutex_unlock(&job->lock);
}

bool gpi_parallel_for_progress(size_t count, int threads, gpi_task_fn fn, void *context,
                              gp_progress_fn progress, void *progress_context)
{
    if (!progress)
        return gpi_parallel_for(count, threads, fn, context);
    progress_job job = {.fn = fn, .context = context, .total = count, .progress = progress,
                        .progress_context = progress_context};
    atomic_init(&job.done, 0);
    pthread_mutex_init(&job.lock, NULL);
    progress(progress_context, 0, count);
    bool ok = gpi_parallel_for(count, threads, step, &job);
    pthread_mutex_destroy(&job.lock);
    return ok;
}
