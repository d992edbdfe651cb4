/* What the command-line tool does differently per platform (the library's
 * own platform calls are in lib/core/os.h; these are the CLI's: the console,
 * the command line, opening files for the user).  platform.c. */
#ifndef GP_CLI_PLATFORM_H
#define GP_CLI_PLATFORM_H

#include <stdbool.h>

/* At the start of main.  Windows: console output in UTF-8, argv replaced by
 * the UTF-16 command line converted to UTF-8 (so Chinese arguments arrive
 * whatever the code page) with '\\' turned into '/', and GRADPACK_DATADIR pointed at the templates
 * folder beside gradpack.exe when not set.  POSIX: nothing. */
void cli_platform_init(int *argc, char ***argv);
/* Whether path is an existing directory (links followed). */
bool cli_is_directory(const char *path);
/* The absolute form of path, malloc'd (NULL when it cannot be formed). */
char *cli_absolute_path(const char *path);
/* Open a file in its default program, or a folder in the file manager
 * (Windows: ShellExecuteW "open"; elsewhere: xdg-open in the background).
 * false when nothing could be started.  GRADPACK_NO_OPEN set: nothing is
 * opened (tests). */
bool cli_open_for_user(const char *path);
/* Whether the console window closes when gradpack ends (Windows: gradpack.exe
 * was double-clicked, no cmd.exe owns the console).  false elsewhere. */
bool cli_console_closes_at_exit(void);
/* Print "按任意键关闭" and wait for a key (Windows console) or Enter. */
void cli_wait_for_key(void);

#endif
