/* Unit tests: isolated work (gpi_os_run_isolated, lib/core/os_isolate_posix.c)
 * under the named-task contract (a task's function gets the input as bytes):
 * the input arrives whole, and a hostile child — too much output, CPU and
 * sleeping hangs, a crash, an early exit 0 — is a status, not a crash; the
 * parent keeps no fd and no zombie, and survives signals; the POSIX child is
 * a fork, so no process is ever taken for an isolated child
 * (gpi_os_isolated_child).  The Windows side is tested under Wine
 * (tests/windows/test_wine.py, GRADPACK_TEST_ISOLATED_CHILD). */
#include "gradpack.h"
#include "core/base.h"
#include "core/os.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* AddressSanitizer reserves terabytes of address space: no RLIMIT_AS there
 * (as in lib/roster/xls_reader.c). */
#if defined(__SANITIZE_ADDRESS__)
#define CHILD_MEMORY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHILD_MEMORY 0
#endif
#endif
#ifndef CHILD_MEMORY
#define CHILD_MEMORY (256u << 20)
#endif

/* The input is a size_t: answer that many 'x'. */
static bool answer_fn(const unsigned char *in, size_t in_len, unsigned char **out, size_t *len)
{
    size_t n = 0;
    if (in_len != sizeof n)
        return false;
    memcpy(&n, in, sizeof n);
    *out = malloc(n ? n : 1);
    if (!*out)
        return false;
    memset(*out, 'x', n);
    *len = n;
    return true;
}

/* The input back, each byte complemented. */
static bool echo_fn(const unsigned char *in, size_t in_len, unsigned char **out, size_t *len)
{
    *out = malloc(in_len ? in_len : 1);
    if (!*out)
        return false;
    for (size_t i = 0; i < in_len; i++)
        (*out)[i] = (unsigned char)~in[i];
    *len = in_len;
    return true;
}

static bool spin_fn(const unsigned char *in, size_t in_len, unsigned char **out, size_t *len)
{
    (void)in, (void)in_len, (void)out, (void)len;
    for (volatile unsigned long i = 0;; i++)
        ;
    return false;
}

static bool sleep_fn(const unsigned char *in, size_t in_len, unsigned char **out, size_t *len)
{
    (void)in, (void)in_len, (void)out, (void)len;
    for (;;)
        pause();
    return false;
}

static bool crash_fn(const unsigned char *in, size_t in_len, unsigned char **out, size_t *len)
{
    (void)in, (void)in_len, (void)out, (void)len;
    raise(SIGSEGV);
    abort();
}

static bool exit_early_fn(const unsigned char *in, size_t in_len, unsigned char **out,
                          size_t *len)
{
    (void)in, (void)in_len, (void)out, (void)len;
    _exit(0);
}

static bool fails_fn(const unsigned char *in, size_t in_len, unsigned char **out, size_t *len)
{
    (void)in, (void)in_len, (void)out, (void)len;
    return false;
}

/* answers "open" or "closed" for the fd number given as input */
static bool fd_state_fn(const unsigned char *in, size_t in_len, unsigned char **out, size_t *len)
{
    int fd;
    if (in_len != sizeof fd)
        return false;
    memcpy(&fd, in, sizeof fd);
    const char *state = fcntl(fd, F_GETFD) == -1 && errno == EBADF ? "closed" : "open";
    *len = strlen(state);
    *out = (unsigned char *)strdup(state);
    return *out != NULL;
}

static const gpi_os_isolated_task fd_state = {"fd-state", fd_state_fn};

static const gpi_os_isolated_task answer = {"answer", answer_fn}, echo = {"echo", echo_fn},
                                  spin = {"spin", spin_fn}, sleep_forever = {"sleep", sleep_fn},
                                  crash = {"crash", crash_fn},
                                  exit_early = {"exit-early", exit_early_fn},
                                  work_fails = {"fails", fails_fn};

