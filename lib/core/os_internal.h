/* What os_common.c and the two platform files (os_posix.c, os_win32.c)
 * share, and nothing else includes: the pieces of lib/core/os.h that are
 * the same logic on every platform live once in os_common.c, on top of the
 * real system calls each platform file keeps. */
#ifndef GPI_OS_INTERNAL_H
#define GPI_OS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/** The platform's own words for an errno that is neither GPI_OS_ENOTREG
 *  nor ELOOP (the tail of gpi_os_strerror).  Static or per-thread text. */
const char *gpi_os_errno_words(int sys_errno);

/* The names gpi_os_dir_list collects, read in by the platform's directory
 * walk:
 *     gpi_os_name_list list = {.max = max};
 *     for each name other than "." and "..":
 *         if (gpi_os_name_list_room(&list) <= 0) -> stop (full, or ENOMEM)
 *         list.names[list.count] = a malloc'd copy of the name; list.count++
 *     return gpi_os_name_list_end(&list, error, ...);  */
typedef struct gpi_os_name_list {
    char **names;
    size_t count, cap;
    size_t max;     /* 0: no limit */
    bool truncated; /* set when a name was left out for max */
} gpi_os_name_list;

/** 1: there is a slot for one more name (names[count]); 0: max names are
 *  in (truncated is set); -1: out of memory. */
int gpi_os_name_list_room(gpi_os_name_list *list);
/** The end of the walk.  sys_errno 0: the names sorted byte-wise are
 *  handed over (0).  Otherwise they are freed, -1 with errno = sys_errno. */
int gpi_os_name_list_end(gpi_os_name_list *list, int sys_errno, char ***names_out,
                         size_t *count_out, bool *truncated);

#ifdef _WIN32
#include <wchar.h>
#include <windows.h>
/** The running executable's path in UTF-16 (GetModuleFileNameW, any
 *  length), malloc'd; NULL on failure.  os_win32.c; the isolated child is
 *  started from it (os_isolate_win32.c). */
wchar_t *gpi_os_exe_path_wide(void);
/** Write all of buf to the handle (a file or a pipe); 0, or -1 with errno.
 *  os_win32.c; gpi_os_write_all on an fd, and the isolated child's pipes. */
int gpi_os_write_handle_all(HANDLE h, const void *buf, size_t len);
#endif

#endif /* GPI_OS_INTERNAL_H */
