/* os_isolate_win32.c — isolated work on Windows, and files by name for
 * libraries that open by path only.
 *
 * Windows has no fork, so the child is a new process of the running
 * executable (gpi_os_exe_path_wide), started with GPI_ISOLATED_ARG and the
 * task's name; the host program's main hands it to gpi_os_isolated_child
 * (gp_run_isolated_child), which runs the task from the library's table.
 * The input goes in through the child's stdin and the answer comes back
 * through its stdout, two anonymous pipes that are the only handles it
 * inherits (PROC_THREAD_ATTRIBUTE_HANDLE_LIST; stderr is NUL).  The child
 * is created suspended, put in a job object (committed memory and user CPU
 * time per process, one process, no error dialog, killed when the job's
 * handle closes), then resumed; the parent writes and reads on two threads
 * and waits on the wall clock, ending the job (TerminateJobObject) when
 * time runs out, when the answer grows past its limit, or when the child
 * does not start its answer with CHILD_MAGIC (a host that does not call
 * gp_run_isolated_child: GPI_ISOLATED_UNSUPPORTED).
 *
 * libfreexl opens by name with the C runtime's fopen, whose share mode has
 * no FILE_SHARE_DELETE, so a FILE_FLAG_DELETE_ON_CLOSE file cannot be
 * opened by it: gpi_os_memory_file writes a temporary file named for the
 * process (MEMORY_FILE_PREFIX<pid>-<n>.tmp) and removes it on close, and the
 * parent removes whatever its child left when the child was killed or
 * crashed (it still holds the child's process handle then, so the pid
 * cannot have been reused). */
#include "core/base.h"
#include "core/os.h"
#include "core/os_internal.h"
#include "core/testhook.h"

#include <windows.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first bytes of every child's answer: a process that does not send
 * them is not an isolated child (the host program ran its own main). */
#define CHILD_MAGIC "GPISOL1\n"
#define CHILD_MAGIC_LEN 8

/* The child's exit codes (beyond 0). */
enum { CHILD_WORK_FAILED = 3, CHILD_NO_TASK = 4, CHILD_NO_INPUT = 5, CHILD_LIMIT = 6,
       CHILD_NO_MEMORY = 7 };

#define MEMORY_FILE_PREFIX L"gradpack-mem-"

/* ---- small helpers ----------------------------------------------------------- */

static bool write_all(HANDLE h, const void *data, size_t len)
{
    return gpi_os_write_handle_all(h, data, len) == 0;
}

/* ASCII into wide characters (names, numbers). */
static void append_ascii(wchar_t *to, const char *s)
{
    to += wcslen(to);
    while (*s)
        *to++ = (wchar_t)(unsigned char)*s++;
    *to = 0;
}

