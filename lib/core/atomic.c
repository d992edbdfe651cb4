/* Atomic outputs.  Each output is written to a temporary file in its target
 * folder (same file system, so rename is atomic) and renamed into place only
 * when complete.  Temporary paths are kept in a registry that a signal
 * handler can walk without allocating, so Ctrl-C leaves no stray files.
 * The registry grows in blocks (never drops a registration); a temporary
 * file that cannot be registered is not created.  Every platform call goes
 * through lib/core/os.h. */
#include "atomic.h"
#include "core/atomic.h"
#include "core/base.h"
#include "core/files.h"
#include "core/messages.h"
#include "error.h"
#include "os.h"
#include "testhook.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS_PER_BLOCK 64
#define TEMP_PATH_MAX 4096

struct gpi_atomic {
    char *final_path;
    char *temp_path;
    char *library_path; /* gpi_atomic_library_path */
    bool overwrite;
    int fd;
    FILE *stream;
    struct slot *slot;
};

/* A registered temporary path.  Blocks are linked once and never freed, so
 * the handler may walk them at any moment; a slot is filled before `used`
 * is set and `used` cleared before it is reused.  `used` is a lock-free
 * atomic: claiming takes slot_lock (always with signals blocked), releasing
 * does not, so no thread ever waits on a lock to release a slot (an
 * interrupted thread may hold no lock the cleanup's wait depends on). */
typedef struct slot {
    atomic_int used;
    char path[TEMP_PATH_MAX];
} slot;

typedef struct slot_block {
    slot slots[SLOTS_PER_BLOCK];
    struct slot_block *_Atomic next;
} slot_block;

static slot_block first_block;
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

/* Called with signals blocked.  NULL when the path is too long or a new
 * block cannot be allocated: the caller then refuses to create the file. */
static slot *claim_slot(const char *path)
{
    if (strlen(path) >= TEMP_PATH_MAX)
        return NULL;
    pthread_mutex_lock(&slot_lock);
    slot *found = NULL;
    slot_block *b = &first_block;
    for (;;) {
        for (int i = 0; i < SLOTS_PER_BLOCK && !found; i++)
            if (!atomic_load(&b->slots[i].used))
                found = &b->slots[i];
        if (found)
            break;
        slot_block *next = atomic_load(&b->next);
        if (!next) {
            next = calloc(1, sizeof *next);
            if (!next)
                break;
            atomic_store(&b->next, next); /* published fully initialised */
        }
        b = next;
    }
    if (found) {
        strcpy(found->path, path);
        atomic_store(&found->used, 1);
    }
    pthread_mutex_unlock(&slot_lock);
    return found;
}

static void release_slot(slot *s)
{
    if (!s)
        return;
    atomic_store(&s->used, 0);
}

void *gpi_atomic_register_path(const char *path)
{
    gpi_os_sigstate saved;
    gpi_os_signals_block(&saved);
    slot *s = claim_slot(path);
    gpi_os_signals_restore(&saved);
    return s;
}

void gpi_atomic_unregister_path(void *handle)
{
    release_slot(handle);
}

/* The interrupt gate.  The cleanup may run in any thread while the others
 * go on, and a step that another thread is half-way through would undo it:
 * a temporary file registered but not yet created (created after the
 * cleanup: left behind), a set commit past its commit point whose slots
 * are not yet released (its temporary files removed under a journal that
 * names them: a mix of old and new outputs).  So those steps run inside the
 * gate, and the cleanup first closes it (no step starts after) and then
 * waits for the steps inside to end.  Both sides use sequentially
 * consistent atomics: either the step sees the gate closed and gives up,
 * or the cleanup sees the step and waits.  The wait is bounded (a step
 * stuck behind a lock the interrupted thread holds, malloc's say, or a
 * slow disk, must not hang Ctrl-C), so each step is also safe when the
 * cleanup stops waiting: a file created after it is removed again by its
 * creator (which sees the gate closed), and a set commit releases its
 * files from the registry before its commit point (an interrupt then
 * leaves them as hidden leftovers, which the next run in that folder
 * removes, never removes files a journal names). */