static gpi_os_isolated_status run_on(const gpi_os_isolated_task *task, const void *in,
                                     size_t in_len, unsigned seconds, size_t max_out,
                                     unsigned char **got, size_t *len)
{
    unsigned char *out = NULL;
    size_t n = 0;
    gpi_os_isolated_status s =
        gpi_os_run_isolated(task, in, in_len, seconds, CHILD_MEMORY, max_out, &out, &n);
    if (s != GPI_ISOLATED_OK) {
        assert_null(out);
        assert_int_equal(n, 0);
    }
    if (got)
        *got = out;
    else
        free(out);
    if (len)
        *len = n;
    return s;
}

/* A task that takes a size_t (answer) or nothing. */
static gpi_os_isolated_status run(const gpi_os_isolated_task *task, size_t *want,
                                  unsigned seconds, size_t max_out, size_t *len)
{
    return run_on(task, want, want ? sizeof *want : 0, seconds, max_out, NULL, len);
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* The task gets its input as bytes, whole (8 MiB, more than a pipe holds),
 * and nothing but the input: an empty one too. */
static void input_reaches_the_task(void **state)
{
    (void)state;
    size_t n = 8u << 20;
    unsigned char *in = malloc(n);
    assert_non_null(in);
    for (size_t i = 0; i < n; i++)
        in[i] = (unsigned char)(i * 7 + (i >> 13));
    unsigned char *out = NULL;
    size_t len = 0;
    assert_int_equal(run_on(&echo, in, n, 5, n, &out, &len), GPI_ISOLATED_OK);
    assert_int_equal(len, n);
    for (size_t i = 0; i < n; i++)
        if (out[i] != (unsigned char)~in[i])
            fail_msg("byte %zu differs", i);
    free(out);
    assert_int_equal(run_on(&echo, in, n, 5, n - 1, NULL, NULL), GPI_ISOLATED_LIMIT);
    free(in);
    assert_int_equal(run_on(&echo, "", 0, 5, 16, &out, &len), GPI_ISOLATED_OK);
    assert_int_equal(len, 0);
    free(out);
    /* a task that is handed the wrong input fails cleanly */
    assert_int_equal(run_on(&answer, "abc", 3, 5, 16, NULL, NULL), GPI_ISOLATED_FAILED);
}

/* POSIX children are forks: no argv makes this process one. */
static void no_process_is_a_child(void **state)
{
    (void)state;
    const gpi_os_isolated_task *tasks[] = {&echo};
    char *argv[] = {"gradpack", GPI_ISOLATED_ARG, "echo", NULL};
    int code = 42;
    assert_false(gpi_os_isolated_child(3, argv, tasks, 1, &code));
    assert_int_equal(code, 42);
    /* nor through the public entry, with the library's own task */
    char *xls[] = {"gradpack", GPI_ISOLATED_ARG, "xls", NULL};
    assert_false(gp_run_isolated_child(3, xls, &code));
    assert_false(gp_run_isolated_child(3, xls, NULL));
    assert_int_equal(code, 42);
}

static void output_limit(void **state)
{
    (void)state;
    size_t want = 1u << 20, len = 0;
    assert_int_equal(run(&answer, &want, 5, want, &len), GPI_ISOLATED_OK);
    assert_int_equal(len, want);
    want = (1u << 20) + 1;
    assert_int_equal(run(&answer, &want, 5, 1u << 20, NULL), GPI_ISOLATED_LIMIT);
    want = 0;
    assert_int_equal(run(&answer, &want, 5, 16, &len), GPI_ISOLATED_OK);
    assert_int_equal(len, 0);
}

static void hangs_are_stopped(void **state)
{
    (void)state;
    time_t start = time(NULL);
    assert_int_equal(run(&spin, NULL, 1, 16, NULL), GPI_ISOLATED_LIMIT);
    assert_int_equal(run(&sleep_forever, NULL, 1, 16, NULL), GPI_ISOLATED_LIMIT);
    assert_true(time(NULL) - start < 10);
}

static void crashes_and_failures(void **state)
{
    (void)state;
    assert_int_equal(run(&crash, NULL, 5, 16, NULL), GPI_ISOLATED_FAILED);
    assert_int_equal(run(&work_fails, NULL, 5, 16, NULL), GPI_ISOLATED_FAILED);
    /* exit 0 before answering: an empty answer, for the caller to refuse */
    size_t len = 1;
    assert_int_equal(run(&exit_early, NULL, 5, 16, &len), GPI_ISOLATED_OK);
    assert_int_equal(len, 0);
}

/* a host that ignores SIGCHLD has its children reaped for it: a crash must
 * still not read as success */
static void crash_with_sigchld_ignored(void **state)
{
    (void)state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGCHLD, &ign, &old);
    gpi_os_isolated_status s = run(&crash, NULL, 5, 16, NULL);
    sigaction(SIGCHLD, &old, NULL);
    assert_int_not_equal(s, GPI_ISOLATED_OK);
}

