/* The Windows side of lib/core/os.h (Win32, built with mingw-w64).
 * Contracts are in os.h; the "Windows:" notes there say what is best-effort.
 *
 * Paths are UTF-8 inside gradpack and converted to UTF-16 here, at the
 * boundary, for the W functions: Chinese file and folder names work on every
 * Windows version whatever the system code page.  fds are CRT fds wrapping
 * Win32 handles (_open_osfhandle); a directory fd wraps a directory handle
 * opened with FILE_FLAG_BACKUP_SEMANTICS, and names beneath it are reached
 * through its final path (GetFinalPathNameByHandleW).  What is the same on
 * every platform is in os_common.c. */
#define _CRT_RAND_S /* rand_s */
#include "os.h"
#include "core/os_internal.h"

#include <windows.h>
#include <conio.h>
#include <shellapi.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- UTF-8 <-> UTF-16 ------------------------------------------------------ */

static wchar_t *widen(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0) {
        errno = EINVAL;
        return NULL;
    }
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w) {
        errno = ENOMEM;
        return NULL;
    }
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
    /* forward slashes are separators to Win32, except after \\?\ */
    for (wchar_t *p = w; *p; p++)
        if (*p == L'/')
            *p = L'\\';
    return w;
}

static char *narrow(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0) {
        errno = EINVAL;
        return NULL;
    }
    char *s = malloc((size_t)n);
    if (!s) {
        errno = ENOMEM;
        return NULL;
    }
    WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

/* UTF-16 to UTF-8 with '\\' turned into '/', as gradpack writes paths. */
static char *narrow_slashed(const wchar_t *w)
{
    char *s = narrow(w);
    for (char *p = s; p && *p; p++)
        if (*p == '\\')
            *p = '/';
    return s;
}

static int fail_win(DWORD e)
{
    switch (e) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
        errno = ENOENT;
        break;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_WRITE_PROTECT:
        errno = EACCES;
        break;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        errno = EEXIST;
        break;
    case ERROR_DIRECTORY:
        errno = ENOTDIR;
        break;
    case ERROR_LOCK_VIOLATION:
        errno = EWOULDBLOCK;
        break;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        errno = ENOMEM;
        break;
    case ERROR_INVALID_NAME:
    case ERROR_INVALID_PARAMETER:
        errno = EINVAL;
        break;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        errno = ENOSPC;
        break;
    case ERROR_CANT_RESOLVE_FILENAME:
        errno = ELOOP;
        break;
    default:
        errno = EIO;
        break;
    }
    return -1;
}

static int fail_last(void)
{
    return fail_win(GetLastError());
}

/* free(p) keeping errno; returns r: the tail of every call on a converted
 * path. */
static int free_keep_errno(void *p, int r)
{
    int e = errno;
    free(p);
    errno = e;
    return r;
}

/* ---- describing handles ----------------------------------------------------- */

static void clear_stat(gpi_os_stat *st)
{
    memset(st, 0, sizeof *st);
}

/* 100 ns ticks since 1601 -> seconds and nanoseconds since 1970 */
static void from_filetime(FILETIME ft, int64_t *sec, long *nsec)
{
    uint64_t t = ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    const uint64_t epoch = 116444736000000000ull;
    int64_t rel = (int64_t)(t - epoch);
    int64_t s = rel / 10000000;
    int64_t r = rel % 10000000;
    if (r < 0) {
        r += 10000000;
        s--;
    }
    *sec = s;
    *nsec = (long)(r * 100);
}

static int stat_handle(HANDLE h, gpi_os_stat *st)
{
    clear_stat(st);
    DWORD ft = GetFileType(h);
    if (ft == FILE_TYPE_PIPE) {
        st->type = GPI_OS_FIFO;
        return 0;
    }
    if (ft == FILE_TYPE_CHAR) {
        st->type = GPI_OS_DEVICE;
        return 0;
    }
    if (ft != FILE_TYPE_DISK) {
        st->type = GPI_OS_OTHER;
        return 0;
    }
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(h, &info))
        return fail_last();
    DWORD a = info.dwFileAttributes;
    if (a & FILE_ATTRIBUTE_REPARSE_POINT)
        st->type = GPI_OS_SYMLINK;
    else if (a & FILE_ATTRIBUTE_DIRECTORY)
        st->type = GPI_OS_DIRECTORY;
    else
        st->type = GPI_OS_REGULAR;
    if (st->type == GPI_OS_REGULAR)
        st->size = ((uint64_t)info.nFileSizeHigh << 32) | info.nFileSizeLow;
    st->mode = (a & FILE_ATTRIBUTE_DIRECTORY) ? 0755 : (a & FILE_ATTRIBUTE_READONLY) ? 0444 : 0644;
    from_filetime(info.ftLastWriteTime, &st->mtime_sec, &st->mtime_nsec);
    st->dev = info.dwVolumeSerialNumber;
    st->ino = ((uint64_t)info.nFileIndexHigh << 32) | info.nFileIndexLow;
    return 0;
}