static atomic_int gate_closed;
static atomic_int steps_inside;
#define GATE_WAIT_SECONDS 5.0

static bool gate_enter(void)
{
    atomic_fetch_add(&steps_inside, 1);
    if (atomic_load(&gate_closed)) {
        atomic_fetch_sub(&steps_inside, 1);
        return false;
    }
    return true;
}

static void gate_leave(void)
{
    atomic_fetch_sub(&steps_inside, 1);
}

void gp_interrupt_cleanup(void)
{
    atomic_store(&gate_closed, 1);
    double deadline = gpi_os_monotonic_seconds() + GATE_WAIT_SECONDS;
    while (atomic_load(&steps_inside) > 0 && gpi_os_monotonic_seconds() < deadline)
        gpi_os_sleep_ms(1);
    for (slot_block *b = &first_block; b; b = atomic_load(&b->next))
        for (int i = 0; i < SLOTS_PER_BLOCK; i++)
            if (atomic_load(&b->slots[i].used))
                gpi_os_unlink_signal_safe(b->slots[i].path);
}

static void (*interrupt_hook)(void);

static void cleanup_then_hook(void)
{
    gp_interrupt_cleanup();
    if (interrupt_hook)
        interrupt_hook();
}

bool gp_interrupt_install(void)
{
    return gp_interrupt_install_hook(NULL);
}

bool gp_interrupt_install_hook(void (*hook)(void))
{
    interrupt_hook = hook;
    return gpi_os_on_interrupt(cleanup_then_hook);
}

gpi_atomic *gpi_atomic_begin(const char *final_path, bool overwrite, gp_error *err)
{
    return gpi_atomic_begin_mode(final_path, overwrite, GPI_MODE_PRIVATE, err);
}

gpi_atomic *gpi_atomic_begin_mode(const char *final_path, bool overwrite, unsigned mode,
                                gp_error *err)
{
    if (!overwrite && gpi_os_exists(final_path)) {
        gpi_error_set(err, GP_ERR_EXISTS, EEXIST,
                     "输出文件 '%s' 已存在。若要覆盖，请加 --force。", final_path);
        return NULL;
    }
    gpi_atomic *file = calloc(1, sizeof *file);
    if (!file) {
        gpi_error_nomem(err);
        return NULL;
    }
    file->fd = -1;
    file->overwrite = overwrite;
    file->final_path = strdup(final_path);
    /* ".NAME.tmp-XXXXXX" beside the target: hidden, and on the same file system */
    const char *base = gpi_path_base(final_path);
    file->temp_path = gpi_asprintf("%.*s.%s.tmp-XXXXXX", (int)(base - final_path), final_path, base);
    if (!file->final_path || !file->temp_path) {
        gpi_error_nomem(err);
        gpi_atomic_abort(file);
        return NULL;
    }
    /* register, then create, with signals blocked: a Ctrl-C between the
     * two would leave a temp file the cleanup does not know of; a file
     * that cannot be registered is never created */
    size_t template_len = strlen(file->temp_path);
    gpi_os_sigstate saved;
    gpi_os_signals_block(&saved);
    int e = 0;
    bool inside = gate_enter(), interrupted = !inside;
    file->slot = inside ? claim_slot(file->temp_path) : NULL;
    if (!inside) {
        e = EINTR; /* the run is being interrupted: nothing new is created */
    } else if (!file->slot) {
        e = ENOMEM;
    } else {
        gpi_test_pause(GPI_TEST_PAUSE_IN_CREATE);
        /* the slot names the file before it exists: a signal taken by
         * another thread in between finds the right name */
        for (int attempt = 0; attempt < 100; attempt++) {
            memcpy(file->temp_path + template_len - 6, "XXXXXX", 6);
            gpi_os_temp_fill(file->temp_path);
            strcpy(file->slot->path, file->temp_path);
            file->fd = gpi_os_create_exclusive(file->temp_path, mode);
            e = errno;
            if (file->fd >= 0 || e != EEXIST)
                break;
        }
        if (file->fd >= 0 && atomic_load(&gate_closed)) {
            /* interrupted meanwhile: the cleanup may have passed this name */
            gpi_os_close(file->fd);
            gpi_os_unlink(file->temp_path);
            file->fd = -1;
            e = EINTR;
            interrupted = true;
        }
    }
    if (inside)
        gate_leave();
    gpi_os_signals_restore(&saved);
    if (file->fd < 0) {
        if (interrupted)
            gpi_error_set(err, GP_ERR_WRITE, e, "运行已被中断，没有再写出 '%s'", file->final_path);
        else if (!file->slot)
            gpi_error_set(err, GP_ERR_NOMEM, e,
                         "无法登记临时文件 '%s'（内存不足或路径太长），没有写出任何文件",
                         file->temp_path);
        else
            gpi_error_set(err, GP_ERR_WRITE, e, "无法在输出文件夹中创建临时文件 '%s'：%s",
                         file->temp_path, gpi_errno_text(e));
        free(file->temp_path);
        file->temp_path = NULL;
        gpi_atomic_abort(file);
        return NULL;
    }
    if (!(file->library_path = gpi_os_fd_path(file->fd, file->temp_path))) {
        gpi_error_nomem(err);
        gpi_atomic_abort(file);
        return NULL;
    }
    return file;
}