static bool task_name_ok(const char *name)
{
    if (!name || !*name || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-'))
            return false;
    return true;
}

/* The temporary folder (with its trailing backslash), or false. */
static bool temp_folder(wchar_t dir[MAX_PATH + 1])
{
    DWORD n = GetTempPathW(MAX_PATH + 1, dir);
    return n > 0 && n <= MAX_PATH;
}

/* Remove every memory file a process of this pid left (a killed child). */
static void remove_memory_files_of(DWORD pid)
{
    wchar_t dir[MAX_PATH + 1];
    if (!temp_folder(dir))
        return;
    char tail[48];
    snprintf(tail, sizeof tail, "%lu-*.tmp", (unsigned long)pid);
    size_t room = wcslen(dir) + wcslen(MEMORY_FILE_PREFIX) + strlen(tail) + 1;
    wchar_t *pattern = malloc(room * sizeof *pattern);
    if (!pattern)
        return;
    wcscpy(pattern, dir);
    wcscat(pattern, MEMORY_FILE_PREFIX);
    append_ascii(pattern, tail);
    WIN32_FIND_DATAW found;
    HANDLE find = FindFirstFileW(pattern, &found);
    free(pattern);
    if (find == INVALID_HANDLE_VALUE)
        return;
    do {
        wchar_t *name = malloc((wcslen(dir) + wcslen(found.cFileName) + 1) * sizeof *name);
        if (name) {
            wcscpy(name, dir);
            wcscat(name, found.cFileName);
            DeleteFileW(name);
            free(name);
        }
    } while (FindNextFileW(find, &found));
    FindClose(find);
}

/* ---- the parent ---------------------------------------------------------------- */

typedef struct feed {
    HANDLE pipe;
    const unsigned char *data;
    size_t len;
} feed;

/* Writes the input into the child's stdin, then closes it (EOF). */
static DWORD WINAPI feed_child(void *arg)
{
    feed *f = arg;
    write_all(f->pipe, f->data, f->len);
    CloseHandle(f->pipe);
    return 0;
}

typedef struct drain {
    HANDLE pipe;
    size_t max_out;
    size_t magic; /* bytes of CHILD_MAGIC seen */
    bool foreign; /* the answer did not start with CHILD_MAGIC */
    bool over;    /* more than max_out */
    gpi_buf answer;
} drain;

/* Reads the child's stdout until EOF, a foreign start or the size limit. */
static DWORD WINAPI drain_child(void *arg)
{
    drain *d = arg;
    unsigned char chunk[65536];
    for (;;) {
        DWORD n = 0;
        if (!ReadFile(d->pipe, chunk, sizeof chunk, &n, NULL))
            return 0; /* ERROR_BROKEN_PIPE: every writer is gone (EOF) */
        DWORD i = 0;
        while (i < n && d->magic < CHILD_MAGIC_LEN) {
            if (chunk[i++] != (unsigned char)CHILD_MAGIC[d->magic++]) {
                d->foreign = true;
                return 0;
            }
        }
        if (i == n)
            continue;
        if (d->answer.len + (n - i) > d->max_out) {
            d->over = true;
            return 0;
        }
        gpi_buf_append(&d->answer, chunk + i, n - i);
        if (d->answer.failed)
            return 0;
    }
}

/* Wait for a pipe thread; one still blocked after the child is gone (a
 * handle inherited elsewhere) has its read or write cancelled. */
static void finish_thread(HANDLE thread)
{
    if (!thread)
        return;
    if (WaitForSingleObject(thread, 5000) == WAIT_TIMEOUT) {
        CancelSynchronousIo(thread);
        WaitForSingleObject(thread, INFINITE);
    }
    CloseHandle(thread);
}

static DWORD ms_left(ULONGLONG start, DWORD total)
{
    ULONGLONG spent = GetTickCount64() - start;
    return spent >= total ? 0 : (DWORD)(total - spent);
}

static HANDLE limited_job(unsigned seconds, uint64_t memory)
{
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (!job)
        return NULL;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
    memset(&limits, 0, sizeof limits);
    JOBOBJECT_BASIC_LIMIT_INFORMATION *basic = &limits.BasicLimitInformation;
    basic->LimitFlags = JOB_OBJECT_LIMIT_PROCESS_TIME | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
                        JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION |
                        JOB_OBJECT_LIMIT_ACTIVE_PROCESS;
    basic->PerProcessUserTimeLimit.QuadPart = (LONGLONG)seconds * 10000000;
    basic->ActiveProcessLimit = 1;
    if (memory) {
        basic->LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_MEMORY;
        limits.ProcessMemoryLimit = (SIZE_T)memory;
    }
    if (!SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits,
                                 sizeof limits)) {
        CloseHandle(job);
        return NULL;
    }
    return job;
}

/* Start the child suspended with exactly these three handles, put it in
 * the job and resume it.  false when any step fails (the child, if it
 * exists, is killed). */
static bool start_child(const char *task, HANDLE job, HANDLE in, HANDLE out, HANDLE err,
                        PROCESS_INFORMATION *pi)
{
    bool started = false;
    wchar_t *exe = gpi_os_exe_path_wide(), *line = NULL;
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
    if (!exe)
        goto done;
    /* "EXE" --gradpack-isolated-task NAME (a path holds no '"') */
    size_t room = wcslen(exe) + strlen(GPI_ISOLATED_ARG) + strlen(task) + 8;
    if (!(line = malloc(room * sizeof *line)))
        goto done;
    wcscpy(line, L"\"");
    wcscat(line, exe);
    wcscat(line, L"\" ");
    append_ascii(line, GPI_ISOLATED_ARG);
    append_ascii(line, " ");
    append_ascii(line, task);

    SIZE_T size = 0;
    InitializeProcThreadAttributeList(NULL, 1, 0, &size);
    if (!size || !(attrs = malloc(size)))
        goto done;
    if (!InitializeProcThreadAttributeList(attrs, 1, 0, &size)) {
        free(attrs);
        attrs = NULL;
        goto done;
    }
    HANDLE inherit[3] = {in, out, err};
    if (!UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit,
                                   sizeof inherit, NULL, NULL))
        goto done;
    STARTUPINFOEXW si;
    memset(&si, 0, sizeof si);
    si.StartupInfo.cb = sizeof si;
    /* no console (CREATE_NO_WINDOW), and a host program that shows a window
     * instead of answering (it does not call gp_run_isolated_child) shows
     * it hidden, if it honours the start-up show state */
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES | STARTF_USESHOWWINDOW;
    si.StartupInfo.wShowWindow = SW_HIDE;
    si.StartupInfo.hStdInput = in;
    si.StartupInfo.hStdOutput = out;
    si.StartupInfo.hStdError = err;
    si.lpAttributeList = attrs;
    if (!CreateProcessW(exe, line, NULL, NULL, TRUE,
                        CREATE_SUSPENDED | CREATE_NO_WINDOW | EXTENDED_STARTUPINFO_PRESENT, NULL,
                        NULL, &si.StartupInfo, pi))
        goto done;
    if (!AssignProcessToJobObject(job, pi->hProcess) || ResumeThread(pi->hThread) == (DWORD)-1) {
        /* never run a hostile parser without its limits */
        TerminateProcess(pi->hProcess, CHILD_LIMIT);
        WaitForSingleObject(pi->hProcess, INFINITE);
        CloseHandle(pi->hThread);
        CloseHandle(pi->hProcess);
        goto done;
    }
    CloseHandle(pi->hThread);
    started = true;
