/* Shared helpers for the roster unit tests (see helpers.h). */
#include "helpers.h"
#include "core/base.h"
#include "core/files.h"
#include "core/profile.h"
#include "roster/roster.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

gp_profile *load_profile(const char *name)
{
    gp_error err = {0};
    gp_profile *profile = gp_profile_load(name, &err);
    if (!profile)
        fail_msg("profile %s: %s", name, err.message);
    return profile;
}

void make_id(char out[19], const char *region, const char *date, int sequence)
{
    snprintf(out, 19, "%.6s%.8s%03d", region, date, sequence % 1000);
    out[17] = gpi_id_check_char(out);
    out[18] = '\0';
}

void append_cells(gpi_buf *csv, const char *const cells[9], const char *eol)
{
    for (int i = 0; i < 9; i++)
        gpi_buf_printf(csv, "%s%s", i ? "," : "", cells[i]);
    gpi_buf_puts(csv, eol);
}

void append_row(gpi_buf *csv, int n, const char *seq, const char *eol)
{
    char id[19], student_no[32], date[16];
    snprintf(date, sizeof date, "19%02d%02d%02d", 70 + n % 30, 1 + n % 12, 1 + n % 28);
    make_id(id, "370303", date, (n * 2 + 1) % 1000); /* odd: male */
    snprintf(student_no, sizeof student_no, "2019%06d", n);
    const char *cells[9] = {seq, n % 2 ? "成人专科" : "成人本科", student_no, "张三",
                            "男", id, "普通高校", "10433", "山东理工大学"};
    append_cells(csv, cells, eol);
}

gpi_roster *parse_text(const char *text, size_t len, const char *encoding,
                      const gp_profile *profile, gp_report **report)
{
    *report = gp_report_new("check");
    assert_non_null(*report);
    gp_error err = {0};
    gpi_roster *roster = gpi_roster_parse(text, len, "roster.csv", encoding, profile, *report, &err);
    if (!roster)
        fail_msg("gpi_roster_parse failed: %s", err.message);
    return roster;
}

gpi_roster *parse_and_judge(const char *text, const gp_profile *profile, gp_report **report)
{
    gpi_roster *roster = parse_text(text, strlen(text), NULL, profile, report);
    assert_true(roster->usable);
    gpi_roster_apply_rules(roster, profile, "roster.csv", *report);
    return roster;
}

const gp_finding *find_code(const gp_report *report, gp_code code, int row)
{
    for (size_t i = 0; i < gp_report_count(report); i++) {
        const gp_finding *f = gp_report_get(report, i);
        if (f->code == code && (row <= 0 || f->row == row))
            return f;
    }
    return NULL;
}

size_t count_code(const gp_report *report, gp_code code)
{
    size_t n = 0;
    for (size_t i = 0; i < gp_report_count(report); i++)
        n += gp_report_get(report, i)->code == code;
    return n;
}

char *temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *dir = gpi_asprintf("%s/gp-roster-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *path = gpi_path_join(dir, e->d_name);
            if (path)
                unlink(path);
            free(path);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}