const char *gpi_atomic_temp_path(const gpi_atomic *file)
{
    return file->temp_path;
}

const char *gpi_atomic_library_path(const gpi_atomic *file)
{
    return file->library_path;
}

FILE *gpi_atomic_stream(gpi_atomic *file, gp_error *err)
{
    if (!file->stream) {
        file->stream = fdopen(file->fd, "wb");
        if (!file->stream) {
            gpi_error_set(err, GP_ERR_WRITE, errno, "无法写入 '%s'", file->temp_path);
            return NULL;
        }
        file->fd = -1; /* owned by the stream now */
    }
    return file->stream;
}

static void atomic_free(gpi_atomic *file)
{
    release_slot(file->slot); /* after the rename or unlink: never a gap */
    free(file->final_path);
    free(file->temp_path);
    free(file->library_path);
    free(file);
}

/* Flush, sync and close what was written; returns 0 or an errno. */
static int finish_writing(gpi_atomic *file)
{
    int e = 0;
    if (file->stream) {
        if (fflush(file->stream) != 0 || gpi_os_fsync(fileno(file->stream)) != 0)
            e = errno;
        if (fclose(file->stream) != 0 && !e)
            e = errno;
        file->stream = NULL;
    } else if (file->fd >= 0) {
        /* written by a library through temp_path: sync what it wrote */
        if (gpi_os_fsync_path(file->temp_path) != 0)
            e = errno;
        gpi_os_close(file->fd);
        file->fd = -1;
    }
    return e;
}

bool gpi_atomic_commit(gpi_atomic *file, gp_error *err)
{
    int e = finish_writing(file);
    bool ok = e == 0;
    if (ok) {
        /* without overwrite, a target that appeared meanwhile is never clobbered */
        int r = file->overwrite ? gpi_os_rename_replace(file->temp_path, file->final_path)
                                : gpi_os_rename_noreplace(file->temp_path, file->final_path);
        if (r != 0)
            ok = false, e = errno;
    }
    if (!ok) {
        gpi_error_set(err, e == EEXIST ? GP_ERR_EXISTS : GP_ERR_WRITE, e,
                     "无法写出 '%s'：%s", file->final_path, gpi_errno_text(e));
        gpi_os_unlink(file->temp_path);
    }
    atomic_free(file);
    return ok;
}

void gpi_atomic_abort(gpi_atomic *file)
{
    if (!file)
        return;
    if (file->stream)
        fclose(file->stream);
    else if (file->fd >= 0)
        gpi_os_close(file->fd);
    if (file->temp_path)
        gpi_os_unlink(file->temp_path);
    atomic_free(file);
}