done:
    if (attrs) {
        DeleteProcThreadAttributeList(attrs);
        free(attrs);
    }
    free(line);
    free(exe);
    return started;
}

gpi_os_isolated_status gpi_os_run_isolated(const gpi_os_isolated_task *task, const void *in,
                                           size_t in_len, unsigned seconds, uint64_t memory,
                                           size_t max_out, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!task_name_ok(task->name))
        return GPI_ISOLATED_FAILED;
    SECURITY_ATTRIBUTES inheritable = {sizeof inheritable, NULL, TRUE};
    HANDLE job = limited_job(seconds, memory);
    HANDLE in_read = NULL, in_write = NULL, out_read = NULL, out_write = NULL;
    HANDLE err = INVALID_HANDLE_VALUE;
    if (!job || !CreatePipe(&in_read, &in_write, &inheritable, 0))
        goto nomem;
    if (!CreatePipe(&out_read, &out_write, &inheritable, 0))
        goto nomem;
    /* the parent's ends stay in the parent */
    SetHandleInformation(in_write, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
    err = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable,
                      OPEN_EXISTING, 0, NULL);
    if (err == INVALID_HANDLE_VALUE)
        goto nomem;
    PROCESS_INFORMATION pi;
    if (!start_child(task->name, job, in_read, out_write, err, &pi))
        goto nomem;
    CloseHandle(in_read);
    CloseHandle(out_write);
    CloseHandle(err);
    in_read = out_write = NULL;
    err = INVALID_HANDLE_VALUE;

    ULONGLONG start = GetTickCount64();
    DWORD wall = (seconds + 5) * 1000;
    feed f = {in_write, in, in_len};
    drain d = {out_read, max_out, 0, false, false, {0}};
    HANDLE feeder = CreateThread(NULL, 0, feed_child, &f, 0, NULL);
    if (!feeder)
        CloseHandle(in_write); /* no input: the child sees EOF at once */
    in_write = NULL;
    HANDLE drainer = CreateThread(NULL, 0, drain_child, &d, 0, NULL);
    bool timed_out = false;
    if (!drainer) {
        d.answer.failed = true;
    } else if (WaitForSingleObject(drainer, wall) == WAIT_TIMEOUT) {
        timed_out = true;
    }
    if (timed_out || !drainer || d.over || d.foreign || d.answer.failed)
        TerminateJobObject(job, CHILD_LIMIT);
    finish_thread(drainer);
    if (!timed_out && WaitForSingleObject(pi.hProcess, ms_left(start, wall)) == WAIT_TIMEOUT)
        timed_out = true; /* it closed its stdout but did not end */
    /* nothing of the child outlives this call; the feeder's pipe breaks */
    TerminateJobObject(job, CHILD_LIMIT);
    WaitForSingleObject(pi.hProcess, INFINITE);
    finish_thread(feeder);

    DWORD code = CHILD_WORK_FAILED;
    GetExitCodeProcess(pi.hProcess, &code);
    FILETIME created, exited, kernel, user;
    bool cpu_spent = false;
    if (GetProcessTimes(pi.hProcess, &created, &exited, &kernel, &user)) {
        ULONGLONG used = ((ULONGLONG)user.dwHighDateTime << 32) | user.dwLowDateTime;
        cpu_spent = used >= (ULONGLONG)seconds * 10000000;
    }
    remove_memory_files_of(pi.dwProcessId);
    CloseHandle(pi.hProcess);
    CloseHandle(out_read);
    CloseHandle(job);

    gpi_os_isolated_status status;
    if (d.answer.failed)
        status = GPI_ISOLATED_NOMEM;
    else if (d.foreign || d.magic < CHILD_MAGIC_LEN)
        status = GPI_ISOLATED_UNSUPPORTED;
    else if (timed_out || d.over || cpu_spent)
        status = GPI_ISOLATED_LIMIT;
    else if (code == 0)
        status = GPI_ISOLATED_OK;
    else
        status = GPI_ISOLATED_FAILED;
    if (status == GPI_ISOLATED_OK) {
        *out = (unsigned char *)d.answer.data;
        *out_len = d.answer.len;
    } else {
        gpi_buf_free(&d.answer);
    }
    return status;