static HANDLE fd_handle(int fd)
{
    return (HANDLE)_get_osfhandle(fd);
}

/* A CRT fd wrapping h (which it then owns), or -1 with h closed. */
static int handle_fd(HANDLE h, int crt_flags)
{
    int fd = _open_osfhandle((intptr_t)h, crt_flags | _O_NOINHERIT);
    if (fd < 0) {
        CloseHandle(h);
        errno = EMFILE;
    }
    return fd;
}

/* The common tail of opening an input or a directory: h must be of type
 * `want` (a link fails with ELOOP, anything else with wrong_errno), then it
 * becomes a CRT fd.  -1 with h closed otherwise. */
static int handle_fd_of_type(HANDLE h, gpi_os_stat *st, gpi_os_type want, int wrong_errno,
                             int crt_flags)
{
    bool ok = stat_handle(h, st) == 0; /* errno set when not */
    if (ok && st->type != want) {
        errno = st->type == GPI_OS_SYMLINK ? ELOOP : wrong_errno;
        ok = false;
    }
    if (!ok) {
        int e = errno;
        CloseHandle(h);
        errno = e;
        return -1;
    }
    return handle_fd(h, crt_flags);
}

/* The UTF-16 path of an open directory (\\?\C:\...), malloc'd. */
static wchar_t *handle_path(HANDLE h)
{
    DWORD n = GetFinalPathNameByHandleW(h, NULL, 0, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (n == 0) {
        fail_last();
        return NULL;
    }
    wchar_t *w = malloc(((size_t)n + 1) * sizeof *w);
    if (!w) {
        errno = ENOMEM;
        return NULL;
    }
    DWORD got = GetFinalPathNameByHandleW(h, w, n + 1, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (got == 0 || got > n) {
        free(w);
        fail_last();
        return NULL;
    }
    return w;
}

/* dir_fd's path + '\' + name (one component), malloc'd UTF-16. */
static wchar_t *path_at(int dir_fd, const char *name)
{
    if (!*name || strchr(name, '/') || strchr(name, '\\') || strchr(name, ':')) {
        errno = EINVAL;
        return NULL;
    }
    wchar_t *dir = handle_path(fd_handle(dir_fd));
    if (!dir)
        return NULL;
    wchar_t *wname = widen(name);
    if (!wname) {
        free(dir);
        return NULL;
    }
    size_t a = wcslen(dir), b = wcslen(wname);
    wchar_t *w = malloc((a + b + 2) * sizeof *w);
    if (w) {
        memcpy(w, dir, a * sizeof *w);
        size_t at = a;
        if (at == 0 || w[at - 1] != L'\\')
            w[at++] = L'\\';
        memcpy(w + at, wname, (b + 1) * sizeof *w);
    } else {
        errno = ENOMEM;
    }
    free(dir);
    free(wname);
    return w;
}

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

/* CreateFileW on a UTF-8 path, shared with everyone: the handle, or
 * INVALID_HANDLE_VALUE with errno set. */
static HANDLE create_file(const char *path, DWORD access, DWORD disposition, DWORD flags)
{
    wchar_t *w = widen(path);
    if (!w)
        return INVALID_HANDLE_VALUE;
    HANDLE h = CreateFileW(w, access, SHARE_ALL, NULL, disposition, flags, NULL);
    DWORD e = GetLastError();
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        fail_win(e);
    return h;
}

/* Open for describing only (attributes), following or not. */
static HANDLE open_meta(const wchar_t *w, bool follow)
{
    return CreateFileW(w, FILE_READ_ATTRIBUTES, SHARE_ALL, NULL, OPEN_EXISTING,
                       FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
                       NULL);
}

static int stat_wide(const wchar_t *w, bool follow, gpi_os_stat *st)
{
    clear_stat(st);
    HANDLE h = open_meta(w, follow);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
            st->type = GPI_OS_MISSING;
        return fail_win(e);
    }
    int r = stat_handle(h, st);
    CloseHandle(h);
    return r;
}

int gpi_os_stat_path(const char *path, bool follow, gpi_os_stat *st)
{
    clear_stat(st);
    wchar_t *w = widen(path);
    if (!w)
        return -1;
    return free_keep_errno(w, stat_wide(w, follow, st));
}

int gpi_os_stat_fd(int fd, gpi_os_stat *st)
{
    HANDLE h = fd_handle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        clear_stat(st);
        errno = EBADF;
        return -1;
    }
    return stat_handle(h, st);
}

