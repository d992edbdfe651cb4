/*
 * os.h — every platform call libgradpack makes, in one place (as curl's
 * curlx_ layer and libvips' vips_* wrappers).  Everything else in lib/ is
 * portable C11 and calls these instead of open(), opendir(), rename(),
 * flock(), sigaction() and friends.
 *
 * Implementations: os_posix.c (Linux, macOS, BSD) and os_win32.c.  Each
 * function below states its contract; where Windows can only do part of
 * it, the "Windows:" note says what is best-effort there.
 *
 * Conventions:
 *  - File descriptors are plain ints (POSIX fds; on Windows CRT fds from
 *    _open_osfhandle).  -1 means none.  Every fd is close-on-exec.
 *  - Functions returning int return 0 (or an fd >= 0) on success and -1 on
 *    failure with errno set (on Windows, errno mapped from GetLastError:
 *    ENOENT, EACCES, EEXIST, ENOTDIR, EISDIR, ELOOP, EWOULDBLOCK, ENOMEM, EIO).
 *  - Paths are UTF-8 (Windows converts to UTF-16).  Names relative to a
 *    directory fd are one component: no '/'.
 *  - Nothing here prints or allocates a gp_error: callers word the message.
 */
#ifndef GPI_OS_H
#define GPI_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- what a path is ------------------------------------------------------ */

typedef enum gpi_os_type {
    GPI_OS_MISSING = 0, /* nothing there (only from gpi_os_stat_*) */
    GPI_OS_REGULAR,
    GPI_OS_DIRECTORY,
    GPI_OS_SYMLINK,     /* only when links are not followed */
    GPI_OS_FIFO,        /* named pipe */
    GPI_OS_DEVICE,      /* character or block device */
    GPI_OS_SOCKET,
    GPI_OS_OTHER
} gpi_os_type;

typedef struct gpi_os_stat {
    gpi_os_type type;
    uint64_t size;        /* bytes (regular files) */
    unsigned mode;        /* permission bits (07777); Windows: 0644 or 0444 */
    int64_t mtime_sec;    /* modification time, seconds since 1970 UTC */
    long mtime_nsec;
    uint64_t dev, ino;    /* identity; Windows: volume serial, file index */
} gpi_os_stat;

/** A short Chinese name for a type, for messages ("命名管道（FIFO）",
 *  "设备文件", "文件夹", "符号链接", ...).  Static string. */
const char *gpi_os_type_name(gpi_os_type type);

/** Describe path.  follow: whether a final symlink is followed.  0, or -1
 *  with errno (ENOENT: st->type = GPI_OS_MISSING).
 *  Windows: a reparse point (symlink, junction) counts as GPI_OS_SYMLINK
 *  when !follow. */
int gpi_os_stat_path(const char *path, bool follow, gpi_os_stat *st);
/** Describe an open fd. */
int gpi_os_stat_fd(int fd, gpi_os_stat *st);
/** Describe `name` inside the directory open as dir_fd, never following a
 *  final symlink (lstat semantics).
 *  Windows: dir_fd is resolved to its path (GetFinalPathNameByHandle) and
 *  name appended; a directory swapped meanwhile is detected only by the
 *  later open's identity check, best-effort. */
int gpi_os_stat_at(int dir_fd, const char *name, gpi_os_stat *st);

/* ---- opening inputs -------------------------------------------------------
 * Every input file (roster, station file, password file, master list,
 * photos, files of a folder bundle) is opened so that nothing can make the
 * run hang or read through a link an attacker placed:
 *   O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, then fstat: only a
 *   regular file is accepted, then O_NONBLOCK is cleared.
 * A FIFO, device, socket or directory fails with errno = GPI_OS_ENOTREG and
 * *type set, so callers can say what it was.  A symlink as last component
 * fails with ELOOP (type GPI_OS_SYMLINK). */

/** errno value for "exists but is not a regular file" (EINVAL on every
 *  platform; callers look at *type for the words). */
#define GPI_OS_ENOTREG 22

