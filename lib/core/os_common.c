/* The parts of lib/core/os.h that are the same logic on every platform,
 * built on the system calls os_posix.c / os_win32.c make.  Nothing here
 * calls the system directly: contracts are in os.h. */
#include "os.h"
#include "core/os_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One path component, in bytes (NAME_MAX on Linux, macOS and the BSDs). */
#define NAME_MAX_BYTES 255

const char *gpi_os_type_name(gpi_os_type type)
{
    switch (type) {
    case GPI_OS_MISSING: return "不存在";
    case GPI_OS_REGULAR: return "普通文件";
    case GPI_OS_DIRECTORY: return "文件夹";
    case GPI_OS_SYMLINK: return "符号链接";
    case GPI_OS_FIFO: return "命名管道（FIFO）";
    case GPI_OS_DEVICE: return "设备文件";
    case GPI_OS_SOCKET: return "套接字";
    case GPI_OS_OTHER: break;
    }
    return "特殊文件";
}

const char *gpi_os_strerror(int sys_errno)
{
    if (sys_errno == GPI_OS_ENOTREG)
        return "不是普通文件（可能是命名管道或设备）";
    if (sys_errno == ELOOP)
        return "是符号链接";
    return gpi_os_errno_words(sys_errno);
}

/* ---- inputs below a directory ------------------------------------------------ */

int gpi_os_stat_at(int dir_fd, const char *name, gpi_os_stat *st)
{
    return gpi_os_stat_at_ex(dir_fd, name, false, st);
}

int gpi_os_open_read_at(int dir_fd, const char *name, gpi_os_stat *st)
{
    return gpi_os_open_read_at_ex(dir_fd, name, false, st);
}

/* One component at a time, each opened relative to the one before, so that
 * no link is followed anywhere on the way down. */
int gpi_os_open_read_beneath(int dir_fd, const char *relpath, gpi_os_stat *st)
{
    memset(st, 0, sizeof *st);
    int at = dir_fd;
    const char *p = relpath;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        char name[NAME_MAX_BYTES + 1];
        if (n == 0 || n > NAME_MAX_BYTES || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.')) {
            if (at != dir_fd)
                gpi_os_close(at);
            errno = EINVAL;
            return -1;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        if (!slash) {
            int fd = gpi_os_open_read_at(at, name, st);
            int e = errno;
            if (at != dir_fd)
                gpi_os_close(at);
            errno = e;
            return fd;
        }
        int sub = gpi_os_dir_open_at(at, name);
        int e = errno;
        if (sub < 0)
            gpi_os_stat_at(at, name, st); /* what is there, for the caller's message */
        if (at != dir_fd)
            gpi_os_close(at);
        if (sub < 0) {
            errno = e;
            return -1;
        }
        at = sub;
        p = slash + 1;
    }
}

/* ---- directory listings ------------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void gpi_os_names_free(char **names, size_t count)
{
    for (size_t i = 0; names && i < count; i++)
        free(names[i]);
    free(names);
}

int gpi_os_name_list_room(gpi_os_name_list *list)
{
    if (list->max && list->count == list->max) {
        list->truncated = true;
        return 0;
    }
    if (list->count == list->cap) {
        size_t grown_cap = list->cap ? list->cap * 2 : 64;
        char **grown = realloc(list->names, grown_cap * sizeof *grown);
        if (!grown)
            return -1;
        list->names = grown;
        list->cap = grown_cap;
    }
    return 1;
}

int gpi_os_name_list_end(gpi_os_name_list *list, int sys_errno, char ***names_out,
                         size_t *count_out, bool *truncated)
{
    if (truncated)
        *truncated = list->truncated;
    if (sys_errno) {
        gpi_os_names_free(list->names, list->count);
        errno = sys_errno;
        return -1;
    }
    if (list->count)
        qsort(list->names, list->count, sizeof *list->names, compare_names);
    *names_out = list->names;
    *count_out = list->count;
    return 0;
}

/* ---- outputs -------------------------------------------------------------------- */

int gpi_os_create_temp(char *path, unsigned mode)
{
    size_t len = strlen(path);
    if (len < 6 || strcmp(path + len - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        if (gpi_os_temp_fill(path) != 0)
            return -1;
        int fd = gpi_os_create_exclusive(path, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* ---- odds and ends -------------------------------------------------------------- */

bool gpi_os_same_file(const char *a, const char *b)
{
    gpi_os_stat sa, sb;
    return gpi_os_stat_path(a, true, &sa) == 0 && gpi_os_stat_path(b, true, &sb) == 0 &&
           sa.dev == sb.dev && sa.ino == sb.ino;
}

const char *gpi_os_getenv(const char *name)
{
    return getenv(name);
}
