/* host.c — the host program's platform (gradpack.h, "The host program's
 * platform"): the public face of the os layer's host calls, so that the
 * command-line tool holds no platform code of its own. */
#include "core/base.h"
#include "core/os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gp_host_init(int *argc, char ***argv)
{
    gpi_os_host_args(argc, argv);
}

bool gp_path_is_directory(const char *path)
{
    gpi_os_stat st;
    return path && gpi_os_stat_path(path, true, &st) == 0 && st.type == GPI_OS_DIRECTORY;
}

char *gp_path_absolute(const char *path)
{
    return path ? gpi_os_absolute_path(path) : NULL;
}

bool gp_open_for_user(const char *path)
{
    const char *off = gpi_os_getenv("GRADPACK_NO_OPEN");
    if (!path || off)
        return false;
    return gpi_os_open_for_user(path);
}

bool gp_console_closes_at_exit(void)
{
    return gpi_os_console_closes_at_exit();
}

bool gp_console_waits_for_any_key(void)
{
    return gpi_os_waits_for_any_key();
}

void gp_console_wait_for_key(void)
{
    gpi_os_wait_for_key();
}

bool gp_is_terminal(gp_std_stream stream)
{
    return (stream == GP_STDIN || stream == GP_STDOUT || stream == GP_STDERR) &&
           gpi_os_isatty((int)stream);
}

double gp_clock_seconds(void)
{
    return gpi_os_monotonic_seconds();
}

void gp_interrupt_print(const char *text)
{
    if (text && gpi_os_write_all(2, text, strlen(text)) != 0) {
        /* stderr is gone: nothing to tell */
    }
}

char **gp_folder_names(const char *folder, size_t max, size_t *count, bool *truncated,
                       gp_error *err)
{
    *count = 0;
    if (truncated)
        *truncated = false;
    int fd = folder ? gpi_os_dir_open(folder, true) : -1;
    if (fd < 0) {
        gpi_error_set(err, GP_ERR_OPEN, folder ? errno : EINVAL, "无法打开文件夹 '%s'：%s",
                      folder ? folder : "", gpi_os_strerror(folder ? errno : EINVAL));
        return NULL;
    }
    char **names = NULL;
    bool cut = false;
    int r = gpi_os_dir_list(fd, max, &names, count, &cut);
    int saved = errno;
    gpi_os_close(fd);
    if (r != 0) {
        gpi_error_set(err, saved == ENOMEM ? GP_ERR_NOMEM : GP_ERR_OPEN, saved,
                      "无法读出文件夹 '%s' 里的文件：%s", folder, gpi_os_strerror(saved));
        return NULL;
    }
    if (!names && !(names = calloc(1, sizeof *names))) {
        gpi_error_nomem(err);
        return NULL;
    }
    if (truncated)
        *truncated = cut;
    return names;
}

void gp_folder_names_free(char **names, size_t count)
{
    if (names)
        gpi_os_names_free(names, count);
}
