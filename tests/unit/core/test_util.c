/* Unit tests: text helpers, atomic outputs, the thread pool, profiles. */
#include "core/atomic.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/pool.h"
#include "core/profile.h"
#include "core/escape.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(gpi_utf8_valid("拍摄序号abc", strlen("拍摄序号abc")));
    assert_false(gpi_utf8_valid("\xc4\xe3", 2));         /* GBK 你 */
    assert_false(gpi_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
    assert_false(gpi_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(gpi_utf8_valid("\xe6\x8b", 2));         /* truncated */
    assert_true(gpi_utf8_valid("\xf0\x9f\x98\x80", 4));  /* emoji */
}

static void trim_and_fullwidth(void **state)
{
    (void)state;
    char a[] = "  \t王小明\xe3\x80\x80 ";
    assert_string_equal(gpi_trim(a), "王小明");
    char b[] = "\xe3\x80\x80";
    assert_string_equal(gpi_trim(b), "");
    char c[] = "０００１";
    assert_true(gpi_fullwidth_to_ascii(c));
    assert_string_equal(c, "0001");
    char d[] = "37030319900101123Ｘ";
    assert_true(gpi_fullwidth_to_ascii(d));
    assert_string_equal(d, "37030319900101123X");
    char e[] = "成人本科";
    assert_false(gpi_fullwidth_to_ascii(e));
    assert_string_equal(e, "成人本科");
}

static void buffer_grows(void **state)
{
    (void)state;
    gpi_buf buf = {0};
    for (int i = 0; i < 1000; i++)
        gpi_buf_printf(&buf, "%d,", i);
    char *s = gpi_buf_take(&buf);
    assert_non_null(s);
    assert_int_equal(strncmp(s, "0,1,2,", 6), 0);
    assert_non_null(strstr(s, "999,"));
    free(s);
    gpi_buf empty = {0};
    s = gpi_buf_take(&empty);
    assert_string_equal(s, "");
    free(s);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void atomic_outputs(void **state)
{
    (void)state;
    char dir[] = "/tmp/gp-atomic-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *target = gpi_path_join(dir, "out.txt");
    gp_error err = {0};

    gpi_atomic *f = gpi_atomic_begin(target, false, &err);
    assert_non_null(f);
    FILE *s = gpi_atomic_stream(f, &err);
    fputs("one", s);
    assert_int_equal(access(target, F_OK), -1); /* nothing visible before commit */
    assert_true(gpi_atomic_commit(f, &err));
    assert_int_equal(count_entries(dir), 1);

    /* an existing output is not overwritten without permission */
    assert_null(gpi_atomic_begin(target, false, &err));
    assert_int_equal(err.status, GP_ERR_EXISTS);
    gp_error_clear(&err);

    /* abort leaves the old content and no temp file */
    f = gpi_atomic_begin(target, true, &err);
    fputs("two", gpi_atomic_stream(f, &err));
    gpi_atomic_abort(f);
    assert_int_equal(count_entries(dir), 1);
    unsigned char *data;
    size_t len;
    assert_true(gpi_read_file(target, 100, &data, &len, &err));
    assert_string_equal((char *)data, "one");
    free(data);

    /* interrupt cleanup removes open temp files, and nothing new can be
     * created after it: in a child, as the cleanup is for a dying process */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        gp_error e = {0};
        gpi_atomic *c = gpi_atomic_begin(target, true, &e);
        if (!c || fputs("three", gpi_atomic_stream(c, &e)) == EOF || count_entries(dir) != 2)
            _exit(3);
        gp_interrupt_cleanup();
        if (count_entries(dir) != 1)
            _exit(4);
        if (gpi_atomic_begin(target, true, &e) || e.status != GP_ERR_WRITE ||
            !strstr(e.message, "中断") || count_entries(dir) != 1)
            _exit(5);
        _exit(0);
    }
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(count_entries(dir), 1);

    /* overwrite with permission */
    f = gpi_atomic_begin(target, true, &err);
    fputs("four", gpi_atomic_stream(f, &err));
    assert_true(gpi_atomic_commit(f, &err));
    assert_true(gpi_read_file(target, 100, &data, &len, &err));
    assert_string_equal((char *)data, "four");
    free(data);

    unlink(target);
    rmdir(dir);
    free(target);
}

static void read_file_limit(void **state)
{
    (void)state;
    char path[] = "/tmp/gp-read-XXXXXX";
    int fd = mkstemp(path);
    assert_true(write(fd, "0123456789", 10) == 10);
    close(fd);
    gp_error err = {0};
    unsigned char *data;
    size_t len;
    assert_false(gpi_read_file(path, 9, &data, &len, &err));
    assert_int_equal(err.status, GP_ERR_OPEN);
    gp_error_clear(&err);
    assert_true(gpi_read_file(path, 10, &data, &len, &err));
    assert_int_equal(len, 10);
    free(data);
    assert_false(gpi_read_file("/nonexistent/x", 10, &data, &len, &err));
    unlink(path);
}

static void error_first_wins(void **state)
{
    (void)state;
    gp_error err = {0};
    gpi_error_set(&err, GP_ERR_OPEN, 2, "first %d", 1);
    gpi_error_set(&err, GP_ERR_NOMEM, 0, "second");
    assert_int_equal(err.status, GP_ERR_OPEN);
    assert_string_equal(err.message, "first 1");
    gpi_error_set(NULL, GP_ERR_OPEN, 0, "ignored");
}

typedef struct pool_ctx {
    atomic_int hits[1000];
} pool_ctx;

static void hit(void *context, size_t i)
{
    pool_ctx *ctx = context;
    atomic_fetch_add(&ctx->hits[i], 1);
}

static void pool_runs_each_index_once(void **state)
{
    (void)state;
    pool_ctx *ctx = calloc(1, sizeof *ctx);
    assert_true(gpi_parallel_for(1000, 4, hit, ctx));
    for (int i = 0; i < 1000; i++)
        assert_int_equal(atomic_load(&ctx->hits[i]), 1);
    assert_true(gpi_parallel_for(0, 0, hit, ctx)); /* nothing to do is fine */
    free(ctx);
    assert_true(gpi_cpu_count() >= 1);
}

static void profile_loads(void **state)
{
    (void)state;
    gp_error err = {0};
    gp_profile *p = gp_profile_load(NULL, &err);
    assert_non_null(p);
    assert_string_equal(gp_profile_name(p), GP_DEFAULT_PROFILE);
    assert_int_equal(p->width, 960);
    assert_int_equal(p->height, 1280);
    assert_int_equal(p->min_bytes, 563200);
    assert_int_equal(p->max_bytes, 665600);
    assert_int_equal(p->dpi, 300);
    assert_string_equal(p->school_code, "10433");
    assert_string_equal(p->header_aliases[GPI_FIELD_SEQ].items[0], "拍摄序号");
    assert_int_equal(p->levels.count, 2);
    assert_int_equal(p->level_map_count, 3);
    assert_string_equal(p->level_map[1].from, "专升本");
    assert_string_equal(p->level_map[1].to, "成人本科");
    gp_profile_free(p);

    p = gp_profile_load("generic", &err);
    assert_non_null(p);
    assert_null(p->school_code);
    gp_profile_free(p);

    assert_null(gp_profile_load("no-such-profile", &err));
    assert_int_equal(err.status, GP_ERR_USAGE);
    assert_non_null(strstr(err.message, "no-such-profile"));
}

static void profile_rejects_bad_values(void **state)
{
    (void)state;
    char dir[] = "/tmp/gp-profile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = gpi_path_join(dir, "bad.ini");
    FILE *f = fopen(path, "w");
    fputs("[photo]\nwidth = wide\n", f);
    fclose(f);
    gp_error err = {0};
    assert_null(gp_profile_load(path, &err));
    assert_int_equal(err.status, GP_ERR_USAGE);
    assert_non_null(strstr(err.message, "width"));
    unlink(path);
    rmdir(dir);
    free(path);
}

/* dir/name: a copy of the data directory's file `from` with `extra` appended */
static char *copy_with(const char *dir, const char *name, const char *from, const char *extra)
{
    char *source = gpi_path_join(gp_datadir(), from);
    unsigned char *text = NULL;
    size_t len = 0;
    gp_error err = {0};
    assert_true(gpi_read_file(source, 1 << 20, &text, &len, &err));
    char *path = gpi_path_join(dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fwrite(text, 1, len, f);
    fputs(extra, f);
    fclose(f);
    free(text);
    free(source);
    return path;
}

/* inih reads a line longer than its buffer as two: the long line is named
 * (with the way to split it) instead of being half obeyed, and a list split
 * over continuation lines reads as one list */
static void profile_long_line_named_and_continuation_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/gp-profile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    /* the generic profile, reading the roster-fields.ini beside it */
    char *profile = copy_with(dir, "p.ini", "profiles/generic.ini", "");
    gpi_buf line = {0};
    gpi_buf_puts(&line, "\n[sex]\nvalues = 未知");
    for (int i = 0; i < 40; i++)
        gpi_buf_printf(&line, ", 其他%02d", i);
    gpi_buf_puts(&line, "\n");
    assert_true(line.len > 300);
    char *fields = copy_with(dir, "roster-fields.ini", "roster-fields.ini", line.data);
    gp_error err = {0};
    assert_null(gp_profile_load(profile, &err));
    assert_int_equal(err.status, GP_ERR_USAGE);
    assert_non_null(strstr(err.message, "roster-fields.ini"));
    assert_non_null(strstr(err.message, "行太长"));
    assert_non_null(strstr(err.message, "接续的行以空格开头"));
    unlink(fields);
    free(fields);

    /* the same list, one value per continuation line: added to 男, 女 */
    gpi_buf split = {0};
    gpi_buf_puts(&split, "\n[sex]\nvalues = 未知");
    for (int i = 0; i < 40; i++)
        gpi_buf_printf(&split, "\n  其他%02d", i);
    gpi_buf_puts(&split, "\n");
    fields = copy_with(dir, "roster-fields.ini", "roster-fields.ini", split.data);
    gp_profile *p = gp_profile_load(profile, &err);
    assert_non_null(p);
    assert_int_equal(p->sexes.count, 43);
    assert_string_equal(p->sexes.items[0], "男");
    assert_string_equal(p->sexes.items[2], "未知");
    assert_string_equal(p->sexes.items[42], "其他39");
    gp_profile_free(p);
    unlink(fields);
    free(fields);
    unlink(profile);
    free(profile);
    rmdir(dir);
    gpi_buf_free(&line);
    gpi_buf_free(&split);
}

static void lock_excludes_and_recovers(void **state)
{
    (void)state;
    char dir[] = "/tmp/gp-lock-XXXXXX";
    assert_non_null(mkdtemp(dir));
    gp_error err = {0};
    gpi_lock *first = gpi_lock_acquire(dir, &err);
    assert_non_null(first);
    /* a second holder (another open file description) is refused */
    assert_null(gpi_lock_acquire(dir, &err));
    assert_int_equal(err.status, GP_ERR_LOCKED);
    assert_non_null(strstr(err.message, "pid"));
    gp_error_clear(&err);
    gpi_lock_release(first);
    /* a lock left by a process that died is free again */
    pid_t child = fork();
    if (child == 0) {
        gp_error cerr = {0};
        _exit(gpi_lock_acquire(dir, &cerr) ? 0 : 1); /* dies holding it */
    }
    int status;
    waitpid(child, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    gpi_lock *again = gpi_lock_acquire(dir, &err);
    assert_non_null(again);
    gpi_lock_release(again);
    char *lockfile = gpi_path_join(dir, ".gradpack.lock");
    unlink(lockfile);
    free(lockfile);
    rmdir(dir);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char *path = gpi_path_join(dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    free(path);
}

static char *slurp(const char *dir, const char *name)
{
    char *path = gpi_path_join(dir, name);
    unsigned char *data = NULL;
    size_t len;
    gp_error err = {0};
    if (!gpi_read_file(path, 1000, &data, &len, &err))
        data = NULL;
    free(path);
    return (char *)data;
}

static void commit_set_all_or_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/gp-set-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_text(dir, "a.zip", "old a");
    write_text(dir, "b.xlsx", "old b");
    gp_error err = {0};
    gpi_atomic *set[3];
    const char *names[] = {"a.zip", "b.xlsx"};
    for (int i = 0; i < 2; i++) {
        char *path = gpi_path_join(dir, names[i]);
        set[i] = gpi_atomic_begin(path, true, &err);
        fprintf(gpi_atomic_stream(set[i], &err), "new %c", 'a' + i);
        free(path);
    }
    set[2] = NULL; /* skipped */
    assert_true(gpi_atomic_commit_set(set, 3, dir, &err));
    assert_null(set[0]);
    char *a = slurp(dir, "a.zip"), *b = slurp(dir, "b.xlsx");
    assert_string_equal(a, "new a");
    assert_string_equal(b, "new b");
    free(a);
    free(b);
    assert_int_equal(count_entries(dir), 2); /* no journal, no temp left */

    /* a run killed after its commit point: journal + temps remain */
    write_text(dir, ".a.zip.tmp-AAAAAA", "newer a");
    write_text(dir, ".b.xlsx.tmp-BBBBBB", "newer b");
    write_text(dir, ".gradpack-commit",
               ".a.zip.tmp-AAAAAA\ta.zip\n.b.xlsx.tmp-BBBBBB\tb.xlsx\n"
               ".evil.tmp-CCCCCC\t../escape\nno-tab-line\n");
    bool recovered = false;
    assert_true(gpi_atomic_recover(dir, &recovered, &err));
    assert_true(recovered);
    a = slurp(dir, "a.zip");
    b = slurp(dir, "b.xlsx");
    assert_string_equal(a, "newer a");
    assert_string_equal(b, "newer b");
    free(a);
    free(b);
    assert_int_equal(count_entries(dir), 2);
    /* nothing to do the second time */
    assert_true(gpi_atomic_recover(dir, &recovered, &err));
    assert_false(recovered);

    /* killed half-way through the renames: the first already moved */
    write_text(dir, "a.zip", "final a");
    write_text(dir, ".b.xlsx.tmp-DDDDDD", "final b");
    write_text(dir, ".gradpack-commit", ".a.zip.tmp-EEEEEE\ta.zip\n.b.xlsx.tmp-DDDDDD\tb.xlsx\n");
    assert_true(gpi_atomic_recover(dir, &recovered, &err));
    b = slurp(dir, "b.xlsx");
    a = slurp(dir, "a.zip");
    assert_string_equal(a, "final a");
    assert_string_equal(b, "final b");
    free(a);
    free(b);
    assert_int_equal(count_entries(dir), 2);

    char *pa = gpi_path_join(dir, "a.zip"), *pb = gpi_path_join(dir, "b.xlsx");
    unlink(pa);
    unlink(pb);
    free(pa);
    free(pb);
    rmdir(dir);
}

static char *escaped(const char *s, size_t len)
{
    gpi_buf buf = {0};
    gpi_escape_terminal(&buf, s, len);
    char *out = gpi_buf_take(&buf);
    return out ? out : strdup("");
}

/* Untrusted text shown to a clerk: controls, bidi overrides, non-characters
 * and bytes that are not UTF-8 become visible escapes; Chinese stays. */
static void terminal_escaping(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"济南函授站", 0, "济南函授站"},
        {"\x1b[2J\x1b[H结论", 0, "\\x1B[2J\\x1B[H结论"},
        {"a\nb\tc\x7f", 0, "a\\x0Ab\\x09c\\x7F"},
        {"gpj\xe2\x80\xae" "exe", 0, "gpj\\u202Eexe"},
        {"\xef\xbf\xbe\xef\xbf\xbf", 0, "\\uFFFE\\uFFFF"},
        {"\xc2\x9b" "31m", 0, "\\u009B31m"},          /* C1 CSI */
        {"\xff\xfeok", 0, "\\xFF\\xFEok"},          /* not UTF-8 */
        {"\xed\xa0\x80", 0, "\\xED\\xA0\\x80"},     /* a surrogate, CESU-style */
        {"a\0" "b", 3, "a\\x00b"},
        {"\xe2\x81\xa6x\xe2\x81\xa9", 0, "\\u2066x\\u2069"},
        /* invisible: a name that reads as another */
        {"station\xe2\x80\x8b-a", 0, "station\\u200B-a"},
        {"\xef\xbb\xbf\xc2\xad\xe3\x85\xa4", 0, "\\uFEFF\\u00AD\\u3164"},
        {"x\xf3\xa0\x81\x81", 0, "x\\uE0041"},           /* a tag character */
        /* a CJK ideographic variation selector chooses a glyph: kept */
        {"\xe8\x91\x9b\xf3\xa0\x84\x80", 0, "\xe8\x91\x9b\xf3\xa0\x84\x80"},
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(cases); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        char *out = escaped(cases[i].in, len);
        if (strcmp(out, cases[i].out) != 0)
            fail_msg("case %zu: got \"%s\", expected \"%s\"", i, out, cases[i].out);
        assert_int_equal(gpi_needs_escape(cases[i].in, len), strcmp(cases[i].in, out) != 0);
        free(out);
    }
    assert_true(gpi_codepoint_unsafe(0x1FFFE));
    assert_true(gpi_codepoint_unsafe(0xFDD0));
    assert_false(gpi_codepoint_unsafe(0x4E2D)); /* 中 */
    assert_false(gpi_codepoint_unsafe(0xFFFD));
    assert_true(gpi_codepoint_unsafe(0x200D));
    assert_false(gpi_codepoint_unsafe(0xFE0F)); /* variation selector */
    assert_false(gpi_codepoint_unsafe(0x3000)); /* ideographic space: visible width */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(terminal_escaping),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(trim_and_fullwidth),
        cmocka_unit_test(buffer_grows),
        cmocka_unit_test(atomic_outputs),
        cmocka_unit_test(read_file_limit),
        cmocka_unit_test(error_first_wins),
        cmocka_unit_test(pool_runs_each_index_once),
        cmocka_unit_test(profile_loads),
        cmocka_unit_test(profile_rejects_bad_values),
        cmocka_unit_test(profile_long_line_named_and_continuation_read),
        cmocka_unit_test(lock_excludes_and_recovers),
        cmocka_unit_test(commit_set_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
