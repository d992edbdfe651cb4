/* A lock that keeps two runs off one output folder.  It is an flock() on
 * OUTDIR/.gradpack.lock: the kernel releases it when the holder dies, so a
 * lock left by a crashed or killed run is recognised as stale and taken over
 * without anyone deleting files by hand.  The file keeps the holder's pid for
 * the message a second run prints. */
#include "gp_internal.h"
#include "core/messages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct gp_lock {
    int fd;
};

gp_lock *gp_lock_acquire(const char *dir, gp_error *err)
{
    char *path = gp_path_join(dir, ".gradpack.lock");
    if (!path) {
        gp_error_nomem(err);
        return NULL;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        gp_error_set(err, GP_ERR_WRITE, errno, "无法创建锁文件 '%s'：%s", path, gp_errno_text(errno));
        free(path);
        return NULL;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = "";
        ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        gp_error_set(err, GP_ERR_LOCKED, EWOULDBLOCK,
                     "输出文件夹 '%s' 正被另一个 gradpack 进程（pid %s）使用，请等它结束后再运行",
                     dir, holder[0] ? holder : "?");
        close(fd);
        free(path);
        return NULL;
    }
    free(path);
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* the pid is only for messages: the flock is what protects */
    }
    gp_lock *lock = malloc(sizeof *lock);
    if (!lock) {
        close(fd);
        gp_error_nomem(err);
        return NULL;
    }
    lock->fd = fd;
    return lock;
}

void gp_lock_release(gp_lock *lock)
{
    if (!lock)
        return;
    /* the file stays: removing it would race with a run about to lock it */
    flock(lock->fd, LOCK_UN);
    close(lock->fd);
    free(lock);
}
