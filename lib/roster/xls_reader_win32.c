/* xls_read on Windows: .xls is refused, with the way out for the clerk.
 *
 * xls_reader.c reads Excel 97–2003 workbooks with freexl in a forked,
 * resource-limited child process, because libfreexl 1.0.6 is not
 * memory-safe on hostile files (our fuzzer found a stack buffer underflow
 * in it within seconds): a crash or hang there must not take gradpack down.
 * Windows has no fork, and calling freexl in-process would drop exactly
 * that protection, so it is not done.  The Windows equivalent is a child
 * gradpack.exe (CreateProcessW of the running exe with a hidden internal
 * subcommand, in a job object with JOB_OBJECT_LIMIT_PROCESS_MEMORY and a
 * CPU-time limit, the workbook passed through a temporary file since freexl
 * opens by path, the cells back through a pipe as xls_reader.c's child
 * sends them); until that exists the clerk saves the roster as .xlsx, which
 * is read as everywhere else.  The finding is roster.workbook.unreadable;
 * detail (at most 255 bytes) is its "actual" and the end of its message. */
#include "workbook_reader.h"

workbook *xls_read(const void *data, size_t len, workbook_failure *f)
{
    (void)data, (void)len;
    workbook_failed(f, WB_DAMAGED,
                    "Windows 版 gradpack 不读取 Excel 97–2003 格式（.xls）的花名册。"
                    "请用 Excel 或 WPS 打开它，“另存为”Excel 工作簿（.xlsx），再检查一次");
    return NULL;
}
