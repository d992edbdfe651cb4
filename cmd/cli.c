/* What the subcommands share: common options, printing reports, exit
 * statuses, signal handling. */
#include "commands.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_common_option(int opt, const char *arg, output_options *out)
{
    switch (opt) {
    case 'F':
        if (!strcmp(arg, "text"))
            out->format = FORMAT_TEXT;
        else if (!strcmp(arg, "json"))
            out->format = FORMAT_JSON;
        else
            return -1;
        return 1;
    case 'q':
        out->quiet = true;
        return 1;
    case 'H':
        if (!*arg)
            return -1;
        out->html = arg;
        return 1;
    case 'C':
        if (!strcmp(arg, "auto"))
            out->color = -1;
        else if (!strcmp(arg, "always"))
            out->color = 1;
        else if (!strcmp(arg, "never"))
            out->color = 0;
        else
            return -1;
        return 1;
    default:
        return 0;
    }
}

int cli_finish(gp_report *report, const output_options *out)
{
    int status = gp_report_exit_status(report);
    gp_error html_err = {0};
    bool html_ok = !out->html || gp_report_write_html(report, out->html, 0, &html_err);
    char *text;
    if (out->format == FORMAT_JSON) {
        text = gp_report_to_json(report, 0);
    } else {
        unsigned flags = out->quiet ? GP_RENDER_QUIET : 0;
        bool color = out->color == 1 || (out->color == -1 && isatty(STDOUT_FILENO) &&
                                         !getenv("NO_COLOR"));
        if (color)
            flags |= GP_RENDER_COLOR;
        text = gp_report_to_text(report, flags);
    }
    if (!text) {
        fputs("gradpack: 内存不足 (out of memory)\n", stderr);
        gp_report_free(report);
        return EXIT_FAILURE_RUN;
    }
    /* quiet text on success prints nothing: scripts want silence */
    if (!(out->format == FORMAT_TEXT && out->quiet && status == 0))
        fputs(text, stdout);
    free(text);
    gp_report_free(report);
    if (fflush(stdout) != 0)
        return EXIT_FAILURE_RUN;
    if (!html_ok) {
        fprintf(stderr, "gradpack: %s\n", html_err.message[0] ? html_err.message
                                                             : gp_status_name(html_err.status));
        return EXIT_FAILURE_RUN;
    }
    return status;
}

int cli_fail(const char *command, const gp_error *err)
{
    fprintf(stderr, "gradpack %s: %s\n", command,
            err->message[0] ? err->message : gp_status_name(err->status));
    return EXIT_FAILURE_RUN;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    fprintf(stderr, "gradpack %s: ", command);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n用法见 'gradpack %s --help'。\n", command);
    return EXIT_FAILURE_RUN;
}

bool cli_parse_threads(const char *arg, int *threads)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || v < 0 || v > 256)
        return false;
    *threads = (int)v;
    return true;
}

void cli_install_signal_handlers(void)
{
    gp_interrupt_install(); /* the library's, through its platform layer */
}