/** Open path for reading as above.  follow_last: whether a symlink as the
 *  LAST component is followed (the target must still be a regular file;
 *  the user's own command-line arguments may be links, entries of a
 *  received bundle may not).  fd >= 0 with *st filled, or -1 with errno
 *  and st->type (GPI_OS_MISSING when unknown).
 *  Windows: CreateFileW with FILE_FLAG_OPEN_REPARSE_POINT when
 *  !follow_last, GetFileType must be FILE_TYPE_DISK; a named pipe can
 *  never block an open there. */
int gpi_os_open_read(const char *path, bool follow_last, gpi_os_stat *st);
/** The same for `name` inside the directory open as dir_fd (openat), never
 *  following a final symlink. */
int gpi_os_open_read_at(int dir_fd, const char *name, gpi_os_stat *st);
/** gpi_os_stat_at / gpi_os_open_read_at, choosing whether a final symlink
 *  is followed (the clerk's own photo folder may hold links to photos; the
 *  folder itself is still never re-resolved: dir_fd is what was listed).
 *  The open target must be a regular file either way. */
int gpi_os_stat_at_ex(int dir_fd, const char *name, bool follow_last, gpi_os_stat *st);
int gpi_os_open_read_at_ex(int dir_fd, const char *name, bool follow_last, gpi_os_stat *st);
/** Words for an errno from this layer, for messages: GPI_OS_ENOTREG gives
 *  "不是普通文件（可能是命名管道或设备）", ELOOP "是符号链接", anything else
 *  gpi_errno_text's (Chinese, the original in parentheses; per-thread buffer,
 *  use once per format call). */
const char *gpi_os_strerror(int sys_errno);

/** Open relpath ("a/b/c.jpg") beneath the directory dir_fd, each
 *  component opened relative to the previous one with no symlink followed
 *  anywhere: a folder swapped for a link mid-run is refused (ELOOP), never
 *  followed.  Components "", "." and ".." are refused (EINVAL).
 *  Windows: best-effort — each component checked not to be a reparse
 *  point just before it is opened. */
int gpi_os_open_read_beneath(int dir_fd, const char *relpath, gpi_os_stat *st);

/** read() that retries on EINTR; returns bytes read, 0 at end, -1 on
 *  error. */
long gpi_os_read(int fd, void *buf, size_t len);
/** Write all len bytes (retrying short writes and EINTR).  0 or -1. */
int gpi_os_write_all(int fd, const void *buf, size_t len);
/** pread at an offset (no file position change), retrying EINTR.  As
 *  gpi_os_read. */
long gpi_os_read_offset(int fd, void *buf, size_t len, uint64_t offset);
int gpi_os_truncate_fd(int fd, uint64_t len);
/** Write all len bytes at offset (retrying short writes and EINTR); 0, or
 *  -1 with errno (ENOSPC for a write that made no progress). */
int gpi_os_pwrite_all(int fd, const void *buf, size_t len, uint64_t offset);
/** close() that reports a failure (a delayed write error): 0 or -1. */
int gpi_os_close_checked(int fd);
/** Close an fd; -1 is ignored. */
void gpi_os_close(int fd);

/* ---- directories, walked by fd ------------------------------------------ */

/** Open a directory for walking.  follow_last as for gpi_os_open_read (the
 *  user's own folder argument may be a link; nothing below it is
 *  followed).  fd or -1 with errno (ENOTDIR when not a directory).
 *  Windows: the directory handle is kept open without FILE_SHARE_DELETE,
 *  so it cannot be renamed or replaced while it is walked. */
int gpi_os_dir_open(const char *path, bool follow_last);
/** Open the subdirectory `name` of dir_fd, never following a link
 *  (ELOOP) and never blocking. */
int gpi_os_dir_open_at(int dir_fd, const char *name);
/** Every name in the directory (not "." or ".."), sorted byte-wise,
 *  malloc'd (free with gpi_os_names_free).  At most `max` names are read
 *  (max 0 = no limit); *truncated says whether more were there.  0, or -1
 *  with errno (ENOMEM included).  The fd stays open and usable. */
int gpi_os_dir_list(int dir_fd, size_t max, char ***names, size_t *count, bool *truncated);
void gpi_os_names_free(char **names, size_t count);

/** mkdir with mode 0777 & ~umask.  0, or -1 with errno (EEXIST included). */
int gpi_os_mkdir(const char *path);

/* ---- writing outputs ------------------------------------------------------- */