/* ---- committing several files as one ------------------------------------
 *
 * Renaming n files is n steps; a power cut between two would leave a mix of
 * new and old outputs.  So the set is committed through a journal: once
 * every temporary file is complete and synced, the list "temp -> final" is
 * written (itself atomically) to DIR/.gradpack-commit; that is the commit
 * point.  Then the renames happen and the journal is removed.  A run killed
 * in between leaves the journal and the remaining temporary files, and
 * gpi_atomic_recover, called by the next run under the folder's lock, rolls
 * the renames forward.  Signals are blocked from the commit point on, so
 * Ctrl-C cannot stop the renames half-way; only SIGKILL or a crash can,
 * and recovery covers those. */

#define JOURNAL_NAME ".gradpack-commit"
#define LOCK_NAME ".gradpack.lock"

/* ".NAME.tmp-XXXXXX": what gpi_atomic_begin names a temporary file. */
static bool is_temp_name(const char *name)
{
    size_t n = strlen(name);
    if (name[0] != '.' || n < sizeof ".x.tmp-XXXXXX" - 1)
        return false;
    const char *tail = name + n - 6;
    if (memcmp(tail - 5, ".tmp-", 5) != 0)
        return false;
    for (int i = 0; i < 6; i++) {
        char c = tail[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

bool gpi_atomic_is_own_file(const char *name)
{
    return is_temp_name(name) || !strcmp(name, JOURNAL_NAME) || !strcmp(name, LOCK_NAME);
}

size_t gpi_atomic_remove_stale(const char *dir)
{
    int fd = gpi_os_dir_open(dir, true);
    if (fd < 0)
        return 0;
    char **names = NULL;
    size_t count = 0, removed = 0;
    if (gpi_os_dir_list(fd, 0, &names, &count, NULL) == 0) {
        for (size_t i = 0; i < count; i++) {
            gpi_os_stat st;
            if (!is_temp_name(names[i]) || gpi_os_stat_at(fd, names[i], &st) != 0 ||
                st.type == GPI_OS_DIRECTORY)
                continue;
            char *path = gpi_path_join(dir, names[i]);
            if (path && gpi_os_unlink(path) == 0)
                removed++;
            free(path);
        }
        if (removed)
            gpi_os_fsync_dir(dir);
    }
    gpi_os_names_free(names, count);
    gpi_os_close(fd);
    return removed;
}

/* A journal line's names: plain names in dir, the temp one ours. */
static bool journal_names_ok(const char *temp, const char *final)
{
    return is_temp_name(temp) && !strchr(temp, '/') && !strchr(temp, '\\') && final[0] &&
           !strchr(final, '/') && !strchr(final, '\\') && strcmp(final, ".") &&
           strcmp(final, "..") && strcmp(final, JOURNAL_NAME) && strcmp(final, LOCK_NAME);
}

bool gpi_atomic_recover(const char *dir, bool *recovered, gp_error *err)
{
    if (recovered)
        *recovered = false;
    char *path = gpi_path_join(dir, JOURNAL_NAME);
    if (!path)
        return gpi_error_nomem(err);
    unsigned char *data = NULL;
    size_t len = 0;
    gp_error read_err = {0};
    if (!gpi_os_exists(path)) {
        free(path);
        return true; /* nothing to finish */
    }
    if (!gpi_read_file(path, 1u << 20, &data, &len, &read_err)) {
        free(path);
        return gpi_error_propagate(err, &read_err);
    }
    bool ok = true;
    for (char *save = NULL, *line = strtok_r((char *)data, "\n", &save); ok && line;
         line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        const char *temp = line, *final = tab + 1;
        if (!journal_names_ok(temp, final))
            continue; /* never act on a line we did not write */
        char *from = gpi_path_join(dir, temp), *to = gpi_path_join(dir, final);
        if (!from || !to)
            ok = gpi_error_nomem(err);
        else if (gpi_os_exists(from) && gpi_os_rename_replace(from, to) != 0)
            ok = gpi_error_set(err, GP_ERR_WRITE, errno, "无法完成上次中断的写出：'%s'：%s", to,
                              gpi_errno_text(errno));
        free(from);
        free(to);
    }
    free(data);
    if (ok) {
        gpi_os_fsync_dir(dir);
        gpi_os_unlink(path);
        gpi_os_fsync_dir(dir);
        if (recovered)
            *recovered = true;
    }
    free(path);
    return ok;
}

bool gpi_atomic_commit_set(gpi_atomic **files, size_t count, const char *dir, gp_error *err)
{
    bool ok = true;
    int e = 0;
    for (size_t i = 0; i < count && ok; i++)
        if (files[i] && (e = finish_writing(files[i])) != 0)
            ok = gpi_error_set(err, GP_ERR_WRITE, e, "无法写出 '%s'：%s", files[i]->final_path,
                              gpi_errno_text(e));
    gpi_buf journal = {0};
    for (size_t i = 0; ok && i < count; i++)
        if (files[i])
            gpi_buf_printf(&journal, "%s\t%s\n", gpi_path_base(files[i]->temp_path),
                          gpi_path_base(files[i]->final_path));
    char *text = ok ? gpi_buf_take(&journal) : NULL;
    gpi_buf_free(&journal);
    char *journal_path = ok ? gpi_path_join(dir, JOURNAL_NAME) : NULL;
    if (ok && (!text || !journal_path))
        ok = gpi_error_nomem(err);
    gpi_atomic *record = ok ? gpi_atomic_begin(journal_path, true, err) : NULL;
    if (ok && !record)
        ok = false;
    if (ok) {
        FILE *out = gpi_atomic_stream(record, err);
        if (!out || fputs(text, out) == EOF) {
            gpi_atomic_abort(record);
            ok = gpi_error_set(err, GP_ERR_WRITE, errno, "无法写出 '%s'", journal_path);
        }
    }
    unsigned pause = gpi_test_pause_ms(GPI_TEST_PAUSE_BETWEEN_RENAMES);
    gpi_os_sigstate saved;
    gpi_os_signals_block(&saved);
    bool inside = ok && gate_enter();
    if (ok && !inside) {
        gpi_atomic_abort(record); /* interrupted before the commit point: nothing changes */
        ok = gpi_error_set(err, GP_ERR_WRITE, EINTR, "运行已被中断，没有写出任何文件");
    }
    if (ok) {
        /* from the commit point on the temp files are the new outputs, not
         * junk: out of the registry first (lock-free), so that no cleanup,
         * even one that stopped waiting, removes a file the journal names */
        for (size_t i = 0; i < count; i++)
            if (files[i])
                release_slot(files[i]->slot), files[i]->slot = NULL;
        ok = gpi_atomic_commit(record, err); /* the commit point */
        gpi_os_fsync_dir(dir);
    }
    if (ok) {
        for (size_t i = 0; i < count && ok; i++) {
            if (!files[i])
                continue;
            if (pause)
                gpi_os_sleep_ms(pause);
            if (gpi_os_rename_replace(files[i]->temp_path, files[i]->final_path) != 0)
                ok = gpi_error_set(err, GP_ERR_WRITE, errno, "无法写出 '%s'：%s",
                                  files[i]->final_path, gpi_errno_text(errno));
        }
        if (ok) {
            if (pause)
                gpi_os_sleep_ms(pause);
            gpi_os_fsync_dir(dir);
            gpi_os_unlink(journal_path);
            gpi_os_fsync_dir(dir);
        }
        /* on a failed rename the journal stays: the next run finishes it */
        for (size_t i = 0; i < count; i++)
            if (files[i]) {
                atomic_free(files[i]);
                files[i] = NULL;
            }
    } else {
        for (size_t i = 0; i < count; i++) {
            gpi_atomic_abort(files[i]);
            files[i] = NULL;
        }
    }
    if (inside)
        gate_leave();
    gpi_os_signals_restore(&saved);
    free(text);
    free(journal_path);
    return ok;
}
