/* Unit tests: the host program's platform (gradpack.h, lib/core/host.c):
 * folders and paths as the command-line tool sees them, the clocks, the
 * data directory's order, and the calls that must do nothing in tests. */
#include "core/os.h"
#include "gradpack.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/gp-host-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static char *at(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static void touch(const char *dir, const char *name)
{
    char *p = at(dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fclose(f);
    free(p);
}

static void folders_and_links(void **state)
{
    (void)state;
    char *dir = temp_dir();
    char *sub = at(dir, "照片"), *file = at(dir, "花名册.csv"), *link = at(dir, "link");
    assert_int_equal(mkdir(sub, 0700), 0);
    touch(dir, "花名册.csv");
    assert_int_equal(symlink(sub, link), 0);
    assert_true(gp_path_is_directory(dir));
    assert_true(gp_path_is_directory(sub));
    assert_true(gp_path_is_directory(link)); /* links followed */
    assert_false(gp_path_is_directory(file));
    assert_false(gp_path_is_directory("/nonexistent/gp-host"));
    assert_false(gp_path_is_directory(NULL));
    unlink(link);
    unlink(file);
    rmdir(sub);
    rmdir(dir);
    free(sub), free(file), free(link), free(dir);
}

static void absolute_paths(void **state)
{
    (void)state;
    char *dir = temp_dir(), old[PATH_MAX];
    assert_non_null(getcwd(old, sizeof old));
    char *sub = at(dir, "站");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(chdir(dir), 0);
    char *abs = gp_path_absolute("站");
    char *want = realpath(sub, NULL);
    assert_non_null(abs);
    assert_string_equal(abs, want);
    assert_null(gp_path_absolute("不存在"));
    assert_null(gp_path_absolute(NULL));
    assert_int_equal(chdir(old), 0);
    free(abs), free(want);
    rmdir(sub);
    rmdir(dir);
    free(sub), free(dir);
}

static void folder_names_sorted_limited_and_refused(void **state)
{
    (void)state;
    char *dir = temp_dir();
    const char *made[] = {"b.jpg", "a.csv", "照片", "0001.jpg"};
    for (size_t i = 0; i < 4; i++)
        touch(dir, made[i]);
    size_t n = 0;
    bool cut = true;
    gp_error err = {0};
    char **names = gp_folder_names(dir, 0, &n, &cut, &err);
    assert_non_null(names);
    assert_int_equal(n, 4);
    assert_false(cut);
    /* byte-wise order, no "." or ".." */
    assert_string_equal(names[0], "0001.jpg");
    assert_string_equal(names[1], "a.csv");
    assert_string_equal(names[2], "b.jpg");
    assert_string_equal(names[3], "照片");
    gp_folder_names_free(names, n);

    names = gp_folder_names(dir, 2, &n, &cut, NULL);
    assert_non_null(names);
    assert_int_equal(n, 2);
    assert_true(cut);
    gp_folder_names_free(names, n);

    char *empty = at(dir, "空");
    assert_int_equal(mkdir(empty, 0700), 0);
    names = gp_folder_names(empty, 0, &n, NULL, NULL);
    assert_non_null(names); /* an empty folder is not a failure */
    assert_int_equal(n, 0);
    gp_folder_names_free(names, n);

    char *missing = at(dir, "不存在");
    names = gp_folder_names(missing, 0, &n, NULL, &err);
    assert_null(names);
    assert_int_equal(n, 0);
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_non_null(strstr(err.message, missing));

    char *file = at(dir, "a.csv");
    gp_error err2 = {0};
    assert_null(gp_folder_names(file, 0, &n, NULL, &err2));
    assert_int_equal(err2.status, GP_ERR_OPEN);

    for (size_t i = 0; i < 4; i++) {
        char *p = at(dir, made[i]);
        unlink(p);
        free(p);
    }
    rmdir(empty);
    rmdir(dir);
    free(empty), free(missing), free(file), free(dir);
}

static void clocks_go_forward(void **state)
{
    (void)state;
    double t0 = gp_clock_seconds();
    uint64_t c0 = gpi_os_thread_cpu_ns();
    volatile unsigned long sink = 0;
    for (unsigned long i = 0; i < 50000000ul; i++)
        sink += i;
    double t1 = gp_clock_seconds();
    uint64_t c1 = gpi_os_thread_cpu_ns();
    assert_true(t0 > 0);
    assert_true(t1 > t0);
    assert_true(c0 > 0);
    assert_true(c1 > c0); /* the loop spent CPU in this thread */
}

static void nothing_opened_in_tests_and_files_are_no_terminal(void **state)
{
    (void)state;
    assert_int_equal(setenv("GRADPACK_NO_OPEN", "1", 1), 0);
    assert_false(gp_open_for_user("/tmp"));
    assert_int_equal(unsetenv("GRADPACK_NO_OPEN"), 0);
    /* stdout pointed at a file for a moment: no terminal */
    fflush(stdout);
    int saved = dup(1);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_true(saved >= 0 && dup2(fileno(f), 1) == 1);
    bool file_is_terminal = gp_is_terminal(GP_STDOUT);
    assert_int_equal(dup2(saved, 1), 1);
    close(saved);
    fclose(f);
    assert_false(file_is_terminal);
    assert_false(gp_is_terminal((gp_std_stream)7));
    assert_false(gp_console_closes_at_exit());
    assert_false(gp_console_waits_for_any_key());
}

static void host_init_keeps_posix_arguments(void **state)
{
    (void)state;
    char a0[] = "gradpack", a1[] = "check", a2[] = "C:\\station\\照片";
    char *args[] = {a0, a1, a2, NULL};
    char **argv = args;
    int argc = 3;
    gp_host_init(&argc, &argv);
    assert_int_equal(argc, 3);
    assert_ptr_equal(argv, args);
    assert_string_equal(argv[2], "C:\\station\\照片"); /* a POSIX name may hold '\\' */
}

static void exe_path_is_this_test(void **state)
{
    (void)state;
    char *exe = gpi_os_exe_path();
    assert_non_null(exe);
    assert_true(exe[0] == '/');
    const char *slash = strrchr(exe, '/');
    assert_string_equal(slash + 1, "test_core_host");
    free(exe);
}

static void datadir_environment_first(void **state)
{
    (void)state;
    assert_int_equal(setenv("GRADPACK_DATADIR", "/some/where", 1), 0);
    assert_string_equal(gp_datadir(), "/some/where");
    /* no templates beside this test's executable: the source tree's */
    assert_int_equal(unsetenv("GRADPACK_DATADIR"), 0);
    char *rf = at(gp_datadir(), "roster-fields.ini");
    assert_int_equal(access(rf, R_OK), 0);
    free(rf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folders_and_links),
        cmocka_unit_test(absolute_paths),
        cmocka_unit_test(folder_names_sorted_limited_and_refused),
        cmocka_unit_test(clocks_go_forward),
        cmocka_unit_test(nothing_opened_in_tests_and_files_are_no_terminal),
        cmocka_unit_test(host_init_keeps_posix_arguments),
        cmocka_unit_test(exe_path_is_this_test),
        cmocka_unit_test(datadir_environment_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
