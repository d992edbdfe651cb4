/* xls_read on Windows.  xls_reader.c reads Excel 97–2003 workbooks with
 * freexl in a forked, resource-limited child process (a crash or hang in
 * freexl cannot take gradpack down); Windows has no fork, and reading the
 * format in-process would drop that protection.  Until a Windows child
 * process (CreateProcess + a job object with limits) does the same, the
 * Windows build refuses .xls with a clear way out: .xlsx and CSV are read
 * as everywhere else. */
#include "workbook_reader.h"

workbook *xls_read(const void *data, size_t len, workbook_failure *f)
{
    (void)data, (void)len;
    workbook_failed(f, WB_DAMAGED,
                    "Windows 版 gradpack 不读取 Excel 97–2003（.xls）工作簿："
                    "请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）或 CSV UTF-8 后再试");
    return NULL;
}
