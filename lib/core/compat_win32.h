/* compat_win32.h — the C library functions gradpack uses that mingw-w64's
 * CRT lacks (strndup, qsort_r, explicit_bzero, localtime_r, gmtime_r,
 * memmem, realpath, sysconf, pread, fsync, lstat), as gnulib does: portable
 * C, declared here, defined in compat_win32.c.  Force-included into every
 * library source by lib/meson.build for Windows builds only, so the sources
 * themselves stay as they are.  Platform behaviour (files, links, locks,
 * signals) is not here: that is lib/core/os.h. */
#ifndef GPI_COMPAT_WIN32_H
#define GPI_COMPAT_WIN32_H
#ifdef _WIN32

#include <fcntl.h>
#include <io.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

char *gpi_compat_strndup(const char *s, size_t n);
void gpi_compat_qsort_r(void *base, size_t count, size_t size,
                       int (*compare)(const void *, const void *, void *), void *arg);
void gpi_compat_explicit_bzero(void *p, size_t n);
struct tm *gpi_compat_localtime_r(const time_t *t, struct tm *out);
struct tm *gpi_compat_gmtime_r(const time_t *t, struct tm *out);
void *gpi_compat_memmem(const void *haystack, size_t haystack_len, const void *needle,
                       size_t needle_len);
char *gpi_compat_realpath(const char *path, char *resolved);
long gpi_compat_sysconf(int name);
long long gpi_compat_pread(int fd, void *buf, size_t len, long long offset);

#define strndup gpi_compat_strndup
#define qsort_r gpi_compat_qsort_r
#define explicit_bzero gpi_compat_explicit_bzero
#define localtime_r gpi_compat_localtime_r
#define gmtime_r gpi_compat_gmtime_r
#define memmem gpi_compat_memmem
#define realpath gpi_compat_realpath
#define sysconf gpi_compat_sysconf
#define pread gpi_compat_pread
#define fsync _commit
#define _SC_NPROCESSORS_ONLN 84
/* Windows has no symbolic-link mode bits in stat(): links are reparse
 * points, refused where it matters by lib/core/os_win32.c. */
#define lstat(path, st) stat(path, st)
#ifndef S_ISLNK
#define S_ISLNK(m) 0
#endif
/* The Unix file-type bits, as zip archives carry them (same values as
 * mingw's S_IFMT, S_IFREG and S_IFDIR). */
#ifndef S_IFLNK
#define S_IFLNK 0120000
#endif
#ifndef S_IFSOCK
#define S_IFSOCK 0140000
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC _O_NOINHERIT
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif

#endif /* _WIN32 */
#endif