static volatile sig_atomic_t ticks;
static void on_tick(int sig)
{
    (void)sig;
    ticks++;
}

/* the parent interrupted every 10 ms (no SA_RESTART): EINTR is retried */
static void interrupted_parent(void **state)
{
    (void)state;
    struct sigaction act = {.sa_handler = on_tick}, old;
    sigaction(SIGALRM, &act, &old);
    struct itimerval every = {{0, 10000}, {0, 10000}}, off = {0};
    setitimer(ITIMER_REAL, &every, NULL);
    size_t want = 8u << 20, len = 0;
    gpi_os_isolated_status s = run(&answer, &want, 5, want, &len);
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old, NULL);
    assert_int_equal(s, GPI_ISOLATED_OK);
    assert_int_equal(len, want);
}

static void no_fd_or_zombie_left(void **state)
{
    (void)state;
    int before = open_fds();
    size_t want = 100;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(run(&answer, &want, 5, 1000, NULL), GPI_ISOLATED_OK);
        assert_int_equal(run(&answer, &want, 5, 10, NULL), GPI_ISOLATED_LIMIT);
        assert_int_equal(run(&crash, NULL, 5, 10, NULL), GPI_ISOLATED_FAILED);
    }
    assert_int_equal(open_fds(), before);
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* The parent's open files (its folder lock above all) are not the child's:
 * a child holding the lock's open file would keep the folder locked. */
static void parent_files_closed_in_the_child(void **state)
{
    (void)state;
    char path[] = "/tmp/gp-isolate-lock-XXXXXX";
    int held = mkstemp(path);
    assert_true(held >= 0);
    assert_int_equal(flock(held, LOCK_EX | LOCK_NB), 0);
    unsigned char *got = NULL;
    size_t len = 0;
    assert_int_equal(run_on(&fd_state, &held, sizeof held, 5, 100, &got, &len), GPI_ISOLATED_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(got, "closed", 6);
    free(got);
    /* stderr stays (a sanitizer's report goes there) */
    int err_fd = 2;
    assert_int_equal(run_on(&fd_state, &err_fd, sizeof err_fd, 5, 100, &got, &len),
                     GPI_ISOLATED_OK);
    assert_memory_equal(got, "open", 4);
    free(got);
    close(held);
    unlink(path);
}

static void memory_file(void **state)
{
    (void)state;
    int before = open_fds();
    for (int i = 0; i < 100; i++) {
        char path[64];
        int h = gpi_os_memory_file("abc", 3, path, sizeof path);
        assert_true(h >= 0);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        char buf[8] = {0};
        assert_int_equal(fread(buf, 1, sizeof buf, f), 3);
        assert_string_equal(buf, "abc");
        fclose(f);
        gpi_os_memory_file_close(h);
    }
    char path[64];
    int h = gpi_os_memory_file("", 0, path, sizeof path);
    assert_true(h >= 0);
    gpi_os_memory_file_close(h);
    gpi_os_memory_file_close(-1);
    assert_int_equal(open_fds(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(input_reaches_the_task),
        cmocka_unit_test(no_process_is_a_child),
        cmocka_unit_test(output_limit),
        cmocka_unit_test(hangs_are_stopped),
        cmocka_unit_test(crashes_and_failures),
        cmocka_unit_test(crash_with_sigchld_ignored),
        cmocka_unit_test(interrupted_parent),
        cmocka_unit_test(no_fd_or_zombie_left),
        cmocka_unit_test(parent_files_closed_in_the_child),
        cmocka_unit_test(memory_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