nomem:
    if (in_read)
        CloseHandle(in_read);
    if (in_write)
        CloseHandle(in_write);
    if (out_read)
        CloseHandle(out_read);
    if (out_write)
        CloseHandle(out_write);
    if (err != INVALID_HANDLE_VALUE)
        CloseHandle(err);
    if (job)
        CloseHandle(job);
    return GPI_ISOLATED_NOMEM;
}

/* ---- the child ------------------------------------------------------------------ */

/* Set in an isolated child: the test hook applies. */
static bool isolated_child;

/* GPI_TEST_ISOLATED_CHILD: misbehave as told (testhook.h), at the moment a
 * parser would, while the workbook's temporary copy exists. */
static void misbehave(void)
{
    const char *how = isolated_child ? gpi_os_getenv(GPI_TEST_ISOLATED_CHILD) : NULL;
    if (!how || !*how)
        return;
    if (!strcmp(how, "crash")) {
        /* what a parser's wild pointer does: an unhandled access violation */
        RaiseException(EXCEPTION_ACCESS_VIOLATION, EXCEPTION_NONCONTINUABLE, 0, NULL);
    } else if (!strcmp(how, "spin")) {
        for (volatile unsigned long i = 0;; i++)
            ;
    } else if (!strcmp(how, "sleep")) {
        Sleep(INFINITE);
    } else if (!strcmp(how, "hog")) {
        /* 2 GiB committed and touched in 16 MiB steps, then the work as usual:
         * the job's 1 GiB makes an allocation fail first */
        for (int i = 0; i < 128; i++) {
            void *p = VirtualAlloc(NULL, 16u << 20, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
            if (!p)
                ExitProcess(CHILD_NO_MEMORY);
            memset(p, 1, 16u << 20);
        }
    } else if (!strcmp(how, "flood")) {
        static unsigned char junk[65536];
        memset(junk, 'x', sizeof junk);
        while (write_all(GetStdHandle(STD_OUTPUT_HANDLE), junk, sizeof junk))
            ;
        ExitProcess(0);
    }
}

static int child_main(const char *name, const gpi_os_isolated_task *const *tasks, size_t count)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE), out = GetStdHandle(STD_OUTPUT_HANDLE);
    const char *how = gpi_os_getenv(GPI_TEST_ISOLATED_CHILD);
    if (how && !strcmp(how, "foreign")) {
        write_all(out, "usage: host [options]\n", 22);
        return 2;
    }
    if (!write_all(out, CHILD_MAGIC, CHILD_MAGIC_LEN))
        return CHILD_WORK_FAILED;
    const gpi_os_isolated_task *task = NULL;
    for (size_t i = 0; i < count && !task; i++)
        if (tasks[i] && !strcmp(tasks[i]->name, name))
            task = tasks[i];
    if (!task)
        return CHILD_NO_TASK;
    gpi_buf input = {0};
    static unsigned char chunk[65536];
    for (;;) {
        DWORD n = 0;
        if (!ReadFile(in, chunk, sizeof chunk, &n, NULL) || n == 0)
            break; /* EOF: the parent closed its end */
        gpi_buf_append(&input, chunk, n);
        if (input.failed) {
            gpi_buf_free(&input);
            return CHILD_NO_INPUT;
        }
    }
    isolated_child = true;
    unsigned char *answer = NULL;
    size_t len = 0;
    bool ok = task->fn(input.data ? (const unsigned char *)input.data : (const unsigned char *)"",
                       input.len, &answer, &len);
    gpi_buf_free(&input);
    ok = ok && write_all(out, answer, len);
    free(answer);
    return ok ? 0 : CHILD_WORK_FAILED;
}

bool gpi_os_isolated_child(int argc, char **argv, const gpi_os_isolated_task *const *tasks,
                           size_t count, int *exit_code)
{
    if (argc != 3 || !argv || !argv[1] || !argv[2] || strcmp(argv[1], GPI_ISOLATED_ARG) != 0)
        return false;
    /* a crash ends the child quietly: no error box, no dialog waiting for a
     * clerk (the job says so too: JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION) */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    *exit_code = child_main(argv[2], tasks, count);
    return true;
}

