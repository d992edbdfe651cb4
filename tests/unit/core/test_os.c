/* Unit tests: the platform layer (lib/core/os.h) on POSIX, the temporary
 * file registry past 64 entries, the output-folder lock, stale temporary
 * files, password files and error propagation. */
#include "core/atomic.h"
#include "core/base.h"
#include "core/files.h"

#include "core/atomic.h"
#include "core/error.h"
#include "core/os.h"
#include "core/secret.h"
#include "core/testhook.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/gp-os-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static char *at(const char *dir, const char *name)
{
    char *p = gpi_path_join(dir, name);
    assert_non_null(p);
    return p;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char *p = at(dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *sub = at(path, e->d_name);
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(sub);
        else
            unlink(sub);
        free(sub);
    }
    closedir(d);
    rmdir(path);
}

/* ---- opening inputs ------------------------------------------------------- */

static void open_read_refuses_fifos_links_and_folders(void **state)
{
    (void)state;
    char *dir = temp_dir();
    write_file(dir, "file.txt", "hello");
    char *file = at(dir, "file.txt"), *fifo = at(dir, "pipe"), *link = at(dir, "link"),
         *sub = at(dir, "sub");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink("file.txt", link), 0);
    assert_int_equal(mkdir(sub, 0700), 0);

    gpi_os_stat st;
    int fd = gpi_os_open_read(file, false, &st);
    assert_true(fd >= 0);
    assert_int_equal(st.type, GPI_OS_REGULAR);
    assert_int_equal(st.size, 5);
    char buf[16];
    assert_int_equal(gpi_os_read(fd, buf, sizeof buf), 5); /* blocking reads again */
    gpi_os_close(fd);

    /* a FIFO with no writer: refused at once, never read (would block) */
    assert_int_equal(gpi_os_open_read(fifo, true, &st), -1);
    assert_int_equal(errno, GPI_OS_ENOTREG);
    assert_int_equal(st.type, GPI_OS_FIFO);
    assert_non_null(strstr(gpi_os_type_name(st.type), "FIFO"));

    assert_int_equal(gpi_os_open_read(link, false, &st), -1);
    assert_int_equal(errno, ELOOP);
    assert_int_equal(st.type, GPI_OS_SYMLINK);
    fd = gpi_os_open_read(link, true, &st); /* the user's own argument may be a link */
    assert_true(fd >= 0);
    gpi_os_close(fd);

    assert_int_equal(gpi_os_open_read(sub, true, &st), -1);
    assert_int_equal(errno, GPI_OS_ENOTREG);
    assert_int_equal(st.type, GPI_OS_DIRECTORY);

    gp_error err = {0};
    assert_false(gpi_error_open_input(&err, "花名册", fifo, GPI_OS_ENOTREG, &(gpi_os_stat){.type = GPI_OS_FIFO}));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "花名册"));
    assert_non_null(strstr(err.message, "命名管道"));

    /* the whole-file readers go through it too */
    unsigned char *data = NULL;
    size_t len = 0;
    gp_error_clear(&err);
    assert_false(gpi_read_file(fifo, 100, &data, &len, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "命名管道"));

    free(file), free(fifo), free(link), free(sub);
    remove_tree(dir);
    free(dir);
}

