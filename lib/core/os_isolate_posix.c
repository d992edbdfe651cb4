/* os_isolate_posix.c — isolated work on POSIX: a forked child that calls the
 * task's function on the input it already has in memory, with CPU,
 * address-space and wall-clock limits, answering through a pipe; and
 * in-memory files for libraries that open by name (memfd). */
#include "core/base.h"
#include "core/os.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Close every file the child inherited but the answer pipe (and stdin,
 * stdout, stderr): the parent's lock on the folder is an flock, which
 * belongs to the open file, so a child holding it would keep the folder
 * locked after its parent ended; its half-written outputs likewise. */
static void close_inherited(int keep)
{
    unsigned lo = 3, k = (unsigned)keep;
    if ((k <= lo || close_range(lo, k - 1, 0) == 0) && close_range(k + 1, ~0U, 0) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX); /* no close_range (Linux before 5.9) */
    if (max < 0 || max > 65536)
        max = 65536;
    for (int f = 3; f < (int)max; f++)
        if (f != keep)
            close(f);
}

static _Noreturn void child(int fd, const gpi_os_isolated_task *task, const void *in,
                            size_t in_len, unsigned seconds, uint64_t memory)
{
    close_inherited(fd);
    /* none of the parent's handlers (its interrupt cleanup and message, a
     * host's SIGSEGV or SIGALRM handler) runs here: a signal ends the child */
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct rlimit cpu = {seconds, seconds + 1};
    setrlimit(RLIMIT_CPU, &cpu);
    if (memory) {
        struct rlimit mem = {(rlim_t)memory, (rlim_t)memory};
        setrlimit(RLIMIT_AS, &mem);
    }
    alarm(seconds);
    unsigned char *out = NULL;
    size_t len = 0;
    bool ok = task->fn(in, in_len, &out, &len);
    /* an answer cut short is no answer: the parent sees the exit status */
    if (ok && gpi_os_write_all(fd, out, len) != 0)
        ok = false;
    _exit(ok ? 0 : 3);
}

/* Read everything the child sends into out, until EOF (true), or the size
 * limit, the wall clock or a failed allocation (false; out->failed for the
 * last). */
static bool drain(int fd, unsigned seconds, size_t max_out, gpi_buf *out)
{
    time_t deadline = time(NULL) + seconds + 5;
    unsigned char chunk[65536];
    for (;;) {
        int left = (int)(deadline - time(NULL));
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, left * 1000);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return false;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return true;
        if (out->len + (size_t)n > max_out)
            return false;
        gpi_buf_append(out, chunk, (size_t)n);
        if (out->failed)
            return false;
    }
}

gpi_os_isolated_status gpi_os_run_isolated(const gpi_os_isolated_task *task, const void *in,
                                           size_t in_len, unsigned seconds, uint64_t memory,
                                           size_t max_out, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return GPI_ISOLATED_NOMEM;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return GPI_ISOLATED_NOMEM;
    }
    if (pid == 0) {
        close(fds[0]);
        /* the input is already in the child's copy of memory */
        child(fds[1], task, in, in_len, seconds, memory);
    }
    close(fds[1]);
    gpi_buf answer = {0};
    bool complete = drain(fds[0], seconds, max_out, &answer);
    close(fds[0]);
    if (!complete)
        kill(pid, SIGKILL);
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    /* no status (a host that ignores SIGCHLD): not known to have succeeded */
    if (complete && waited == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        *out = (unsigned char *)answer.data;
        *out_len = answer.len;
        return GPI_ISOLATED_OK;
    }
    bool nomem = answer.failed;
    gpi_buf_free(&answer);
    if (nomem)
        return GPI_ISOLATED_NOMEM;
    if (!complete || (WIFSIGNALED(status) &&
                      (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGALRM)))
        return GPI_ISOLATED_LIMIT;
    return GPI_ISOLATED_FAILED;
}

/* The child is a fork that calls the task itself: no process is ever
 * started as a child. */
bool gpi_os_isolated_child(int argc, char **argv, const gpi_os_isolated_task *const *tasks,
                           size_t count, int *exit_code)
{
    (void)argc, (void)argv, (void)tasks, (void)count, (void)exit_code;
    return false;
}

int gpi_os_memory_file(const void *data, size_t len, char *path, size_t path_size)
{
    int fd = memfd_create("gradpack", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    if (gpi_os_write_all(fd, data, len) != 0) {
        close(fd);
        return -1;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}

void gpi_os_memory_file_close(int handle)
{
    if (handle >= 0)
        close(handle);
}
