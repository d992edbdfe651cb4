/* Atomic outputs.  Each output is written to a temporary file in its target
 * folder (same file system, so rename is atomic) and renamed into place only
 * when complete.  Temporary paths are kept in a fixed table that a signal
 * handler can walk without allocating, so Ctrl-C leaves no stray files. */
#include "gp_internal.h"
#include "core/messages.h"

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
                     file->temp_path, gp_errno_text(e));
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

/* Flush, sync and close what was written; returns 0 or an errno. */
static int finish_writing(gp_atomic *file)
{
    int e = 0;
    if (file->stream) {
        if (fflush(file->stream) != 0 || fsync(fileno(file->stream)) != 0)
            e = errno;
        if (fclose(file->stream) != 0 && !e)
            e = errno;
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
    return e;
}

bool gp_atomic_commit(gp_atomic *file, gp_error *err)
{
    int e = finish_writing(file);
    bool ok = e == 0;
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
                     "无法写出 '%s'：%s", file->final_path, gp_errno_text(e));
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

/* ---- committing several files as one ------------------------------------
 *
 * Renaming n files is n steps; a power cut between two would leave a mix of
 * new and old outputs.  So the set is committed through a journal: once
 * every temporary file is complete and synced, the list "temp -> final" is
 * written (itself atomically) to DIR/.gradpack-commit; that is the commit
 * point.  Then the renames happen and the journal is removed.  A run killed
 * in between leaves the journal and the remaining temporary files, and
 * gp_atomic_recover, called by the next run under the folder's lock, rolls
 * the renames forward.  Signals are blocked from the commit point on, so
 * Ctrl-C cannot stop the renames half-way; only SIGKILL or a crash can,
 * and recovery covers those. */

#define JOURNAL_NAME ".gradpack-commit"

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* A journal line's names: plain names in dir, the temp one ours. */
static bool journal_names_ok(const char *temp, const char *final)
{
    return temp[0] == '.' && strstr(temp, ".tmp-") && !strchr(temp, '/') && final[0] &&
           !strchr(final, '/') && strcmp(final, ".") && strcmp(final, "..") &&
           strcmp(final, JOURNAL_NAME);
}

bool gp_atomic_recover(const char *dir, bool *recovered, gp_error *err)
{
    if (recovered)
        *recovered = false;
    char *path = gp_path_join(dir, JOURNAL_NAME);
    if (!path)
        return gp_error_nomem(err);
    unsigned char *data = NULL;
    size_t len = 0;
    gp_error read_err = {0};
    if (access(path, F_OK) != 0) {
        free(path);
        return true; /* nothing to finish */
    }
    if (!gp_read_file(path, 1u << 20, &data, &len, &read_err)) {
        free(path);
        return gp_error_set(err, GP_ERR_OPEN, read_err.sys_errno, "%s", read_err.message);
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
        char *from = gp_path_join(dir, temp), *to = gp_path_join(dir, final);
        if (!from || !to)
            ok = gp_error_nomem(err);
        else if (access(from, F_OK) == 0 && rename(from, to) != 0)
            ok = gp_error_set(err, GP_ERR_WRITE, errno, "无法完成上次中断的写出：'%s'：%s", to,
                              gp_errno_text(errno));
        free(from);
        free(to);
    }
    free(data);
    if (ok) {
        sync_dir(dir);
        unlink(path);
        sync_dir(dir);
        if (recovered)
            *recovered = true;
    }
    free(path);
    return ok;
}

bool gp_atomic_commit_set(gp_atomic **files, size_t count, const char *dir, gp_error *err)
{
    bool ok = true;
    int e = 0;
    for (size_t i = 0; i < count && ok; i++)
        if (files[i] && (e = finish_writing(files[i])) != 0)
            ok = gp_error_set(err, GP_ERR_WRITE, e, "无法写出 '%s'：%s", files[i]->final_path,
                              gp_errno_text(e));
    gp_buf journal = {0};
    for (size_t i = 0; ok && i < count; i++)
        if (files[i])
            gp_buf_printf(&journal, "%s\t%s\n", gp_path_base(files[i]->temp_path),
                          gp_path_base(files[i]->final_path));
    char *text = ok ? gp_buf_take(&journal) : NULL;
    char *journal_path = ok ? gp_path_join(dir, JOURNAL_NAME) : NULL;
    if (ok && (!text || !journal_path))
        ok = gp_error_nomem(err);
    gp_atomic *record = ok ? gp_atomic_begin(journal_path, true, err) : NULL;
    if (ok && !record)
        ok = false;
    if (ok) {
        FILE *out = gp_atomic_stream(record, err);
        if (!out || fputs(text, out) == EOF) {
            gp_atomic_abort(record);
            ok = gp_error_set(err, GP_ERR_WRITE, errno, "无法写出 '%s'", journal_path);
        }
    }
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &saved);
    if (ok) {
        ok = gp_atomic_commit(record, err); /* the commit point */
        sync_dir(dir);
    }
    if (ok) {
        /* decided: from here the temp files are the new outputs, not junk */
        for (size_t i = 0; i < count; i++)
            if (files[i])
                release_slot(files[i]->slot), files[i]->slot = -1;
        for (size_t i = 0; i < count && ok; i++)
            if (files[i] && rename(files[i]->temp_path, files[i]->final_path) != 0)
                ok = gp_error_set(err, GP_ERR_WRITE, errno, "无法写出 '%s'：%s",
                                  files[i]->final_path, gp_errno_text(errno));
        if (ok) {
            sync_dir(dir);
            unlink(journal_path);
            sync_dir(dir);
        }
        /* on a failed rename the journal stays: the next run finishes it */
        for (size_t i = 0; i < count; i++)
            if (files[i]) {
                atomic_free(files[i]);
                files[i] = NULL;
            }
    } else {
        for (size_t i = 0; i < count; i++) {
            gp_atomic_abort(files[i]);
            files[i] = NULL;
        }
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    free(text);
    free(journal_path);
    return ok;
}
