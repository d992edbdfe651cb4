/* The CLI's platform differences (platform.h). */
#include "platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef _WIN32
#include <windows.h>
#include <conio.h>
#include <shellapi.h>

static char *to_utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? malloc((size_t)n) : NULL;
    if (s)
        WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
    return s;
}

static wchar_t *to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (w)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

void cli_platform_init(int *argc, char ***argv)
{
    SetConsoleOutputCP(CP_UTF8);
    SetConsoleCP(CP_UTF8);
    int n = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    if (wargv && n > 0) {
        char **args = calloc((size_t)n + 1, sizeof *args);
        bool ok = args != NULL;
        for (int i = 0; ok && i < n; i++) {
            ok = (args[i] = to_utf8(wargv[i])) != NULL;
            /* one separator inside: Win32 takes '/' as well as '\\', and the
             * library splits paths at '/' (no option takes free text) */
            for (char *p = ok && i > 0 ? args[i] : NULL; p && *p; p++)
                if (*p == '\\')
                    *p = '/';
        }
        if (ok) {
            *argc = n;
            *argv = args; /* lives as long as the process */
        }
        LocalFree(wargv);
    }
    /* the templates travel beside gradpack.exe in the zip */
    const char *env = getenv("GRADPACK_DATADIR");
    if (!env || !*env) {
        wchar_t exe[32768];
        DWORD len = GetModuleFileNameW(NULL, exe, sizeof exe / sizeof exe[0]);
        if (len > 0 && len < sizeof exe / sizeof exe[0]) {
            wchar_t *slash = wcsrchr(exe, L'\\');
            if (slash && (size_t)(slash - exe) + 11 < sizeof exe / sizeof exe[0]) {
                wcscpy(slash + 1, L"templates");
                DWORD attr = GetFileAttributesW(exe);
                if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
                    _wputenv_s(L"GRADPACK_DATADIR", exe);
            }
        }
    }
}

bool cli_is_directory(const char *path)
{
    wchar_t *w = to_wide(path);
    if (!w)
        return false;
    DWORD attr = GetFileAttributesW(w);
    free(w);
    return attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY);
}

char *cli_absolute_path(const char *path)
{
    wchar_t *w = to_wide(path);
    if (!w)
        return NULL;
    wchar_t full[32768];
    DWORD n = GetFullPathNameW(w, sizeof full / sizeof full[0], full, NULL);
    free(w);
    if (n == 0 || n >= sizeof full / sizeof full[0])
        return NULL;
    char *s = to_utf8(full);
    for (char *p = s; p && *p; p++)
        if (*p == '\\')
            *p = '/';
    return s;
}

bool cli_open_for_user(const char *path)
{
    if (getenv("GRADPACK_NO_OPEN"))
        return false;
    wchar_t *w = to_wide(path);
    if (!w)
        return false;
    HINSTANCE r = ShellExecuteW(NULL, L"open", w, NULL, NULL, SW_SHOWNORMAL);
    free(w);
    return (INT_PTR)r > 32;
}

bool cli_console_closes_at_exit(void)
{
    DWORD ids[2];
    return GetConsoleProcessList(ids, 2) == 1;
}

void cli_wait_for_key(void)
{
    fputs("\n按任意键关闭……\n", stdout);
    fflush(stdout);
    if (_isatty(_fileno(stdin)))
        _getch();
    else
        getchar();
}

#else
#include <limits.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

void cli_platform_init(int *argc, char ***argv)
{
    (void)argc, (void)argv;
}

bool cli_is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *cli_absolute_path(const char *path)
{
    return realpath(path, NULL);
}

bool cli_open_for_user(const char *path)
{
    if (getenv("GRADPACK_NO_OPEN"))
        return false;
    /* a desktop's opener, when there is one; never waited for */
    char *args[] = {"xdg-open", (char *)path, NULL};
    pid_t pid;
    if (posix_spawnp(&pid, "xdg-open", NULL, NULL, args, environ) != 0)
        return false;
    return true;
}

bool cli_console_closes_at_exit(void)
{
    return false;
}

void cli_wait_for_key(void)
{
    fputs("\n按回车键关闭……\n", stdout);
    fflush(stdout);
    int c;
    while ((c = getchar()) != EOF && c != '\n') {
    }
}
#endif