int gpi_os_stat_at_ex(int dir_fd, const char *name, bool follow_last, gpi_os_stat *st)
{
    clear_stat(st);
    wchar_t *w = path_at(dir_fd, name);
    if (!w)
        return -1;
    return free_keep_errno(w, stat_wide(w, follow_last, st));
}

/* ---- opening inputs ------------------------------------------------------------ */

static int open_input_wide(const wchar_t *w, bool follow, gpi_os_stat *st)
{
    clear_stat(st);
    HANDLE h = CreateFileW(w, GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS |
                               (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
                           NULL);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        stat_wide(w, false, st); /* what is there, for the caller's message */
        return fail_win(e);
    }
    return handle_fd_of_type(h, st, GPI_OS_REGULAR, GPI_OS_ENOTREG, _O_RDONLY | _O_BINARY);
}

int gpi_os_open_read(const char *path, bool follow_last, gpi_os_stat *st)
{
    clear_stat(st);
    wchar_t *w = widen(path);
    if (!w)
        return -1;
    return free_keep_errno(w, open_input_wide(w, follow_last, st));
}

int gpi_os_open_read_at_ex(int dir_fd, const char *name, bool follow_last, gpi_os_stat *st)
{
    clear_stat(st);
    wchar_t *w = path_at(dir_fd, name);
    if (!w)
        return -1;
    return free_keep_errno(w, open_input_wide(w, follow_last, st));
}

long gpi_os_read(int fd, void *buf, size_t len)
{
    HANDLE h = fd_handle(fd);
    DWORD want = len > 0x40000000u ? 0x40000000u : (DWORD)len, got = 0;
    if (!ReadFile(h, buf, want, &got, NULL)) {
        DWORD e = GetLastError();
        if (e == ERROR_HANDLE_EOF || e == ERROR_BROKEN_PIPE)
            return 0;
        return fail_win(e);
    }
    return (long)got;
}

int gpi_os_write_handle_all(HANDLE h, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        /* in pieces of 1 MiB: a pipe takes them as its reader drains it */
        DWORD chunk = len > (1u << 20) ? (1u << 20) : (DWORD)len, done = 0;
        if (!WriteFile(h, p, chunk, &done, NULL))
            return fail_last();
        if (done == 0) {
            errno = EIO;
            return -1;
        }
        p += done;
        len -= done;
    }
    return 0;
}

int gpi_os_write_all(int fd, const void *buf, size_t len)
{
    return gpi_os_write_handle_all(fd_handle(fd), buf, len);
}

long gpi_os_read_offset(int fd, void *buf, size_t len, uint64_t offset)
{
    HANDLE h = fd_handle(fd);
    LARGE_INTEGER zero = {0}, here;
    if (!SetFilePointerEx(h, zero, &here, FILE_CURRENT))
        return fail_last();
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)offset;
    ov.OffsetHigh = (DWORD)(offset >> 32);
    DWORD want = len > 0x40000000u ? 0x40000000u : (DWORD)len, got = 0;
    BOOL ok = ReadFile(h, buf, want, &got, &ov);
    DWORD e = GetLastError();
    SetFilePointerEx(h, here, NULL, FILE_BEGIN); /* a synchronous handle moved */
    if (!ok)
        return e == ERROR_HANDLE_EOF ? 0 : fail_win(e);
    return (long)got;
}