static void open_beneath_never_follows_a_link(void **state)
{
    (void)state;
    char *dir = temp_dir(), *outside = temp_dir();
    char *a = at(dir, "a");
    assert_int_equal(mkdir(a, 0700), 0);
    write_file(a, "x.jpg", "inside");
    write_file(outside, "x.jpg", "outside");
    char *swapped = at(dir, "b");
    assert_int_equal(symlink(outside, swapped), 0);
    int root = gpi_os_dir_open(dir, false);
    assert_true(root >= 0);

    gpi_os_stat st;
    int fd = gpi_os_open_read_beneath(root, "a/x.jpg", &st);
    assert_true(fd >= 0);
    gpi_os_close(fd);
    assert_int_equal(gpi_os_open_read_beneath(root, "b/x.jpg", &st), -1); /* a link midway */
    assert_int_equal(errno, ELOOP);
    assert_int_equal(gpi_os_open_read_beneath(root, "a/../a/x.jpg", &st), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(gpi_os_open_read_beneath(root, "/etc/passwd", &st), -1);
    assert_int_equal(gpi_os_open_read_beneath(root, "a//x.jpg", &st), -1);

    /* listing by fd: sorted, bounded */
    char **names;
    size_t count;
    bool truncated;
    write_file(dir, "c", "");
    assert_int_equal(gpi_os_dir_list(root, 0, &names, &count, &truncated), 0);
    assert_int_equal(count, 3);
    assert_string_equal(names[0], "a");
    assert_string_equal(names[2], "c");
    assert_false(truncated);
    gpi_os_names_free(names, count);
    assert_int_equal(gpi_os_dir_list(root, 2, &names, &count, &truncated), 0);
    assert_int_equal(count, 2);
    assert_true(truncated);
    gpi_os_names_free(names, count);

    gpi_os_close(root);
    free(a), free(swapped);
    remove_tree(dir);
    remove_tree(outside);
    free(dir), free(outside);
}

/* ---- outputs ------------------------------------------------------------------- */

static void temp_files_honour_the_umask(void **state)
{
    (void)state;
    char *dir = temp_dir();
    const struct {
        mode_t umask;
        unsigned asked, expected;
    } cases[] = {{077, 0644, 0600}, {022, 0644, 0644}, {022, 0600, 0600}, {027, 0644, 0640}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mode_t old = umask(cases[i].umask);
        char *path = at(dir, ".x.tmp-XXXXXX");
        int fd = gpi_os_create_temp(path, cases[i].asked);
        umask(old);
        assert_true(fd >= 0);
        assert_null(strstr(path, "XXXXXX"));
        struct stat st;
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal(st.st_mode & 07777, cases[i].expected);
        gpi_os_close(fd);
        unlink(path);
        free(path);
    }
    /* outputs: private by default */
    mode_t old = umask(022);
    char *out = at(dir, "out.txt");
    gp_error err = {0};
    gpi_atomic *a = gpi_atomic_begin(out, false, &err);
    assert_non_null(a);
    assert_true(gpi_atomic_commit(a, &err));
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    umask(old);
    free(out);
    remove_tree(dir);
    free(dir);
}

/* 200 temporary files (past the old fixed table of 64) are all removed
 * when the run is interrupted. */
static void interrupt_removes_every_temp_past_64(void **state)
{
    (void)state;
    char *dir = temp_dir();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!gp_interrupt_install())
            _exit(3);
        for (int i = 0; i < 200; i++) {
            char name[32];
            snprintf(name, sizeof name, "out%03d.zip", i);
            char *path = gpi_path_join(dir, name);
            gp_error err = {0};
            if (!path || !gpi_atomic_begin(path, true, &err))
                _exit(4);
            free(path);
        }
        if (count_entries(dir) != 200)
            _exit(5);
        raise(SIGTERM);
        _exit(6);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    assert_int_equal(count_entries(dir), 0);
    remove_tree(dir);
    free(dir);
}

/* The interrupt gate: a Ctrl-C handled in one thread while another is
 * between registering a temporary file and creating it.  The hook keeps
 * the dying process alive after the cleanup, as a slow exit would: without
 * the gate the other thread creates its file in that time and it is left
 * behind. */
static unsigned gate_hook_ms;

static void gate_child_hook(void)
{
    gpi_os_sleep_ms(gate_hook_ms);
}

typedef struct gate_begin {
    const char *path;
    gpi_atomic *file;
} gate_begin;

static void *gate_begin_thread(void *arg)
{
    gate_begin *g = arg;
    gp_error err = {0};
    g->file = gpi_atomic_begin(g->path, true, &err);
    return NULL;
}

/* SIGTERM in the main thread while another is paused pause_ms inside
 * gpi_atomic_begin; the hook then keeps the process alive hook_ms.  The
 * folder must be empty after the process died. */
static void interrupt_during_create(const char *pause_ms, unsigned hook_ms)
{
    /* the mark in a folder of its own: concurrent runs of this test
     * (the release and sanitizer builds) never see each other's */
    char *dir = temp_dir(), *marks = temp_dir(), *mark = at(marks, "reached"),
         *target = at(dir, "bundle.zip");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        gate_hook_ms = hook_ms;
        if (!gp_interrupt_install_hook(gate_child_hook))
            _exit(3);
        setenv("GRADPACK_TEST_PAUSE_MARK", mark, 1);
        setenv(GPI_TEST_PAUSE_IN_CREATE, pause_ms, 1);
        gate_begin g = {.path = target};
        pthread_t t;
        if (pthread_create(&t, NULL, gate_begin_thread, &g) != 0)
            _exit(4);
        for (int i = 0; i < 5000 && access(mark, F_OK) != 0; i++)
            gpi_os_sleep_ms(1);
        if (access(mark, F_OK) != 0)
            _exit(5);
        raise(SIGTERM); /* handled here, in the main thread */
        _exit(6);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    assert_int_equal(count_entries(dir), 0); /* never left behind */
    unlink(mark);
    rmdir(marks);
    remove_tree(dir);
    free(dir), free(marks), free(mark), free(target);
}

