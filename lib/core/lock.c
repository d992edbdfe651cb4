/* A lock that keeps two runs off one output folder.  It is an flock() on
 * OUTDIR/.gradpack.lock (gpi_os_lock_try): the kernel releases it when the
 * holder dies, so a lock left by a crashed or killed run is recognised as
 * stale and taken over without anyone deleting files by hand.  The file is
 * opened without following a link (a symlinked lock file is refused, never
 * written through) and keeps the holder's pid for the message a second run
 * prints.  The holder removes the file before it unlocks, so a finished
 * run leaves only its outputs; a run that locked a file that was removed
 * meanwhile sees that the path no longer names its file and tries again
 * (the usual lock-file protocol).  A killed run's file stays until the next
 * run takes it over.  pack, merge and fix all write through gpi_lock_output. */
#include "atomic.h"
#include "core/atomic.h"
#include "core/base.h"
#include "core/files.h"
#include "core/messages.h"
#include "os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct gpi_lock {
    int fd;
    char *path;
    void *registered; /* for gp_interrupt_cleanup: Ctrl-C removes it too */
};

/* Whether the open lock file is still the one at path. */
static bool still_there(int fd, const char *path)
{
    gpi_os_stat a, b;
    return gpi_os_stat_fd(fd, &a) == 0 && gpi_os_stat_path(path, false, &b) == 0 &&
           a.dev == b.dev && a.ino == b.ino;
}

static int open_and_lock(const char *dir, const char *path, gp_error *err);

gpi_lock *gpi_lock_acquire(const char *dir, gp_error *err)
{
    char *path = gpi_path_join(dir, ".gradpack.lock");
    if (!path) {
        gpi_error_nomem(err);
        return NULL;
    }
    int fd = -1;
    for (int attempt = 0; attempt < 100; attempt++) {
        fd = open_and_lock(dir, path, err);
        if (fd < 0) {
            free(path);
            return NULL;
        }
        if (still_there(fd, path))
            break;
        gpi_os_close(fd); /* removed by its last holder meanwhile: again */
        fd = -1;
    }
    if (fd < 0) {
        gpi_error_set(err, GP_ERR_LOCKED, 0, "无法锁定输出文件夹 '%s'（锁文件不断被替换）", dir);
        free(path);
        return NULL;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", gpi_os_pid());
    if (gpi_os_truncate_fd(fd, 0) != 0 || gpi_os_write_all(fd, pid, (size_t)len) != 0) {
        /* the pid is only for messages: the lock is what protects */
    }
    gpi_lock *lock = malloc(sizeof *lock);
    if (!lock) {
        gpi_os_close(fd);
        free(path);
        gpi_error_nomem(err);
        return NULL;
    }
    lock->fd = fd;
    lock->path = path;
    lock->registered = gpi_atomic_register_path(path); /* NULL: stays after Ctrl-C, harmless */
    return lock;
}

/* The lock file opened and locked: fd, or -1 with err set. */
static int open_and_lock(const char *dir, const char *path, gp_error *err)
{
    int fd = gpi_os_lock_open(path);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP)
            gpi_error_set(err, GP_ERR_WRITE, e,
                         "锁文件 '%s' 是符号链接，为安全起见拒绝使用；请删除它后再运行", path);
        else if (e == GPI_OS_ENOTREG)
            gpi_error_set(err, GP_ERR_WRITE, e, "锁文件 '%s' 不是普通文件；请删除它后再运行",
                         path);
        else
            gpi_error_set(err, GP_ERR_WRITE, e, "无法创建锁文件 '%s'：%s", path, gpi_errno_text(e));
        return -1;
    }
    if (gpi_os_lock_try(fd) != 0) {
        int e = errno;
        char holder[32] = "";
        long n = gpi_os_read_offset(fd, holder, sizeof holder - 1, 0);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        if (e == EWOULDBLOCK || e == EAGAIN)
            gpi_error_set(err, GP_ERR_LOCKED, e,
                         "输出文件夹 '%s' 正被另一个 gradpack 进程（pid %s，锁文件 %s）使用，"
                         "请等它结束后再运行；没有写出任何文件",
                         dir, holder[0] ? holder : "?", path);
        else
            gpi_error_set(err, GP_ERR_WRITE, e, "无法锁定锁文件 '%s'：%s", path, gpi_errno_text(e));
        gpi_os_close(fd);
        return -1;
    }
    return fd;
}

void gpi_lock_release(gpi_lock *lock)
{
    if (!lock)
        return;
    /* removed while still locked: a run that opened it meanwhile finds
     * the path gone or new when it gets the lock, and tries again */
    gpi_os_unlink(lock->path);
    gpi_atomic_unregister_path(lock->registered);
    gpi_os_unlock(lock->fd);
    gpi_os_close(lock->fd);
    free(lock->path);
    free(lock);
}

gpi_lock *gpi_lock_output(const char *dir, gp_error *err)
{
    if (!gpi_mkdirs(dir, err))
        return NULL;
    gpi_lock *lock = gpi_lock_acquire(dir, err);
    if (!lock)
        return NULL;
    /* a run killed while putting its outputs in place: finish its commit
     * first, so the folder holds one run's outputs, never a mix; then its
     * temporary files (and those of any run killed earlier) are junk: the
     * lock proves no live run is writing them */
    if (!gpi_atomic_recover(dir, NULL, err)) {
        gpi_lock_release(lock);
        return NULL;
    }
    gpi_atomic_remove_stale(dir);
    return lock;
}
