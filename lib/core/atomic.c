/* Atomic outputs.  Each output is written to a temporary file in its target
 * folder (same file system, so rename is atomic) and renamed into place only
 * when complete.  Temporary paths are kept in a fixed table that a signal
 * handler can walk without allocating, so Ctrl-C leaves no stray files. */
#include "gp_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OPEN_TEMPS 64
#define TEMP_PATH_MAX 4096

struct gp_atomic {
    char *final_path;
    char *temp_path;
    bool overwrite;
    int fd;
    FILE *stream;
    int slot;
};

/* Slots are claimed under the mutex; the handler only reads them. */
static char temp_slots[MAX_OPEN_TEMPS][TEMP_PATH_MAX];
static volatile sig_atomic_t slot_used[MAX_OPEN_TEMPS];
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

static int claim_slot(const char *path)
{
    if (strlen(path) >= TEMP_PATH_MAX)
        return -1;
    pthread_mutex_lock(&slot_lock);
    int slot = -1;
    for (int i = 0; i < MAX_OPEN_TEMPS; i++)
        if (!slot_used[i]) {
            strcpy(temp_slots[i], path);
            slot_used[i] = 1;
            slot = i;
            break;
        }
    pthread_mutex_unlock(&slot_lock);
    return slot;
}

static void release_slot(int slot)
{
    if (slot < 0)
        return;
    pthread_mutex_lock(&slot_lock);
    slot_used[slot] = 0;
    pthread_mutex_unlock(&slot_lock);
}

void gp_interrupt_cleanup(void)
{
    for (int i = 0; i < MAX_OPEN_TEMPS; i++)
        if (slot_used[i])
            unlink(temp_slots[i]);
}

gp_atomic *gp_atomic_begin(const char *final_path, bool overwrite, gp_error *err)
{
    if (!overwrite && access(final_path, F_OK) == 0) {
        gp_error_set(err, GP_ERR_EXISTS, EEXIST,
                     "输出文件 '%s' 已存在。若要覆盖，请加 --force。", final_path);
        return NULL;
    }
    gp_atomic *file = calloc(1, sizeof *file);
    if (!file) {
        gp_error_nomem(err);
        return NULL;
    }
    file->fd = -1;
    file->slot = -1;
    file->overwrite = overwrite;
    file->final_path = strdup(final_path);
    /* ".NAME.tmp-XXXXXX" beside the target: hidden, and on the same file system */
    const char *base = gp_path_base(final_path);
    file->temp_path = gp_asprintf("%.*s.%s.tmp-XXXXXX", (int)(base - final_path), final_path, base);
    if (!file->final_path || !file->temp_path) {
        gp_error_nomem(err);
        gp_atomic_abort(file);
        return NULL;
    }
    /* create and register with signals blocked: a Ctrl-C between the two
     * would leave a temp file the cleanup does not know of */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &saved);
    file->fd = mkstemp(file->temp_path);
    if (file->fd >= 0)
        file->slot = claim_slot(file->temp_path);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (file->fd < 0) {
        int e = errno;
        gp_error_set(err, GP_ERR_WRITE, e, "无法在输出文件夹中创建临时文件 '%s'：%s",
                     file->temp_path, strerror(e));
        free(file->temp_path);
        file->temp_path = NULL;
        gp_atomic_abort(file);
        return NULL;
    }
    fchmod(file->fd, 0644);
    return file;
}

const char *gp_atomic_temp_path(const gp_atomic *file)
{
    return file->temp_path;
}

FILE *gp_atomic_stream(gp_atomic *file, gp_error *err)
{
    if (!file->stream) {
        file->stream = fdopen(file->fd, "wb");
        if (!file->stream) {
            gp_error_set(err, GP_ERR_WRITE, errno, "无法写入 '%s'", file->temp_path);
            return NULL;
        }
        file->fd = -1; /* owned by the stream now */
    }
    return file->stream;
}

static void atomic_free(gp_atomic *file)
{
    release_slot(file->slot); /* after the rename or unlink: never a gap */
    free(file->final_path);
    free(file->temp_path);
    free(file);
}

bool gp_atomic_commit(gp_atomic *file, gp_error *err)
{
    bool ok = true;
    int e = 0;
    if (file->stream) {
        if (fflush(file->stream) != 0 || fsync(fileno(file->stream)) != 0)
            ok = false, e = errno;
        if (fclose(file->stream) != 0 && ok)
            ok = false, e = errno;
        file->stream = NULL;
    } else if (file->fd >= 0) {
        /* written by a library through temp_path: sync what it wrote */
        int fd = open(file->temp_path, O_RDONLY);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
        close(file->fd);
        file->fd = -1;
    }
    if (ok) {
        if (file->overwrite) {
            if (rename(file->temp_path, file->final_path) != 0)
                ok = false, e = errno;
        } else {
            /* link() fails if the target appeared meanwhile: never clobber */
            if (link(file->temp_path, file->final_path) != 0)
                ok = false, e = errno;
            else
                unlink(file->temp_path);
        }
    }
    if (!ok) {
        gp_error_set(err, e == EEXIST ? GP_ERR_EXISTS : GP_ERR_WRITE, e,
                     "无法写出 '%s'：%s", file->final_path, strerror(e));
        unlink(file->temp_path);
    }
    atomic_free(file);
    return ok;
}

void gp_atomic_abort(gp_atomic *file)
{
    if (!file)
        return;
    if (file->stream)
        fclose(file->stream);
    else if (file->fd >= 0)
        close(file->fd);
    if (file->temp_path)
        unlink(file->temp_path);
    atomic_free(file);
}
