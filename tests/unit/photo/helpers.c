/* See helpers.h. */
#include "helpers.h"
#include "core/base.h"
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

gp_profile *load_profile(void)
{
    gp_error err = {0};
    gp_profile *profile = gp_profile_load(GP_DEFAULT_PROFILE, &err);
    if (!profile)
        fail_msg("profile: %s", err.message);
    return profile;
}

void make_photo(const photogen_options *options, photogen_result *out)
{
    char why[256] = "";
    if (!photogen_make(options, out, why, sizeof why))
        fail_msg("photogen: %s", why);
}

gp_report *judge_bytes(const unsigned char *data, size_t len, const gp_profile *profile,
                       gpi_jpeg_info *info)
{
    gpi_jpeg_info local;
    if (!info)
        info = &local;
    gpi_jpeg_inspect(data, len, info);
    gp_report *report = gp_report_new("check");
    assert_non_null(report);
    gpi_where where = {.seq = "0001", .file = "0001.jpg"};
    int errors = gpi_photo_judge(info, len, profile, &where, report);
    assert_int_equal((size_t)errors, gp_report_count_severity(report, GP_ERROR));
    return report;
}

gp_report *judge_options(const photogen_options *options, const gp_profile *profile,
                         gpi_jpeg_info *info)
{
    photogen_result r;
    make_photo(options, &r);
    gp_report *report = judge_bytes(r.data, r.len, profile, info);
    photogen_result_free(&r);
    return report;
}

const gp_finding *find_code(const gp_report *report, gp_code code)
{
    for (size_t i = 0; i < gp_report_count(report); i++)
        if (gp_report_get(report, i)->code == code)
            return gp_report_get(report, i);
    return NULL;
}

size_t count_code(const gp_report *report, gp_code code)
{
    size_t n = 0;
    for (size_t i = 0; i < gp_report_count(report); i++)
        n += gp_report_get(report, i)->code == code;
    return n;
}

static void print_findings(const gp_report *report)
{
    for (size_t i = 0; i < gp_report_count(report); i++) {
        const gp_finding *f = gp_report_get(report, i);
        print_message("  %s: %s\n", gp_code_name(f->code), f->message ? f->message : "");
    }
}

void assert_codes(const gp_report *report, ...)
{
    va_list ap;
    va_start(ap, report);
    size_t expected = 0;
    for (int code = va_arg(ap, int); code != GP_CODE_COUNT; code = va_arg(ap, int)) {
        expected++;
        if (count_code(report, (gp_code)code) != 1) {
            print_findings(report);
            va_end(ap);
            fail_msg("expected exactly one %s", gp_code_name((gp_code)code));
        }
    }
    va_end(ap);
    if (gp_report_count(report) != expected) {
        print_findings(report);
        fail_msg("expected %zu findings, got %zu", expected, gp_report_count(report));
    }
}

char *temp_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = gpi_asprintf("%s/gp-photo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

void remove_dir(char *dir)
{
    if (dir)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}
