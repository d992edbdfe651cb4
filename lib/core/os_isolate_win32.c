/* os_isolate_win32.c — isolated work on Windows: not available yet.
 *
 * The equivalent of os_isolate_posix.c is a child gradpack.exe
 * (CreateProcessW of the running exe with a hidden internal subcommand) in a
 * job object with JOB_OBJECT_LIMIT_PROCESS_MEMORY and a CPU-time limit, the
 * input in a temporary file, the answer through a pipe.  Until then callers
 * get GPI_ISOLATED_UNSUPPORTED and say so (the .xls reader asks the clerk to
 * save the roster as .xlsx); no hostile-input parser runs unisolated. */
#include "core/os.h"

gpi_os_isolated_status gpi_os_run_isolated(gpi_os_isolated_fn fn, void *context,
                                           unsigned seconds, uint64_t memory, size_t max_out,
                                           unsigned char **out, size_t *out_len)
{
    (void)fn, (void)context, (void)seconds, (void)memory, (void)max_out;
    *out = NULL;
    *out_len = 0;
    return GPI_ISOLATED_UNSUPPORTED;
}

int gpi_os_memory_file(const void *data, size_t len, char *path, size_t path_size)
{
    (void)data, (void)len;
    if (path_size)
        path[0] = '\0';
    return -1;
}

void gpi_os_memory_file_close(int handle)
{
    (void)handle;
}
