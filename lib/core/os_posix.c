/* The POSIX side of lib/core/os.h: every platform call of the library.
 * Contracts are in os.h; what is the same on every platform is in
 * os_common.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "os.h"
#include "core/messages.h"
#include "core/os_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

extern char **environ; /* posix_spawnp */

#if defined(__linux__)
#include <sys/random.h>
#endif

_Static_assert(sizeof(sigset_t) <= sizeof(((gpi_os_sigstate *)0)->opaque),
               "gpi_os_sigstate too small for sigset_t");

#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif

static gpi_os_type type_of(mode_t m)
{
    if (S_ISREG(m))
        return GPI_OS_REGULAR;
    if (S_ISDIR(m))
        return GPI_OS_DIRECTORY;
    if (S_ISLNK(m))
        return GPI_OS_SYMLINK;
    if (S_ISFIFO(m))
        return GPI_OS_FIFO;
    if (S_ISCHR(m) || S_ISBLK(m))
        return GPI_OS_DEVICE;
    if (S_ISSOCK(m))
        return GPI_OS_SOCKET;
    return GPI_OS_OTHER;
}

static void fill(const struct stat *s, gpi_os_stat *st)
{
    st->type = type_of(s->st_mode);
    st->size = s->st_size > 0 ? (uint64_t)s->st_size : 0;
    st->mode = (unsigned)(s->st_mode & 07777);
#if defined(__APPLE__)
    st->mtime_sec = s->st_mtimespec.tv_sec;
    st->mtime_nsec = s->st_mtimespec.tv_nsec;
#else
    st->mtime_sec = s->st_mtim.tv_sec;
    st->mtime_nsec = s->st_mtim.tv_nsec;
#endif
    st->dev = (uint64_t)s->st_dev;
    st->ino = (uint64_t)s->st_ino;
}

static void clear_stat(gpi_os_stat *st)
{
    memset(st, 0, sizeof *st);
}

int gpi_os_stat_path(const char *path, bool follow, gpi_os_stat *st)
{
    struct stat s;
    clear_stat(st);
    if ((follow ? stat(path, &s) : lstat(path, &s)) != 0)
        return -1;
    fill(&s, st);
    return 0;
}

int gpi_os_stat_fd(int fd, gpi_os_stat *st)
{
    struct stat s;
    clear_stat(st);
    if (fstat(fd, &s) != 0)
        return -1;
    fill(&s, st);
    return 0;
}

/* The common tail of every input open: a regular file only, then blocking
 * reads again. */
