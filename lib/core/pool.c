/* Work across cores: a parallel for-loop with dynamic scheduling (an atomic
 * counter), which is all per-photo work needs.  Results go into per-index
 * slots, so the order of completion never shows in the output. */
#include "core/pool.h"
#include "os.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef struct pool_job {
    size_t count;
    atomic_size_t next;
    gpi_task_fn fn;
    void *context;
} pool_job;

static void *worker(void *arg)
{
    pool_job *job = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->count)
            break;
        job->fn(job->context, i);
    }
    return NULL;
}

int gpi_cpu_count(void)
{
    return gpi_os_cpu_count();
}

bool gpi_parallel_for(size_t count, int threads, gpi_task_fn fn, void *context)
{
    pool_job job = {.count = count, .fn = fn, .context = context};
    atomic_init(&job.next, 0);
    if (threads <= 0)
        threads = gpi_cpu_count();
    if ((size_t)threads > count)
        threads = count ? (int)count : 1;
    if (threads <= 1) {
        worker(&job);
        return true;
    }
    pthread_t *ids = calloc((size_t)threads - 1, sizeof *ids);
    int started = 0;
    bool ok = ids != NULL;
    for (int t = 0; ok && t < threads - 1; t++) {
        if (pthread_create(&ids[t], NULL, worker, &job) != 0)
            ok = false;
        else
            started++;
    }
    worker(&job); /* the calling thread works too, and finishes what others could not */
    for (int t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    free(ids);
    return ok;
}