int gpi_os_truncate_fd(int fd, uint64_t len)
{
    HANDLE h = fd_handle(fd);
    LARGE_INTEGER here, zero = {0}, to;
    to.QuadPart = (LONGLONG)len;
    if (!SetFilePointerEx(h, zero, &here, FILE_CURRENT) ||
        !SetFilePointerEx(h, to, NULL, FILE_BEGIN) || !SetEndOfFile(h))
        return fail_last();
    SetFilePointerEx(h, here, NULL, FILE_BEGIN);
    return 0;
}

int gpi_os_pwrite_all(int fd, const void *buf, size_t len, uint64_t offset)
{
    HANDLE h = fd_handle(fd);
    LARGE_INTEGER zero = {0}, here;
    if (!SetFilePointerEx(h, zero, &here, FILE_CURRENT))
        return fail_last();
    const char *p = buf;
    int r = 0;
    while (len > 0) {
        OVERLAPPED ov;
        memset(&ov, 0, sizeof ov);
        ov.Offset = (DWORD)offset;
        ov.OffsetHigh = (DWORD)(offset >> 32);
        DWORD chunk = len > 0x40000000u ? 0x40000000u : (DWORD)len, done = 0;
        if (!WriteFile(h, p, chunk, &done, &ov)) {
            r = fail_last();
            break;
        }
        if (done == 0) {
            errno = ENOSPC;
            r = -1;
            break;
        }
        p += done;
        len -= done;
        offset += done;
    }
    int e = errno;
    SetFilePointerEx(h, here, NULL, FILE_BEGIN); /* a synchronous handle moved */
    errno = e;
    return r;
}

int gpi_os_close_checked(int fd)
{
    return _close(fd) == 0 ? 0 : -1;
}

const char *gpi_os_errno_words(int sys_errno)
{
    return strerror(sys_errno);
}

void gpi_os_close(int fd)
{
    if (fd >= 0)
        _close(fd);
}

/* ---- directories ---------------------------------------------------------------- */

static int dir_open_wide(const wchar_t *w, bool follow)
{
    /* no FILE_SHARE_DELETE: the folder cannot be renamed away while walked */
    HANDLE h = CreateFileW(w, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT),
                           NULL);
    if (h == INVALID_HANDLE_VALUE)
        return fail_last();
    gpi_os_stat st;
    return handle_fd_of_type(h, &st, GPI_OS_DIRECTORY, ENOTDIR, _O_RDONLY);
}

int gpi_os_dir_open(const char *path, bool follow_last)
{
    wchar_t *w = widen(path);
    if (!w)
        return -1;
    return free_keep_errno(w, dir_open_wide(w, follow_last));
}

int gpi_os_dir_open_at(int dir_fd, const char *name)
{
    wchar_t *w = path_at(dir_fd, name);
    if (!w)
        return -1;
    return free_keep_errno(w, dir_open_wide(w, false));
}