static int accept_regular(int fd, gpi_os_stat *st)
{
    if (gpi_os_stat_fd(fd, st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (st->type != GPI_OS_REGULAR) {
        close(fd);
        errno = GPI_OS_ENOTREG;
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* After a failed open: what is there, for the caller's message. */
static int failed_open(int dir_fd, const char *name, gpi_os_stat *st)
{
    int e = errno;
    struct stat s;
    clear_stat(st);
    if (fstatat(dir_fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0)
        fill(&s, st);
    errno = e;
    return -1;
}

#define INPUT_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

int gpi_os_open_read(const char *path, bool follow_last, gpi_os_stat *st)
{
    int fd = open(path, INPUT_FLAGS | (follow_last ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return failed_open(AT_FDCWD, path, st);
    return accept_regular(fd, st);
}

int gpi_os_stat_at_ex(int dir_fd, const char *name, bool follow_last, gpi_os_stat *st)
{
    struct stat s;
    clear_stat(st);
    if (fstatat(dir_fd, name, &s, follow_last ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
        return -1;
    fill(&s, st);
    return 0;
}

int gpi_os_open_read_at_ex(int dir_fd, const char *name, bool follow_last, gpi_os_stat *st)
{
    int fd = openat(dir_fd, name, INPUT_FLAGS | (follow_last ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return failed_open(dir_fd, name, st);
    return accept_regular(fd, st);
}

const char *gpi_os_errno_words(int sys_errno)
{
    return gpi_errno_text(sys_errno); /* the one Chinese errno table (messages.c) */
}

long gpi_os_read(int fd, void *buf, size_t len)
{
    for (;;) {
        ssize_t got = read(fd, buf, len);
        if (got < 0 && errno == EINTR)
            continue;
        return (long)got;
    }
}

int gpi_os_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

long gpi_os_read_offset(int fd, void *buf, size_t len, uint64_t offset)
{
    for (;;) {
        ssize_t got = pread(fd, buf, len, (off_t)offset);
        if (got < 0 && errno == EINTR)
            continue;
        return (long)got;
    }
}

int gpi_os_pwrite_all(int fd, const void *buf, size_t len, uint64_t offset)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

int gpi_os_close_checked(int fd)
{
    return close(fd);
}

int gpi_os_truncate_fd(int fd, uint64_t len)
{
    return ftruncate(fd, (off_t)len);
}

void gpi_os_close(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* ---- directories ------------------------------------------------------------ */

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)

static int dir_open_failed(int dir_fd, const char *name);

int gpi_os_dir_open(const char *path, bool follow_last)
{
    int fd = open(path, DIR_FLAGS | (follow_last ? 0 : O_NOFOLLOW));
    return fd >= 0 ? fd : dir_open_failed(AT_FDCWD, path);
}

/* O_DIRECTORY|O_NOFOLLOW on a link fails with ENOTDIR on Linux: say ELOOP,
 * as os.h promises, so callers can tell a link from a file. */
static int dir_open_failed(int dir_fd, const char *name)
{
    int e = errno;
    struct stat s;
    if (e == ENOTDIR && fstatat(dir_fd, name, &s, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(s.st_mode))
        e = ELOOP;
    errno = e;
    return -1;
}

int gpi_os_dir_open_at(int dir_fd, const char *name)
{
    int fd = openat(dir_fd, name, DIR_FLAGS | O_NOFOLLOW);
    return fd >= 0 ? fd : dir_open_failed(dir_fd, name);
}

int gpi_os_dir_list(int dir_fd, size_t max, char ***names_out, size_t *count_out,
                   bool *truncated)
{
    *names_out = NULL;
    *count_out = 0;
    if (truncated)
        *truncated = false;
    /* fdopendir takes the fd: walk a duplicate, from the start */
    int fd = openat(dir_fd, ".", DIR_FLAGS);
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    gpi_os_name_list list = {.max = max};
    struct dirent *de;
    int e = 0;
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de) {
            e = errno;
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        int room = gpi_os_name_list_room(&list);
        if (room <= 0) {
            e = room < 0 ? ENOMEM : 0;
            break;
        }
        if (!(list.names[list.count] = strdup(de->d_name))) {
            e = ENOMEM;
            break;
        }
        list.count++;
    }
    closedir(d);
    return gpi_os_name_list_end(&list, e, names_out, count_out, truncated);
}

int gpi_os_mkdir(const char *path)
{
    return mkdir(path, 0777);
}

/* ---- writing outputs ------------------------------------------------------------ */

static const char temp_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static void random_bytes(unsigned char *out, size_t n)
{
#if defined(__linux__)
    if (getrandom(out, n, GRND_NONBLOCK) == (ssize_t)n)
        return;
#endif
    /* fallback: time, pid and a counter; O_EXCL makes any clash harmless */
    static unsigned long counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long x = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^
                      __atomic_add_fetch(&counter, 7919, __ATOMIC_RELAXED);
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        out[i] = (unsigned char)(x >> 33);
    }
}

int gpi_os_temp_fill(char *path)
{
    size_t len = strlen(path);
    if (len < 6) {
        errno = EINVAL;
        return -1;
    }
    unsigned char r[6];
    random_bytes(r, sizeof r);
    for (int i = 0; i < 6; i++)
        path[len - 6 + i] = temp_chars[r[i] % (sizeof temp_chars - 1)];
    return 0;
}

int gpi_os_create_exclusive(const char *path, unsigned mode)
{
    /* the kernel applies the umask to mode: never wider than asked */
    return open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
}

int gpi_os_open_rw(const char *path)
{
    return open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
}

int gpi_os_rename_replace(const char *from, const char *to)
{
    return rename(from, to);
}

int gpi_os_rename_noreplace(const char *from, const char *to)
{
    if (link(from, to) != 0)
        return -1;
    unlink(from);
    return 0;
}

int gpi_os_unlink(const char *path)
{
    return unlink(path);
}

void gpi_os_unlink_signal_safe(const char *path)
{
    unlink(path); /* async-signal-safe by POSIX */
}

int gpi_os_fsync(int fd)
{
    return fsync(fd);
}

/* Open path with flags only to fsync it. */
static int fsync_opened(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int r = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return r;
}

int gpi_os_fsync_path(const char *path)
{
    return fsync_opened(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
}

int gpi_os_fsync_dir(const char *dir)
{
    return fsync_opened(dir, O_RDONLY | O_DIRECTORY);
}

bool gpi_os_exists(const char *path)
{
    struct stat s;
    return lstat(path, &s) == 0;
}

/* ---- lock ------------------------------------------------------------------------ */

int gpi_os_lock_open(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0)
        return -1;
    gpi_os_stat st;
    return accept_regular(fd, &st);
}

int gpi_os_lock_try(int fd)
{
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

void gpi_os_unlock(int fd)
{
    flock(fd, LOCK_UN);
}

long gpi_os_pid(void)
{
    return (long)getpid();
}

/* ---- signals ------------------------------------------------------------------------ */

static void (*interrupt_cleanup)(void);

static void on_interrupt(int sig)
{
    if (interrupt_cleanup)
        interrupt_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

bool gpi_os_on_interrupt(void (*cleanup)(void))
{
    interrupt_cleanup = cleanup;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    bool ok = true;
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        ok = sigaction(signals[i], &sa, NULL) == 0 && ok;
    return ok;
}

void gpi_os_signals_block(gpi_os_sigstate *saved)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, (sigset_t *)(void *)saved->opaque);
}

void gpi_os_signals_restore(const gpi_os_sigstate *saved)
{
    pthread_sigmask(SIG_SETMASK, (const sigset_t *)(const void *)saved->opaque, NULL);
}

/* ---- odds and ends --------------------------------------------------------------------- */

char *gpi_os_realpath(const char *path)
{
    return realpath(path, NULL);
}

char *gpi_os_fd_path(int fd, const char *path)
{
#ifdef __linux__
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    struct stat by_proc, by_fd;
    if (fd >= 0 && stat(proc, &by_proc) == 0 && fstat(fd, &by_fd) == 0 &&
        by_proc.st_dev == by_fd.st_dev && by_proc.st_ino == by_fd.st_ino)
        return strdup(proc);
#else
    (void)fd;
#endif
    return strdup(path);
}

int gpi_os_set_mtime(const char *path, int64_t sec)
{
    struct timespec times[2] = {{.tv_sec = (time_t)sec}, {.tv_sec = (time_t)sec}};
    return utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW);
}

const void *gpi_os_memmem(const void *haystack, size_t haystack_len, const void *needle,
                         size_t needle_len)
{
    return memmem(haystack, haystack_len, needle, needle_len);
}

int gpi_os_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void gpi_os_sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- the host program ------------------------------------------------------------------ */

void gpi_os_host_args(int *argc, char ***argv)
{
    (void)argc, (void)argv;
}

char *gpi_os_exe_path(void)
{
#ifdef __linux__
    return realpath("/proc/self/exe", NULL);
#else
    errno = ENOSYS;
    return NULL;
#endif
}

bool gpi_os_data_beside_exe(void)
{
    return false;
}

char *gpi_os_absolute_path(const char *path)
{
    return gpi_os_realpath(path); /* POSIX has no form without resolving */
}

bool gpi_os_open_for_user(const char *path)
{
    /* a desktop's opener, when there is one; never waited for (it stays a
     * zombie until gradpack, a short-lived process, ends) */
    char *args[] = {"xdg-open", (char *)path, NULL};
    pid_t pid;
    return posix_spawnp(&pid, "xdg-open", NULL, NULL, args, environ) == 0;
}

bool gpi_os_console_closes_at_exit(void)
{
    return false;
}

bool gpi_os_waits_for_any_key(void)
{
    return false;
}

void gpi_os_wait_for_key(void)
{
    int c;
    while ((c = getchar()) != EOF && c != '\n') {
    }
}

bool gpi_os_isatty(int fd)
{
    return isatty(fd) != 0;
}

/* ---- clocks ---------------------------------------------------------------------------- */

double gpi_os_monotonic_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t gpi_os_thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
