/* An allocation failure never turns a fail into a pass (issue 10, "Nothing
 * silently dropped").  This executable is linked with -Wl,--wrap for
 * malloc, calloc, realloc, strdup and vasprintf: every allocation the
 * library's own code makes goes through the wrappers below, which fail the
 * N-th call.  For every N (up to a bound, then in strides) gp_check,
 * gp_pack and gp_verify run on inputs that must fail; each run must either fail
 * (NULL with err set) or return a report that still fails and is not
 * marked incomplete.  Allocations inside other libraries (libjpeg, libzip)
 * are not counted: they are not wrapped. */
#include "core/findings.h"
#include "roster/roster.h"

#include "photogen.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the failing allocator ----------------------------------------------- */

static atomic_long calls;      /* counted allocations while armed */
static long fail_at;           /* 0: never fail */
static atomic_bool armed;

static bool should_fail(void)
{
    if (!atomic_load(&armed))
        return false;
    long n = atomic_fetch_add(&calls, 1) + 1;
    return fail_at && n == fail_at;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = __wrap_malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
    if (should_fail()) {
        *out = NULL;
        return -1;
    }
    return __real_vasprintf(out, fmt, ap);
}

/* ---- inputs that must fail --------------------------------------------------- */

static char root[] = "/tmp/gp-oom-XXXXXX";
static char roster_path[512], photo_dir[512], master_path[512], bundle_path[600];

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Three students, photos for two: photo.missing for the third. */
static const char roster_text[] =
    "\xEF\xBB\xBF拍摄序号,学历层次,学号,姓名,性别,身份证号,所在校别,院校代码,学校名称\r\n"
    "0001,成人本科,2021001,王小明,男,%s,普通高校,10433,山东理工大学\r\n"
    "0002,成人本科,2021002,李小红,女,%s,普通高校,10433,山东理工大学\r\n"
    "0003,成人专科,2021003,张伟,男,%s,普通高校,10433,山东理工大学\r\n";

static void id_with_check(const char *first17, char out[19])
{
    memcpy(out, first17, 17);
    out[17] = gpi_id_check_char(first17);
    out[18] = '\0';
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(root))
        return -1;
    snprintf(roster_path, sizeof roster_path, "%s/roster.csv", root);
    snprintf(photo_dir, sizeof photo_dir, "%s/photos", root);
    snprintf(master_path, sizeof master_path, "%s/master.csv", root);
    char a[19], b[19], c[19];
    id_with_check("37010219900101001", a); /* 17th digit odd: male */
    id_with_check("37010219920202002", b); /* even: female */
    id_with_check("37010219930303003", c);
    char text[2048];
    snprintf(text, sizeof text, roster_text, a, b, c);
    write_text(roster_path, text);
    mkdir(photo_dir, 0700);
    char why[256];
    if (photogen_batch(photo_dir, 1, 3, why, sizeof why) != 3) {
        print_error("setup: photogen: %s\n", why);
        return -1;
    }

    /* a good bundle of the three, packed with the real allocator ... */
    char out[512];
    snprintf(out, sizeof out, "%s/out", root);
    gp_pack_options options = {.output_dir = out, .name = "b", .check.threads = 1};
    gp_error err = {0};
    gp_report *report = gp_pack(roster_path, photo_dir, &options, &err);
    if (!report || gp_report_exit_status(report) != 0) {
        char *text = report ? gp_report_to_text(report, 0) : NULL;
        print_error("setup: pack failed: %s %s\n", err.message, text ? text : "");
        free(text);
        return -1;
    }
    gp_report_free(report);
    snprintf(bundle_path, sizeof bundle_path, "%s/b.zip", out);
    /* ... and a master list that disagrees with it on one name */
    snprintf(text, sizeof text, roster_text, a, b, c);
    char *name = strstr(text, "李小红");
    memcpy(name, "李晓红", strlen("李晓红"));
    write_text(master_path, text);
    /* now photo 0003 goes: check fails with photo.missing */
    char third[600];
    snprintf(third, sizeof third, "%s/0003.jpg", photo_dir);
    unlink(third);
    return 0;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(root);
    return 0;
}

/* ---- the sweep ----------------------------------------------------------------- */

typedef gp_report *(*run_fn)(gp_error *err);