/** Create a new file `prefix` + 6 random [A-Za-z0-9] characters (the
 *  characters are written into path, which must end with "XXXXXX"),
 *  exclusively (O_CREAT|O_EXCL|O_NOFOLLOW), read-write, with permission
 *  bits `mode` & ~umask: the umask is honoured and never widened.
 *  fd or -1 with errno.
 *  Windows: mode is ignored (the folder's ACL applies); the file is
 *  created with FILE_SHARE_DELETE so that it can be renamed while open. */
int gpi_os_create_temp(char *path, unsigned mode);
/** The two halves of gpi_os_create_temp, for callers that must record the
 *  name before the file exists (the interrupt registry): fill the trailing
 *  "XXXXXX" of path with random [A-Za-z0-9] (EINVAL without them), then
 *  create exactly that name as gpi_os_create_temp does (EEXIST when it is
 *  taken: fill again). */
int gpi_os_temp_fill(char *path);
int gpi_os_create_exclusive(const char *path, unsigned mode);
/** Open an existing file of ours for writing in place (O_RDWR, no
 *  truncation, O_NOFOLLOW).  fd or -1 with errno. */
int gpi_os_open_rw(const char *path);
/** Rename from over to, replacing `to` atomically when it exists (POSIX
 *  rename).  0 or -1.
 *  Windows: MoveFileExW(MOVEFILE_REPLACE_EXISTING|MOVEFILE_WRITE_THROUGH):
 *  atomic on NTFS for files on one volume, best-effort elsewhere. */
int gpi_os_rename_replace(const char *from, const char *to);
/** Put from at to only when `to` does not exist (EEXIST otherwise), then
 *  remove from: a target that appeared meanwhile is never clobbered.
 *  POSIX: link + unlink.  Windows: MoveFileExW without REPLACE_EXISTING. */
int gpi_os_rename_noreplace(const char *from, const char *to);
/** unlink; 0 or -1 (ENOENT included). */
int gpi_os_unlink(const char *path);
/** unlink that is async-signal-safe (no allocation, no locks): for the
 *  interrupt handler.  Windows: DeleteFileA on the bytes as given,
 *  best-effort for non-ASCII paths. */
void gpi_os_unlink_signal_safe(const char *path);
/** Flush an fd's data to the disk.  0 or -1.
 *  Windows: FlushFileBuffers. */
int gpi_os_fsync(int fd);
/** Open path (no link followed) and fsync it; 0 or -1. */
int gpi_os_fsync_path(const char *path);
/** fsync a directory so that renames and unlinks in it are durable.
 *  0 or -1.  Windows: no-op returning 0 (NTFS journals metadata;
 *  directories cannot be flushed). */
int gpi_os_fsync_dir(const char *dir);
/** Whether a path exists at all (no link followed). */
bool gpi_os_exists(const char *path);

/* ---- the output-folder lock ------------------------------------------------ */

/** Open (creating, mode 0644 & ~umask) the lock file at path without
 *  following a link: a symlinked lock file fails with ELOOP, anything but
 *  a regular file with GPI_OS_ENOTREG.  fd or -1 with errno. */
int gpi_os_lock_open(const char *path);
/** Take an exclusive lock on the open lock file without waiting
 *  (flock LOCK_EX|LOCK_NB: released by the kernel when the holder dies).
 *  0, or -1 with errno EWOULDBLOCK when another process holds it.
 *  Windows: LockFileEx(LOCKFILE_EXCLUSIVE_LOCK|LOCKFILE_FAIL_IMMEDIATELY),
 *  also released by the system when the process ends. */
int gpi_os_lock_try(int fd);
/** Release the lock (the fd stays open; close it with gpi_os_close). */
void gpi_os_unlock(int fd);
/** This process's id, for the lock file's text. */
long gpi_os_pid(void);

/* ---- signals and interruption ---------------------------------------------- */

/** Run `cleanup` (async-signal-safe) when the process is asked to stop
 *  (SIGINT, SIGTERM, SIGHUP), then die of that signal as if unhandled
 *  (default action re-raised).  false when the handlers cannot be set.
 *  Windows: SetConsoleCtrlHandler for Ctrl-C, Ctrl-Break and console
 *  close; the process then exits with status 130. */
bool gpi_os_on_interrupt(void (*cleanup)(void));

