/* Reading photos ahead of the zip writer.  pack reads each photo once:
 * workers read, hash and inspect it (gpi_check_read_photo, exactly what
 * check does) and keep the bytes until the writer takes them, in photo
 * order, to archive them.  Workers run at most a window of photos ahead of
 * the writer (a number of photos and a number of bytes), so memory stays
 * flat however long the roster is.  When the writer stops early, the rest
 * are still read and inspected (bytes dropped at once), so the report
 * names every problem of the photo set. */
#include "pack_internal.h"
#include "check/check.h"
#include "core/base.h"
#include "core/pool.h"
#include "photo/photo.h"

#include <pthread.h>
#include <stdlib.h>

#define WINDOW_PER_THREAD 4
#define WINDOW_BYTES (128u << 20)

typedef struct slot {
    unsigned char *data;
    size_t len;
    bool done;
} slot;

struct gpi_photo_pipeline {
    const gpi_photo_file *files;
    gpi_photo_result *results;
    size_t count;
    int threads;
    bool thumbnails;
    size_t window;

    pthread_mutex_t lock;
    pthread_cond_t ready;     /* a photo was read */
    pthread_cond_t space;     /* the writer took one, or draining began */
    slot *slots;
    size_t taken;             /* photos 0 .. taken-1 were handed to the writer */
    uint64_t held_bytes;      /* admitted photos not yet taken (listed sizes) */
    bool draining;            /* no more bytes kept: inspect only */
    pthread_t driver;
};

/* Photo i may be read now: it is within the window, or it is the one the
 * writer needs next (so the writer never waits on the window itself). */
static bool admissible(const gpi_photo_pipeline *p, size_t i)
{
    if (p->draining || i == p->taken)
        return true;
    return i < p->taken + p->window && p->held_bytes + p->files[i].size <= WINDOW_BYTES;
}

static void read_one(void *context, size_t i)
{
    gpi_photo_pipeline *p = context;
    pthread_mutex_lock(&p->lock);
    while (!admissible(p, i))
        pthread_cond_wait(&p->space, &p->lock);
    bool keep = !p->draining;
    if (keep)
        p->held_bytes += p->files[i].size;
    pthread_mutex_unlock(&p->lock);

    unsigned char *data = NULL;
    size_t len = 0;
    gpi_check_read_photo(&p->files[i], p->thumbnails, &p->results[i], keep ? &data : NULL, &len);

    pthread_mutex_lock(&p->lock);
    if (p->draining) {
        free(data);
        data = NULL;
    }
    p->slots[i] = (slot){.data = data, .len = len, .done = true};
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
}

static void *drive(void *arg)
{
    gpi_photo_pipeline *p = arg;
    gpi_parallel_for(p->count, p->threads, read_one, p);
    return NULL;
}

gpi_photo_pipeline *gpi_photo_pipeline_start(const gpi_photo_file *files, gpi_photo_result *results,
                                           size_t count, int threads, bool thumbnails,
                                           gp_error *err)
{
    gpi_photo_pipeline *p = calloc(1, sizeof *p);
    slot *slots = calloc(count ? count : 1, sizeof *slots);
    if (!p || !slots) {
        free(p);
        free(slots);
        gpi_error_nomem(err);
        return NULL;
    }
    if (threads <= 0)
        threads = gpi_cpu_count();
    *p = (gpi_photo_pipeline){.files = files, .results = results, .count = count,
                             .threads = threads, .thumbnails = thumbnails, .window = (size_t)threads * WINDOW_PER_THREAD,
                             .slots = slots};
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ready, NULL);
    pthread_cond_init(&p->space, NULL);
    if (pthread_create(&p->driver, NULL, drive, p) != 0) {
        pthread_cond_destroy(&p->space);
        pthread_cond_destroy(&p->ready);
        pthread_mutex_destroy(&p->lock);
        free(slots);
        free(p);
        gpi_error_set(err, GP_ERR_INTERNAL, 0, "无法启动读取照片的线程");
        return NULL;
    }
    return p;
}

bool gpi_photo_pipeline_take(gpi_photo_pipeline *p, size_t i, unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    pthread_mutex_lock(&p->lock);
    if (i != p->taken || i >= p->count || p->draining) {
        pthread_mutex_unlock(&p->lock);
        return false; /* out of order: a caller's bug, never a wait forever */
    }
    while (!p->slots[i].done)
        pthread_cond_wait(&p->ready, &p->lock);
    *data = p->slots[i].data;
    *len = p->slots[i].len;
    p->slots[i].data = NULL;
    p->held_bytes -= p->files[i].size;
    p->taken = i + 1;
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->lock);
    return *data != NULL;
}

void gpi_photo_pipeline_finish(gpi_photo_pipeline *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->draining = true;
    for (size_t i = 0; i < p->count; i++) {
        free(p->slots[i].data);
        p->slots[i].data = NULL;
    }
    pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->driver, NULL);
    pthread_cond_destroy(&p->space);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->lock);
    free(p->slots);
    free(p);
}
