/* isolated_tasks.c — the library's isolated tasks (gpi_os_run_isolated,
 * lib/core/os.h) by name, and the public entry of the child that runs one
 * (gp_run_isolated_child).  On Windows the child is a new process of the
 * host program, which finds its work here by the name on its command line.
 * Today the only task is roster's .xls reader; a task of another area would
 * move this table up to the lowest area that sees them all. */
#include "gradpack.h"
#include "core/base.h"
#include "core/os.h"
#include "roster/workbook_reader.h"

static const gpi_os_isolated_task *const tasks[] = {
    &xls_task, /* libfreexl, xls_reader.c */
};

bool gp_run_isolated_child(int argc, char **argv, int *exit_code)
{
    int code = 0;
    bool child = gpi_os_isolated_child(argc, argv, tasks, GPI_ARRAY_LEN(tasks), &code);
    if (child && exit_code)
        *exit_code = code;
    return child;
}