/* Blocking every signal in this thread for a critical section (creating
 * and registering a temporary file; the renames of a set commit), so that
 * Ctrl-C cannot fall in between.  Windows: the console handler takes a
 * process-wide lock instead, best-effort. */
typedef struct gpi_os_sigstate {
    uint64_t opaque[32]; /* a saved signal mask */
} gpi_os_sigstate;
void gpi_os_signals_block(gpi_os_sigstate *saved);
void gpi_os_signals_restore(const gpi_os_sigstate *saved);

/* ---- odds and ends ---------------------------------------------------------- */

/** The canonical absolute path (symlinks resolved), malloc'd; NULL with
 *  errno.  Windows: GetFinalPathNameByHandleW. */
char *gpi_os_realpath(const char *path);
/** A name by which a library that opens files by name (libxlsxwriter)
 *  reaches the file open as fd, even once the file's own name is gone (an
 *  interrupt's cleanup removed it): opening it can then never create that
 *  name again.  Linux: /proc/self/fd/N, when /proc answers for fd; else,
 *  and elsewhere, a copy of path.  malloc'd; NULL when out of memory. */
char *gpi_os_fd_path(int fd, const char *path);
/** Whether two paths name the same file (device and inode). */
bool gpi_os_same_file(const char *a, const char *b);
/** Set a file's modification time (seconds since 1970 UTC); 0 or -1. */
int gpi_os_set_mtime(const char *path, int64_t sec);
/** memmem: the first occurrence of needle in haystack, or NULL. */
const void *gpi_os_memmem(const void *haystack, size_t haystack_len, const void *needle,
                         size_t needle_len);
/** Number of online processors (at least 1).  Windows:
 *  GetActiveProcessorCount(ALL_PROCESSOR_GROUPS). */
int gpi_os_cpu_count(void);
/** Seconds on a clock that never goes back (CLOCK_MONOTONIC /
 *  QueryPerformanceCounter), from an arbitrary start. */
double gpi_os_monotonic_seconds(void);
/** CPU time the calling thread has used, in nanoseconds; 0 when the system
 *  does not say (CLOCK_THREAD_CPUTIME_ID / GetThreadTimes, user + kernel). */
uint64_t gpi_os_thread_cpu_ns(void);
/** Milliseconds to sleep (test hooks). */
void gpi_os_sleep_ms(unsigned ms);
/** An environment variable, or NULL. */
const char *gpi_os_getenv(const char *name);

/* ---- the host program (the command-line tool's platform needs) --------------- */

/** At the start of main.  Windows: console input and output in UTF-8, and
 *  argc and argv replaced by the UTF-16 command line converted to UTF-8 (so
 *  Chinese arguments arrive whatever the code page), '\\' turned into '/'
 *  in every argument after the program's name (the library splits paths at
 *  '/'; no option takes free text).  The new argv lives as long as the
 *  process; on any failure argv is left as it was.  POSIX: nothing. */
void gpi_os_host_args(int *argc, char ***argv);
/** The running executable's path (UTF-8, '/' separators), malloc'd; NULL
 *  when the system does not say.  Windows: GetModuleFileNameW; Linux:
 *  /proc/self/exe. */
char *gpi_os_exe_path(void);
/** Whether the data directory is looked for beside the executable: true on
 *  Windows (the zip's layout: gradpack.exe, templates\\), false on POSIX,
 *  where the installed data directory is the place (and a program linking
 *  the library, python3 say, must not read /usr/bin/templates). */
bool gpi_os_data_beside_exe(void);
/** The absolute form of path, malloc'd (NULL with errno).  POSIX: realpath
 *  (the file must exist).  Windows: GetFullPathNameW (a mapped drive stays
 *  a drive letter, as the clerk knows it), '/' separators. */
char *gpi_os_absolute_path(const char *path);
/** Open a file in its default program, or a folder in the file manager,
 *  never waited for.  Windows: ShellExecuteW "open"; POSIX: xdg-open in the
 *  background.  false when nothing could be started. */
bool gpi_os_open_for_user(const char *path);
/** Whether the console window closes when the process ends (Windows: the
 *  program was double-clicked, no cmd.exe shares the console).  POSIX:
 *  false. */