/* the cleanup waits for the creation, then removes the file */
static void interrupt_waits_for_a_file_being_created(void **state)
{
    (void)state;
    interrupt_during_create("300", 400);
}

/* a creation that outlasts the cleanup's 5 s wait removes its own file */
static void a_file_created_after_the_wait_removes_itself(void **state)
{
    (void)state;
    interrupt_during_create("5600", 1500);
}

static void lock_is_exclusive_and_removed_when_done(void **state)
{
    (void)state;
    char *dir = temp_dir();
    gp_error err = {0};
    gpi_lock *first = gpi_lock_output(dir, &err);
    assert_non_null(first);
    gpi_lock *second = gpi_lock_acquire(dir, &err);
    assert_null(second);
    assert_int_equal(err.status, GP_ERR_LOCKED);
    assert_non_null(strstr(err.message, "正被另一个 gradpack 进程"));
    gpi_lock_release(first);
    assert_int_equal(count_entries(dir), 0); /* the lock file goes with its holder */

    /* a symlinked lock file is refused, never written through */
    char *victim = at(dir, "victim"), *lock = at(dir, ".gradpack.lock");
    write_file(dir, "victim", "keep");
    assert_int_equal(symlink("victim", lock), 0);
    gp_error_clear(&err);
    assert_null(gpi_lock_acquire(dir, &err));
    assert_non_null(strstr(err.message, "符号链接"));
    unsigned char *data;
    size_t len;
    assert_true(gpi_read_file(victim, 100, &data, &len, &err));
    assert_string_equal((char *)data, "keep");
    free(data);
    free(victim), free(lock);
    remove_tree(dir);
    free(dir);
}

static void stale_temps_are_ours_only(void **state)
{
    (void)state;
    char *dir = temp_dir();
    const char *ours[] = {".a.zip.tmp-AbC123", "..gradpack-commit.tmp-000000", ".b.tmp-zzzzzz"};
    const char *theirs[] = {"a.zip", ".keep", "x.tmp-AbC123", ".y.tmp-AbC12", ".z.tmp-AbC12!",
                            ".gradpack-commit"};
    for (size_t i = 0; i < 3; i++)
        write_file(dir, ours[i], "");
    for (size_t i = 0; i < 6; i++)
        write_file(dir, theirs[i], "");
    assert_int_equal(gpi_atomic_remove_stale(dir), 3);
    assert_int_equal(count_entries(dir), 6);
    assert_true(gpi_atomic_is_own_file(".gradpack.lock"));
    assert_true(gpi_atomic_is_own_file(".gradpack-commit"));
    assert_true(gpi_atomic_is_own_file(".0001.jpg.tmp-a1B2c3"));
    assert_false(gpi_atomic_is_own_file("0001.jpg"));
    assert_false(gpi_atomic_is_own_file(".DS_Store"));
    remove_tree(dir);
    free(dir);
}

/* ---- password files --------------------------------------------------------------- */

static char *read_password(const char *dir, const char *bytes, mode_t mode, gp_report *report,
                           gp_error *err)
{
    write_file(dir, "pw", bytes);
    char *path = at(dir, "pw");
    chmod(path, mode);
    char *pw = gpi_password_file_read(path, report, err);
    unlink(path);
    free(path);
    return pw;
}