/* ---- files by name ------------------------------------------------------------- */

/* What gpi_os_memory_file handed out: the open file and its name. */
static struct {
    HANDLE handle;
    wchar_t *name;
} memory_files[16];
static SRWLOCK memory_files_lock = SRWLOCK_INIT;

/* w in a form the C runtime's narrow fopen opens: ASCII as it is, else in
 * the ANSI code page when every character has its exact form there (UTF-8
 * when the manifest's activeCodePage took effect, GBK on a Chinese Windows
 * otherwise). */
static bool ansi_form(const wchar_t *w, char *path, size_t size)
{
    size_t n = wcslen(w);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        ascii = ascii && w[i] < 0x80;
    if (ascii) {
        if (n >= size)
            return false;
        for (size_t i = 0; i <= n; i++)
            path[i] = (char)w[i];
        return true;
    }
    if (size > INT_MAX)
        size = INT_MAX;
    UINT acp = GetACP();
    BOOL lossy = FALSE;
    int got = acp == CP_UTF8
                  ? WideCharToMultiByte(CP_UTF8, 0, w, -1, path, (int)size, NULL, NULL)
                  : WideCharToMultiByte(acp, WC_NO_BEST_FIT_CHARS, w, -1, path, (int)size, NULL,
                                        &lossy);
    return got > 0 && !lossy;
}

/* The short (8.3) form of w when the volume has one, then the long form. */
static bool fopen_form(const wchar_t *w, char *path, size_t size)
{
    DWORD n = GetShortPathNameW(w, NULL, 0);
    if (n > 0) {
        wchar_t *s = malloc(n * sizeof *s);
        if (s && GetShortPathNameW(w, s, n) > 0 && ansi_form(s, path, size)) {
            bool ascii = true;
            for (const wchar_t *p = s; *p; p++)
                ascii = ascii && *p < 0x80;
            free(s);
            if (ascii)
                return true;
        } else {
            free(s);
        }
    }
    return ansi_form(w, path, size);
}

int gpi_os_memory_file(const void *data, size_t len, char *path, size_t path_size)
{
    static volatile LONG counter;
    if (path_size)
        path[0] = '\0';
    wchar_t dir[MAX_PATH + 1];
    if (!temp_folder(dir))
        return -1;
    wchar_t *name = malloc((wcslen(dir) + 64) * sizeof *name);
    if (!name)
        return -1;
    HANDLE h = INVALID_HANDLE_VALUE;
    for (int attempt = 0; attempt < 100 && h == INVALID_HANDLE_VALUE; attempt++) {
        char tail[48];
        snprintf(tail, sizeof tail, "%lu-%ld.tmp", (unsigned long)GetCurrentProcessId(),
                 (long)InterlockedIncrement(&counter));
        wcscpy(name, dir);
        wcscat(name, MEMORY_FILE_PREFIX);
        append_ascii(name, tail);
        /* readers may share it for reading only: nobody rewrites it meanwhile */
        h = CreateFileW(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_NEW,
                        FILE_ATTRIBUTE_TEMPORARY, NULL);
        if (h == INVALID_HANDLE_VALUE && GetLastError() != ERROR_FILE_EXISTS)
            break;
    }
    if (h == INVALID_HANDLE_VALUE) {
        free(name);
        return -1;
    }
    int slot = -1;
    if (write_all(h, data, len) && fopen_form(name, path, path_size)) {
        AcquireSRWLockExclusive(&memory_files_lock);
        for (int i = 0; i < (int)GPI_ARRAY_LEN(memory_files) && slot < 0; i++)
            if (!memory_files[i].name) {
                memory_files[i].handle = h;
                memory_files[i].name = name;
                slot = i;
            }
        ReleaseSRWLockExclusive(&memory_files_lock);
    }
    if (slot >= 0)
        misbehave();
    if (slot < 0) {
        CloseHandle(h);
        DeleteFileW(name);
        free(name);
        if (path_size)
            path[0] = '\0';
    }
    return slot;
}

void gpi_os_memory_file_close(int handle)
{
    if (handle < 0 || handle >= (int)GPI_ARRAY_LEN(memory_files))
        return;
    AcquireSRWLockExclusive(&memory_files_lock);
    HANDLE h = memory_files[handle].handle;
    wchar_t *name = memory_files[handle].name;
    memory_files[handle].handle = NULL;
    memory_files[handle].name = NULL;
    ReleaseSRWLockExclusive(&memory_files_lock);
    if (!name)
        return;
    CloseHandle(h);
    DeleteFileW(name);
    free(name);
}
