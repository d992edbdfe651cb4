/*
 * fuzz_roster.c — libFuzzer harness for the roster reader (encoding
 * detection, CSV records, header mapping, field rules): any bytes must come
 * back as findings, never a crash, hang or leak.  Build with
 * tests/fuzz/build.sh; run: ./build-fuzz/fuzz_roster -max_len=65536 corpus-roster
 */
#include "core/profile.h"
#include "roster/roster.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_profile *profile;
    if (!profile) {
        gp_error err = {0};
        profile = gp_profile_load(GP_DEFAULT_PROFILE, &err);
        if (!profile)
            abort(); /* run from the source root, or set GRADPACK_DATADIR */
    }
    gp_report *report = gp_report_new("fuzz");
    gp_error err = {0};
    gpi_roster *roster = gpi_roster_parse((const char *)data, size, "fuzz.csv", NULL, profile,
                                        report, &err);
    if (roster && roster->usable)
        gpi_roster_apply_rules(roster, profile, "fuzz.csv", report);
    gpi_roster_free(roster);
    gp_report_free(report);
    return 0;
}
