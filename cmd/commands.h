/* The gradpack tool: a dispatch table of subcommands over libgradpack.  No
 * rule lives here: each subcommand parses its options and calls the
 * library, then prints what the library returns. */
#ifndef GP_COMMANDS_H
#define GP_COMMANDS_H

#include "gradpack.h"

#include <stdio.h>

/* Exit statuses (docs/cli.md). */
enum {
    EXIT_CLEAN = 0,     /* no error finding (warnings allowed) */
    EXIT_FINDINGS = 1,  /* the data has errors */
    EXIT_FAILURE_RUN = 2 /* usage error, or an input cannot be opened at all */
};

typedef struct gp_command {
    const char *name;
    const char *synopsis;  /* arguments, after "gradpack NAME" */
    const char *summary;   /* one line, Chinese then English */
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
} gp_command;

int cmd_check(int argc, char **argv);
void help_check(FILE *out);
int cmd_pack(int argc, char **argv);
void help_pack(FILE *out);
int cmd_verify(int argc, char **argv);
void help_verify(FILE *out);
int cmd_merge(int argc, char **argv);
void help_merge(FILE *out);
int cmd_fix(int argc, char **argv);
void help_fix(FILE *out);
int cmd_drop(int argc, char **argv);
void help_drop(FILE *out);
/* A folder dropped on the program (no subcommand): drop, then wait for a key. */
int cmd_drop_dragged(const char *folder);
int cmd_codes(int argc, char **argv);
void help_codes(FILE *out);
int cmd_template(int argc, char **argv);
void help_template(FILE *out);

/* ---- shared by the subcommands (cli.c) -------------------------------- */

typedef enum output_format { FORMAT_TEXT, FORMAT_JSON } output_format;

typedef struct output_options {
    output_format format;
    bool quiet;          /* text: the summary line and the verdict only */
    bool verbose;        /* text: every finding on its own, full tables */
    bool silent_success; /* text: nothing at all when the run succeeded (merge's night runs) */
    int color;           /* -1 auto, 0 never, 1 always */
    const char *html;    /* --html FILE: also write the report as a web page */
} output_options;

/* Long options every subcommand shares: --format, --quiet, --color, --help.
 * Returns 1 when handled, 0 when not one of them, -1 on a bad value. */
int cli_common_option(int opt, const char *arg, output_options *out);
#define CLI_COMMON_LONG_OPTIONS                         \
    {"format", required_argument, NULL, 'F'},           \
    {"quiet", no_argument, NULL, 'q'},                  \
    {"color", required_argument, NULL, 'C'},            \
    {"help", no_argument, NULL, 'h'},                   \
    {"verbose", no_argument, NULL, 'v'}

/* --html FILE, for the commands that judge photos (check, pack, fix,
 * verify, merge); cli_common_option handles it. */
#define CLI_HTML_LONG_OPTION {"html", required_argument, NULL, 'H'}
#define CLI_HTML_HELP "  --html FILE           另存一份网页报告（每张照片一张卡片，可离线打开、打印）\n"

/* Print the report per the options (and write the --html page); return its
 * exit status (0 or 1; 2 when the page cannot be written). */
int cli_finish(gp_report *report, const output_options *out);
/* Print an operational failure to stderr; returns EXIT_FAILURE_RUN. */
int cli_fail(const char *command, const gp_error *err);
/* Print "gradpack NAME: message" and a hint to --help; returns 2. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Parse a thread count ("0" = all cores). */
bool cli_parse_threads(const char *arg, int *threads);
/* Remove temporary outputs on SIGINT/SIGTERM, then die by the signal. */
void cli_install_signal_handlers(void);
/* Print "按任意键关闭" (or "按回车键关闭") and wait for it. */
void cli_wait_for_key(void);

/* ---- option errors (options.c) ---------------------------------------- */

struct option;
/** Levenshtein distance (words up to 64 bytes; longer: a large number). */
size_t cli_edit_distance(const char *a, const char *b);
/** The candidate within two edits of word (and less than half its length),
 *  or NULL. */
const char *cli_closest(const char *word, const char *const *candidates, size_t count);
/** getopt_long returned '?' (opterr is 0): say in Chinese what was wrong
 *  with argv[optind - 1] — an unknown option (with "did you mean"), or a
 *  missing value — and return 2. */
int cli_bad_option(const char *command, int argc, char **argv, const struct option *longopts,
                   const char *shortopts);

/* ---- passwords of several stations (passwords.c) ------------------------- */

typedef struct cli_passwords {
    gp_password_entry *entries;
    size_t count;
} cli_passwords;

/** Read a passwords file ("名称<Tab>密码" or "名称 = 密码" lines); prints
 *  the problem and returns false when it cannot be used. */
bool cli_read_passwords(const char *command, const char *path, cli_passwords *list);
void cli_passwords_free(cli_passwords *list);

/* ---- progress on stderr (progress.c) ----------------------------------- */

typedef struct cli_progress {
    const char *what; /* "检查照片" */
    bool enabled;     /* stderr is a terminal and not --quiet */
    bool shown;
    double start, last;
} cli_progress;

void cli_progress_init(cli_progress *p, const output_options *out, const char *what);
/** A gp_progress_fn: context is the cli_progress. */
void cli_progress_update(void *context, size_t done, size_t total);
/** Erase the progress line (before the report is printed). */
void cli_progress_end(cli_progress *p);

/** The one line printed when the run is interrupted (Ctrl-C): what was
 *  kept.  A static string; default "已中断：没有写出任何文件。" */
void cli_set_interrupt_message(const char *message);

#endif