int gpi_os_dir_list(int dir_fd, size_t max, char ***names_out, size_t *count_out,
                   bool *truncated)
{
    *names_out = NULL;
    *count_out = 0;
    if (truncated)
        *truncated = false;
    wchar_t *dir = handle_path(fd_handle(dir_fd));
    if (!dir)
        return -1;
    size_t n = wcslen(dir);
    wchar_t *pattern = malloc((n + 3) * sizeof *pattern);
    if (!pattern) {
        free(dir);
        errno = ENOMEM;
        return -1;
    }
    memcpy(pattern, dir, n * sizeof *pattern);
    free(dir);
    if (n == 0 || pattern[n - 1] != L'\\')
        pattern[n++] = L'\\';
    pattern[n++] = L'*';
    pattern[n] = 0;
    WIN32_FIND_DATAW fd;
    HANDLE find = FindFirstFileExW(pattern, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
    free(pattern);
    if (find == INVALID_HANDLE_VALUE) {
        if (GetLastError() == ERROR_FILE_NOT_FOUND)
            return 0;
        return fail_last();
    }
    gpi_os_name_list list = {.max = max};
    int e = 0;
    do {
        if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
            continue;
        int room = gpi_os_name_list_room(&list);
        if (room <= 0) {
            e = room < 0 ? ENOMEM : 0;
            break;
        }
        if (!(list.names[list.count] = narrow(fd.cFileName))) {
            e = errno;
            break;
        }
        list.count++;
    } while (FindNextFileW(find, &fd));
    if (!e && GetLastError() != ERROR_NO_MORE_FILES && !(max && list.count == max))
        e = EIO;
    FindClose(find);
    return gpi_os_name_list_end(&list, e, names_out, count_out, truncated);
}

int gpi_os_mkdir(const char *path)
{
    wchar_t *w = widen(path);
    if (!w)
        return -1;
    int r = 0;
    if (!CreateDirectoryW(w, NULL)) {
        DWORD e = GetLastError();
        DWORD a = GetFileAttributesW(w);
        /* "Z:" or "\\server\share" cannot be created but is there */
        r = a != INVALID_FILE_ATTRIBUTES ? (errno = EEXIST, -1) : fail_win(e);
    }
    return free_keep_errno(w, r);
}

/* ---- writing outputs -------------------------------------------------------------- */

static const char temp_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int gpi_os_temp_fill(char *path)
{
    size_t len = strlen(path);
    if (len < 6) {
        errno = EINVAL;
        return -1;
    }
    char *tail = path + len - 6;
    static unsigned counter;
    for (int i = 0; i < 6; i++) {
        unsigned r = 0;
        if (rand_s(&r) != 0)
            r = (unsigned)GetTickCount() * 2654435761u + (++counter) * 7919u + (unsigned)i;
        tail[i] = temp_chars[r % (sizeof temp_chars - 1)];
    }
    return 0;
}

int gpi_os_create_exclusive(const char *path, unsigned mode)
{
    (void)mode; /* the folder's ACL applies */
    HANDLE h = create_file(path, GENERIC_READ | GENERIC_WRITE, CREATE_NEW, FILE_ATTRIBUTE_NORMAL);
    if (h == INVALID_HANDLE_VALUE)
        return -1; /* ERROR_FILE_EXISTS -> EEXIST */
    return handle_fd(h, _O_RDWR | _O_BINARY);
}

int gpi_os_open_rw(const char *path)
{
    HANDLE h = create_file(path, GENERIC_READ | GENERIC_WRITE, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    return handle_fd(h, _O_RDWR | _O_BINARY);
}

static int move(const char *from, const char *to, DWORD flags)
{
    wchar_t *wf = widen(from), *wt = wf ? widen(to) : NULL;
    int r = -1;
    if (wf && wt)
        r = MoveFileExW(wf, wt, flags) ? 0 : fail_last();
    int e = errno;
    free(wf);
    free(wt);
    errno = e;
    return r;
}

int gpi_os_rename_replace(const char *from, const char *to)
{
    return move(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
}

int gpi_os_rename_noreplace(const char *from, const char *to)
{
    return move(from, to, MOVEFILE_WRITE_THROUGH);
}

int gpi_os_unlink(const char *path)
{
    wchar_t *w = widen(path);
    if (!w)
        return -1;
    return free_keep_errno(w, DeleteFileW(w) ? 0 : fail_last());
}

void gpi_os_unlink_signal_safe(const char *path)
{
    /* the console handler runs in a thread of its own, but must not
     * allocate while the main thread may hold the heap lock: convert on
     * the stack */
    wchar_t w[4096];
    if (MultiByteToWideChar(CP_UTF8, 0, path, -1, w, (int)(sizeof w / sizeof w[0])) > 0) {
        for (wchar_t *p = w; *p; p++)
            if (*p == L'/')
                *p = L'\\';
        DeleteFileW(w);
    }
}

int gpi_os_fsync(int fd)
{
    return FlushFileBuffers(fd_handle(fd)) ? 0 : fail_last();
}

int gpi_os_fsync_path(const char *path)
{
    HANDLE h = create_file(path, GENERIC_WRITE, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    int r = FlushFileBuffers(h) ? 0 : fail_last();
    CloseHandle(h);
    return r;
}

int gpi_os_fsync_dir(const char *dir)
{
    (void)dir; /* NTFS journals metadata; a directory cannot be flushed */
    return 0;
}

bool gpi_os_exists(const char *path)
{
    wchar_t *w = widen(path);
    if (!w)
        return false;
    bool r = GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES;
    free(w);
    return r;
}

/* ---- lock ---------------------------------------------------------------------------- */

/* The lock covers one byte far beyond the end of the file, so that the
 * holder's text in the file stays readable by others (Windows locks are
 * mandatory for the bytes they cover). */
#define LOCK_OFFSET_HIGH 0x40000000u

int gpi_os_lock_open(const char *path)
{
    HANDLE h = create_file(path, GENERIC_READ | GENERIC_WRITE, OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    gpi_os_stat st;
    if (stat_handle(h, &st) != 0 || st.type != GPI_OS_REGULAR) {
        CloseHandle(h);
        errno = st.type == GPI_OS_SYMLINK ? ELOOP : GPI_OS_ENOTREG;
        return -1;
    }
    return handle_fd(h, _O_RDWR | _O_BINARY);
}

int gpi_os_lock_try(int fd)
{
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.OffsetHigh = LOCK_OFFSET_HIGH;
    if (LockFileEx(fd_handle(fd), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0,
                   &ov))
        return 0;
    DWORD e = GetLastError();
    if (e == ERROR_LOCK_VIOLATION || e == ERROR_IO_PENDING) {
        errno = EWOULDBLOCK;
        return -1;
    }
    return fail_win(e);
}

void gpi_os_unlock(int fd)
{
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.OffsetHigh = LOCK_OFFSET_HIGH;
    UnlockFileEx(fd_handle(fd), 0, 1, 0, &ov);
}

long gpi_os_pid(void)
{
    return (long)GetCurrentProcessId();
}

/* ---- Ctrl-C ------------------------------------------------------------------------- */

static void (*interrupt_cleanup)(void);
static CRITICAL_SECTION critical;
static INIT_ONCE critical_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_critical(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once, (void)param, (void)ctx;
    InitializeCriticalSection(&critical);
    return TRUE;
}

static void critical_init(void)
{
    InitOnceExecuteOnce(&critical_once, init_critical, NULL, NULL);
}

static BOOL WINAPI on_console_event(DWORD event)
{
    switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        /* wait out a critical section of the main thread, then clean up */
        critical_init();
        EnterCriticalSection(&critical);
        if (interrupt_cleanup)
            interrupt_cleanup();
        ExitProcess(130);
    }
    return FALSE;
}

bool gpi_os_on_interrupt(void (*cleanup)(void))
{
    critical_init();
    interrupt_cleanup = cleanup;
    return SetConsoleCtrlHandler(on_console_event, TRUE) != 0;
}

void gpi_os_signals_block(gpi_os_sigstate *saved)
{
    memset(saved, 0, sizeof *saved);
    critical_init();
    EnterCriticalSection(&critical); /* recursive for the owning thread */
    saved->opaque[0] = 1;
}

void gpi_os_signals_restore(const gpi_os_sigstate *saved)
{
    if (saved->opaque[0])
        LeaveCriticalSection(&critical);
}

/* ---- odds and ends -------------------------------------------------------------------- */

char *gpi_os_realpath(const char *path)
{
    HANDLE h = create_file(path, FILE_READ_ATTRIBUTES, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    wchar_t *full = handle_path(h);
    CloseHandle(h);
    if (!full)
        return NULL;
    const wchar_t *p = full;
    wchar_t *unc = NULL;
    if (!wcsncmp(p, L"\\\\?\\UNC\\", 8)) {
        /* \\?\UNC\server\share -> \\server\share */
        size_t n = wcslen(p + 8);
        unc = malloc((n + 3) * sizeof *unc);
        if (unc) {
            unc[0] = unc[1] = L'\\';
            memcpy(unc + 2, p + 8, (n + 1) * sizeof *unc);
            p = unc;
        }
    } else if (!wcsncmp(p, L"\\\\?\\", 4)) {
        p += 4;
    }
    char *s = narrow_slashed(p);
    free(unc);
    free(full);
    return s;
}

char *gpi_os_fd_path(int fd, const char *path)
{
    (void)fd; /* no such name on Windows: the path itself */
    return strdup(path);
}

int gpi_os_set_mtime(const char *path, int64_t sec)
{
    HANDLE h = create_file(path, FILE_WRITE_ATTRIBUTES, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    uint64_t t = (uint64_t)(sec * 10000000 + 116444736000000000ll);
    FILETIME ft = {.dwLowDateTime = (DWORD)t, .dwHighDateTime = (DWORD)(t >> 32)};
    int r = SetFileTime(h, NULL, &ft, &ft) ? 0 : fail_last();
    CloseHandle(h);
    return r;
}

const void *gpi_os_memmem(const void *haystack, size_t haystack_len, const void *needle,
                         size_t needle_len)
{
    if (needle_len == 0)
        return haystack;
    if (needle_len > haystack_len)
        return NULL;
    const unsigned char *h = haystack, *n = needle;
    const unsigned char *end = h + (haystack_len - needle_len);
    for (const unsigned char *p = h; p <= end; p++) {
        p = memchr(p, n[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        if (!memcmp(p, n, needle_len))
            return p;
    }
    return NULL;
}

int gpi_os_cpu_count(void)
{
    DWORD n = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n > 0 ? (int)n : 1;
}

void gpi_os_sleep_ms(unsigned ms)
{
    Sleep(ms);
}

/* ---- the host program ------------------------------------------------------------------ */

wchar_t *gpi_os_exe_path_wide(void)
{
    for (DWORD size = MAX_PATH; size <= 32768; size *= 2) {
        wchar_t *p = malloc(size * sizeof *p);
        if (!p)
            return NULL;
        DWORD n = GetModuleFileNameW(NULL, p, size);
        if (n > 0 && n < size)
            return p;
        free(p);
        if (n == 0)
            return NULL;
    }
    return NULL;
}

char *gpi_os_exe_path(void)
{
    wchar_t *w = gpi_os_exe_path_wide();
    if (!w)
        return NULL;
    char *s = narrow_slashed(w);
    free(w);
    return s;
}

bool gpi_os_data_beside_exe(void)
{
    return true;
}

void gpi_os_host_args(int *argc, char ***argv)
{
    SetConsoleOutputCP(CP_UTF8);
    SetConsoleCP(CP_UTF8);
    int n = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    if (!wargv)
        return;
    char **args = n > 0 ? calloc((size_t)n + 1, sizeof *args) : NULL;
    bool ok = args != NULL;
    for (int i = 0; ok && i < n; i++) /* the program's own name as it is */
        ok = (args[i] = i > 0 ? narrow_slashed(wargv[i]) : narrow(wargv[i])) != NULL;
    LocalFree(wargv);
    if (!ok) {
        for (int i = 0; args && i < n; i++)
            free(args[i]);
        free(args);
        return;
    }
    *argc = n;
    *argv = args; /* lives as long as the process */
}

char *gpi_os_absolute_path(const char *path)
{
    wchar_t *w = widen(path);
    if (!w)
        return NULL;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    if (n == 0) {
        fail_last(); /* errno from GetLastError */
        free(w);
        return NULL;
    }
    wchar_t *full = malloc((size_t)n * sizeof *full);
    if (!full) {
        free(w);
        errno = ENOMEM;
        return NULL;
    }
    DWORD got = GetFullPathNameW(w, n, full, NULL);
    free(w);
    if (got == 0 || got >= n) {
        free(full);
        errno = EINVAL; /* the path changed size between the two calls */
        return NULL;
    }
    char *s = narrow_slashed(full);
    free(full);
    return s;
}

bool gpi_os_open_for_user(const char *path)
{
    wchar_t *w = widen(path);
    if (!w)
        return false;
    HINSTANCE r = ShellExecuteW(NULL, L"open", w, NULL, NULL, SW_SHOWNORMAL);
    free(w);
    return (INT_PTR)r > 32;
}

bool gpi_os_console_closes_at_exit(void)
{
    DWORD ids[2];
    return GetConsoleProcessList(ids, 2) == 1;
}

bool gpi_os_waits_for_any_key(void)
{
    return _isatty(_fileno(stdin)) != 0; /* otherwise a line is read */
}

void gpi_os_wait_for_key(void)
{
    if (gpi_os_waits_for_any_key())
        _getch();
    else
        getchar();
}

bool gpi_os_isatty(int fd)
{
    return _isatty(fd) != 0;
}

/* ---- clocks ---------------------------------------------------------------------------- */

double gpi_os_monotonic_seconds(void)
{
    LARGE_INTEGER now, freq;
    if (!QueryPerformanceFrequency(&freq) || !QueryPerformanceCounter(&now) || !freq.QuadPart)
        return 0;
    return (double)now.QuadPart / (double)freq.QuadPart;
}

uint64_t gpi_os_thread_cpu_ns(void)
{
    FILETIME created, exited, kernel, user;
    if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user))
        return 0;
    uint64_t k = ((uint64_t)kernel.dwHighDateTime << 32) | kernel.dwLowDateTime;
    uint64_t u = ((uint64_t)user.dwHighDateTime << 32) | user.dwLowDateTime;
    return (k + u) * 100; /* 100 ns units */
}