static void password_files(void **state)
{
    (void)state;
    char *dir = temp_dir();
    gp_report *report = gp_report_new("pack");
    gp_error err = {0};

    char *pw = read_password(dir, "secret\n", 0600, report, &err);
    assert_string_equal(pw, "secret");
    assert_int_equal(gp_report_count(report), 0); /* a plain LF is no news */
    gpi_password_wipe(pw);

    pw = read_password(dir, "\xEF\xBB\xBFsecret \t\r\nsecond line\n", 0600, report, &err);
    assert_string_equal(pw, "secret");
    assert_int_equal(gp_report_count(report), 1);
    assert_int_equal(gp_report_get(report, 0)->code, GP_INPUT_PASSWORD_TRIMMED);
    assert_int_equal(gp_report_get(report, 0)->severity, GP_INFO);
    gpi_password_wipe(pw);

    pw = read_password(dir, "in the middle stays", 0640, report, &err);
    assert_string_equal(pw, "in the middle stays");
    assert_true(gp_report_has(report, GP_INPUT_PASSWORD_READABLE));
    gpi_password_wipe(pw);

    assert_null(read_password(dir, "\xEF\xBB\xBF  \n", 0600, report, &err));
    assert_int_equal(err.status, GP_ERR_USAGE);

    char *fifo = at(dir, "fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    gp_error_clear(&err);
    assert_null(gpi_password_file_read(fifo, report, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, "密码文件"));
    free(fifo);
    gp_report_free(report);
    remove_tree(dir);
    free(dir);
}

/* libxlsxwriter opens the workbook's temporary file by name when it closes
 * the workbook: after an interrupt's cleanup removed that name, the name it
 * is given must never create the file again in the output folder. */
static void library_path_never_recreates_a_removed_temp(void **state)
{
    (void)state;
    char *dir = temp_dir(), *target = at(dir, "bundle.xlsx");
    gp_error err = {0};
    gpi_atomic *file = gpi_atomic_begin(target, false, &err);
    assert_non_null(file);
    const char *name = gpi_atomic_library_path(file);
    assert_string_not_equal(name, gpi_atomic_temp_path(file)); /* Linux: /proc/self/fd/N */
    unlink(gpi_atomic_temp_path(file)); /* what Ctrl-C's cleanup does first */
    assert_int_equal(count_entries(dir), 0);
    FILE *f = fopen(name, "wb"); /* the library, a moment later */
    assert_non_null(f);
    fputs("PK", f);
    fclose(f);
    assert_int_equal(count_entries(dir), 0);
    gpi_atomic_abort(file);
    /* a run that was not interrupted: what the library wrote is committed */
    file = gpi_atomic_begin(target, false, &err);
    assert_non_null(file);
    f = fopen(gpi_atomic_library_path(file), "wb");
    assert_non_null(f);
    fputs("PK\3\4", f);
    fclose(f);
    assert_true(gpi_atomic_commit(file, &err));
    f = fopen(target, "rb");
    assert_non_null(f);
    char got[8] = {0};
    assert_int_equal(fread(got, 1, sizeof got, f), 4);
    fclose(f);
    assert_memory_equal(got, "PK\3\4", 4);
    unlink(target);
    rmdir(dir);
    free(target);
    free(dir);
}

static void error_propagation(void **state)
{
    (void)state;
    gp_error inner = {0}, outer = {0};
    gpi_error_set(&inner, GP_ERR_WRITE, 5, "first");
    assert_false(gpi_error_propagate(&outer, &inner));
    assert_int_equal(outer.status, GP_ERR_WRITE);
    assert_string_equal(outer.message, "first");
    gp_error later = {0};
    gpi_error_set(&later, GP_ERR_OPEN, 0, "later");
    gpi_error_propagate(&outer, &later); /* the first failure wins */
    assert_string_equal(outer.message, "first");
    gpi_error_propagate(NULL, &inner);   /* err may be NULL everywhere */
    gpi_error_propagate(&outer, NULL);
    gp_error ok = {0}, empty = {0};
    gpi_error_propagate(&empty, &ok);    /* nothing to pass on */
    assert_int_equal(empty.status, GP_OK);
    /* and the library's entry points accept a NULL err */
    assert_null(gp_check("/nonexistent/roster.csv", "/nonexistent/photos", NULL, NULL));
    assert_null(gp_pack("/nonexistent", "/nonexistent", NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_read_refuses_fifos_links_and_folders),
        cmocka_unit_test(open_beneath_never_follows_a_link),
        cmocka_unit_test(temp_files_honour_the_umask),
        cmocka_unit_test(interrupt_removes_every_temp_past_64),
        cmocka_unit_test(interrupt_waits_for_a_file_being_created),
        cmocka_unit_test(a_file_created_after_the_wait_removes_itself),
        cmocka_unit_test(lock_is_exclusive_and_removed_when_done),
        cmocka_unit_test(stale_temps_are_ours_only),
        cmocka_unit_test(password_files),
        cmocka_unit_test(library_path_never_recreates_a_removed_temp),
        cmocka_unit_test(error_propagation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