bool gpi_os_console_closes_at_exit(void);
/** Whether gpi_os_wait_for_key returns on any key (a Windows console) or
 *  only on Enter (a line on stdin). */
bool gpi_os_waits_for_any_key(void);
/** Wait for a key on the console (Windows, when stdin is one: _getch), or
 *  for a line on stdin. */
void gpi_os_wait_for_key(void);
/** Whether fd is a terminal (isatty / _isatty). */
bool gpi_os_isatty(int fd);

/* ---- isolated work (os_isolate_posix.c / os_isolate_win32.c) ---------------- */

/* A parser of hostile input that is not memory-safe (libfreexl) runs in a
 * child process: a crash or hang there is a refusal, never gradpack's.
 *
 * The work is named, and its input is bytes, so that a child which shares
 * nothing with its parent can run it: POSIX forks and calls the task's
 * function in the child; Windows has no fork and starts the running
 * executable again with GPI_ISOLATED_ARG and the task's name, the input on
 * its stdin and the answer on its stdout, and the child finds the task in
 * the table the library gives gpi_os_isolated_child (gp_run_isolated_child,
 * lib/roster/isolated_tasks.c). */
typedef enum gpi_os_isolated_status {
    GPI_ISOLATED_OK,
    GPI_ISOLATED_FAILED,      /* the work failed, crashed or exited badly */
    GPI_ISOLATED_LIMIT,       /* CPU or wall-clock time, or the output size */
    GPI_ISOLATED_NOMEM,       /* no pipe, process, job or memory for it */
    GPI_ISOLATED_UNSUPPORTED  /* no child to run it: on Windows, the host program
                                 did not answer as one (it does not call
                                 gp_run_isolated_child first in main) */
} gpi_os_isolated_status;

/** The child's work on in[0..in_len): put its answer in *out (malloc'd)
 *  and *out_len; false when it failed. */
typedef bool (*gpi_os_isolated_fn)(const unsigned char *in, size_t in_len, unsigned char **out,
                                   size_t *out_len);

/** A named piece of isolated work.  The name (ASCII letters, digits, '-')
 *  travels on a Windows child's command line. */
typedef struct gpi_os_isolated_task {
    const char *name;
    gpi_os_isolated_fn fn;
} gpi_os_isolated_task;

/** The hidden first argument of a Windows child; the task's name follows. */
#define GPI_ISOLATED_ARG "--gradpack-isolated-task"

/** Run task on in[0..in_len) in a child process held to `seconds` of CPU
 *  (and of wall clock, plus 5 s) and, when memory > 0, to that many bytes
 *  (POSIX: address space; Windows: committed memory); its answer, at most
 *  max_out bytes, comes back in *out (malloc'd) on GPI_ISOLATED_OK.
 *  POSIX: fork, setrlimit, a pipe.  Windows: the running executable again,
 *  in a job object with memory and CPU-time limits, through two pipes. */
gpi_os_isolated_status gpi_os_run_isolated(const gpi_os_isolated_task *task, const void *in,
                                           size_t in_len, unsigned seconds, uint64_t memory,
                                           size_t max_out, unsigned char **out, size_t *out_len);

/** The child's side, first thing in a program's main: when argv says this
 *  process is an isolated child (GPI_ISOLATED_ARG NAME), run the task of
 *  that name from tasks[0..count) on stdin, answer on stdout, set
 *  *exit_code and return true; otherwise false.  POSIX: always false (the
 *  child is a fork). */
bool gpi_os_isolated_child(int argc, char **argv, const gpi_os_isolated_task *const *tasks,
                           size_t count, int *exit_code);

/** A file name under which a library that opens files by name only (with
 *  the C runtime's fopen) can read `data`.  Linux: a memfd, nothing touches
 *  the disk.  Windows: a temporary file in the user's temp folder, named
 *  for the process (the parent of an isolated child removes what a killed
 *  child leaves), under a name the C runtime's narrow fopen opens (the short
 *  8.3 form, or the ANSI code page's form, when the folder's name is not
 *  ASCII).  Returns a handle for gpi_os_memory_file_close, which removes
 *  it, or -1 when there is none. */
int gpi_os_memory_file(const void *data, size_t len, char *path, size_t path_size);
void gpi_os_memory_file_close(int handle);

#endif /* GPI_OS_H */