static gp_report *run_check(gp_error *err)
{
    gp_check_options options = {.threads = 1};
    return gp_check(roster_path, photo_dir, &options, err);
}

static gp_report *run_pack(gp_error *err)
{
    char out[600];
    snprintf(out, sizeof out, "%s/never", root);
    gp_pack_options options = {.output_dir = out, .check.threads = 1};
    gp_report *r = gp_pack(roster_path, photo_dir, &options, err);
    struct stat st;
    assert_int_not_equal(stat(out, &st), 0); /* a failing pack writes nothing */
    return r;
}

static gp_report *run_verify(gp_error *err)
{
    const char *paths[] = {bundle_path};
    gp_verify_options options = {.master_path = master_path, .threads = 1};
    return gp_verify(paths, 1, &options, err);
}

static gp_report *run_armed(run_fn fn, long at, gp_error *err, long *counted)
{
    atomic_store(&calls, 0);
    fail_at = at;
    atomic_store(&armed, true);
    gp_report *report = fn(err);
    atomic_store(&armed, false);
    *counted = atomic_load(&calls);
    return report;
}

static void sweep(run_fn fn, gp_code must_have)
{
    gp_error err = {0};
    long total = 0;
    gp_report *baseline = run_armed(fn, 0, &err, &total);
    assert_non_null(baseline);
    assert_int_equal(gp_report_exit_status(baseline), 1);
    assert_true(gp_report_has(baseline, must_have));
    assert_false(gp_report_failed(baseline));
    gp_report_free(baseline);
    assert_true(total > 50); /* the wrappers do see the library's allocations */

    /* every N up to 1500, then strides so that the whole run is covered */
    long stride = total > 1500 ? (total - 1500) / 300 + 1 : 1;
    long runs = 0, refused = 0, still_failing = 0;
    for (long n = 1; n <= total; n += n < 1500 ? 1 : stride) {
        gp_error e = {0};
        long counted = 0;
        gp_report *r = run_armed(fn, n, &e, &counted);
        runs++;
        if (!r) {
            assert_int_not_equal(e.status, GP_OK); /* a failure always says why */
            refused++;
        } else {
            if (gp_report_exit_status(r) != 1)
                fail_msg("allocation %ld of %ld failed and the run passed", n, total);
            assert_false(gp_report_failed(r));
            still_failing++;
            gp_report_free(r);
        }
    }
    print_message("%ld allocations; %ld runs with one failing: %ld refused (exit 2), %ld "
                  "still failing (exit 1), 0 passed\n",
                  total, runs, refused, still_failing);
    assert_true(refused > 0);
}

static void check_never_passes_on_allocation_failure(void **state)
{
    (void)state;
    sweep(run_check, GP_PHOTO_MISSING);
}

static void pack_never_passes_on_allocation_failure(void **state)
{
    (void)state;
    sweep(run_pack, GP_PHOTO_MISSING);
}

static void verify_never_passes_on_allocation_failure(void **state)
{
    (void)state;
    sweep(run_verify, GP_MASTER_MISMATCH);
}

/* The flag itself: a failed add marks the report, absorb carries it. */
static void report_failure_is_sticky(void **state)
{
    (void)state;
    gp_report *r = gp_report_new("check");
    gp_report *into = gp_report_new("check");
    assert_non_null(r);
    assert_non_null(into);
    assert_false(gp_report_failed(r));
    atomic_store(&calls, 0);
    fail_at = 1;
    atomic_store(&armed, true);
    bool added = gpi_report_add(r, GP_PHOTO_MISSING, NULL, NULL, NULL, "lost");
    atomic_store(&armed, false);
    assert_false(added);
    assert_true(gp_report_failed(r));
    assert_true(gpi_report_add(r, GP_PHOTO_MISSING, NULL, NULL, NULL, "kept"));
    assert_true(gp_report_failed(r)); /* sticky */
    assert_true(gpi_report_absorb(into, r, NULL));
    assert_true(gp_report_failed(into));
    gp_report_free(r);
    gp_report_free(into);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(report_failure_is_sticky),
        cmocka_unit_test(check_never_passes_on_allocation_failure),
        cmocka_unit_test(pack_never_passes_on_allocation_failure),
        cmocka_unit_test(verify_never_passes_on_allocation_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
