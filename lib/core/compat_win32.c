/* The C library functions mingw-w64 lacks (compat_win32.h). */
#include "compat_win32.h"
#include "os.h"

#include <windows.h>

#include <errno.h>
#include <stdlib.h>

#undef strndup
#undef qsort_r
#undef memmem
#undef realpath
#undef pread

char *gpi_compat_strndup(const char *s, size_t n)
{
    size_t len = 0;
    while (len < n && s[len])
        len++;
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* A merge sort (stable, O(n log n)) with glibc's qsort_r argument order. */
static void merge_sort(char *base, char *tmp, size_t count, size_t size,
                       int (*compare)(const void *, const void *, void *), void *arg)
{
    if (count < 2)
        return;
    size_t half = count / 2;
    merge_sort(base, tmp, half, size, compare, arg);
    merge_sort(base + half * size, tmp, count - half, size, compare, arg);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < count) {
        if (compare(base + j * size, base + i * size, arg) < 0)
            memcpy(tmp + k++ * size, base + j++ * size, size);
        else
            memcpy(tmp + k++ * size, base + i++ * size, size);
    }
    while (i < half)
        memcpy(tmp + k++ * size, base + i++ * size, size);
    while (j < count)
        memcpy(tmp + k++ * size, base + j++ * size, size);
    memcpy(base, tmp, count * size);
}

void gpi_compat_qsort_r(void *base, size_t count, size_t size,
                       int (*compare)(const void *, const void *, void *), void *arg)
{
    if (count < 2 || size == 0)
        return;
    char *tmp = malloc(count * size);
    if (tmp) {
        merge_sort(base, tmp, count, size, compare, arg);
        free(tmp);
        return;
    }
    /* no memory for the buffer: insertion sort in place */
    char *b = base;
    char swap[256];
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && compare(b + (j - 1) * size, b + j * size, arg) > 0; j--)
            for (size_t off = 0; off < size; off += sizeof swap) {
                size_t n = size - off < sizeof swap ? size - off : sizeof swap;
                memcpy(swap, b + (j - 1) * size + off, n);
                memcpy(b + (j - 1) * size + off, b + j * size + off, n);
                memcpy(b + j * size + off, swap, n);
            }
}

void gpi_compat_explicit_bzero(void *p, size_t n)
{
    SecureZeroMemory(p, n);
}

struct tm *gpi_compat_localtime_r(const time_t *t, struct tm *out)
{
    return localtime_s(out, t) == 0 ? out : NULL;
}

struct tm *gpi_compat_gmtime_r(const time_t *t, struct tm *out)
{
    return gmtime_s(out, t) == 0 ? out : NULL;
}

void *gpi_compat_memmem(const void *haystack, size_t haystack_len, const void *needle,
                       size_t needle_len)
{
    return (void *)gpi_os_memmem(haystack, haystack_len, needle, needle_len);
}

char *gpi_compat_realpath(const char *path, char *resolved)
{
    char *r = gpi_os_realpath(path);
    if (!r || !resolved)
        return r;
    size_t n = strlen(r);
    if (n >= 260) { /* PATH_MAX of a caller's buffer */
        free(r);
        errno = ENAMETOOLONG;
        return NULL;
    }
    memcpy(resolved, r, n + 1);
    free(r);
    return resolved;
}

long gpi_compat_sysconf(int name)
{
    if (name != _SC_NPROCESSORS_ONLN) {
        errno = EINVAL;
        return -1;
    }
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return (long)info.dwNumberOfProcessors;
}

long long gpi_compat_pread(int fd, void *buf, size_t len, long long offset)
{
    return gpi_os_read_offset(fd, buf, len, (uint64_t)offset);
}

/* Files are binary: open() and fopen() without O_BINARY / "b" would turn
 * "\n" into "\r\n" in the zip, the workbook and every other output. */
__attribute__((constructor)) static void binary_files(void)
{
    _fmode = _O_BINARY;
}
