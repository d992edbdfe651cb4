/*
 * fuzz_workbook.c — libFuzzer harness for the workbook readers (.xlsx with
 * libzip + libxml2, .xls with libfreexl) and the roster path behind them
 * (sheet choice, title rows, stored types, field rules) and verify's
 * workbook comparison: any bytes must come back as findings, never a crash,
 * hang or leak.  The first byte picks the reader so that both are reached
 * from any corpus; the rest is the file.  Build with tests/fuzz/build.sh;
 * seed with workbooks (gradpack template, pack, openpyxl):
 *   ./build-fuzz/fuzz_workbook -max_len=1048576 corpus-workbook
 * .xls files are read by libfreexl in a child process (xls_reader.c): when
 * libfreexl crashes there (it does, in its text conversion), the forked copy
 * of libFuzzer writes a crash-* file and the run goes on.  Only a run that
 * stops is a crash of gradpack itself.
 */
#include "core/profile.h"
#include "roster/roster.h"
#include "roster/reading.h"
#include "roster/workbook_reader.h"
#include "verify/verify_internal.h"

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
    if (size < 1)
        return 0;
    gp_report *report = gp_report_new("fuzz");
    gp_error err = {0};
    const char *file = (const char *)data + 1;
    size_t len = size - 1;
    if (data[0] & 1) {
        /* straight to one reader, whatever the magic says */
        workbook_failure f;
        workbook *wb = workbook_read(data[0] & 2 ? WORKBOOK_XLS : WORKBOOK_XLSX, file, len, &f);
        workbook_free(wb);
    } else if (data[0] & 2) {
        static const char csv[] = "\xEF\xBB\xBF拍摄序号,学历层次,学号,姓名,性别,身份证号,所在校别,"
                                  "院校代码,学校名称\r\n";
        verify_workbook("fuzz.zip", file, len, csv, sizeof csv - 1, NULL, 0, report, &err);
    } else {
        gpi_roster *roster = roster_parse_any(file, len, "fuzz.xlsx", NULL,
                                             data[0] & 4 ? "2" : NULL, profile, report, &err);
        if (roster && roster->usable)
            gpi_roster_apply_rules(roster, profile, "fuzz.xlsx", report);
        gpi_roster_free(roster);
    }
    gp_report_free(report);
    return 0;
}
