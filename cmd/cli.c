/* What the subcommands share: common options, printing reports, exit
 * statuses, signal handling. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
    case 'v':
        out->verbose = true;
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
        if (out->verbose)
            flags |= GP_RENDER_VERBOSE;
        bool color = out->color == 1 || (out->color == -1 && gp_is_terminal(GP_STDOUT) &&
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
    /* merge's night run prints nothing when all is well */
    if (!(out->format == FORMAT_TEXT && out->silent_success && status == 0))
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

/* A status in Chinese, for a failure that came without a message. */
static const char *status_text(gp_status status)
{
    switch (status) {
    case GP_OK: return "没有错误";
    case GP_ERR_USAGE: return "用法不对";
    case GP_ERR_OPEN: return "无法打开输入";
    case GP_ERR_WRITE: return "无法写出";
    case GP_ERR_EXISTS: return "输出文件已存在";
    case GP_ERR_LOCKED: return "输出文件夹正被另一次运行使用";
    case GP_ERR_NOMEM: return "内存不足";
    case GP_ERR_INTERNAL: return "程序内部错误，请报告此问题";
    }
    return "出错了";
}

int cli_fail(const char *command, const gp_error *err)
{
    fprintf(stderr, "gradpack %s: %s\n", command,
            err->message[0] ? err->message : status_text(err->status));
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

static const char *interrupt_message = "已中断：没有写出任何文件。";

void cli_set_interrupt_message(const char *message)
{
    interrupt_message = message;
}

/* Whether stderr is a terminal, asked once before any interrupt (the hook
 * below may call only async-signal-safe functions). */
static bool stderr_is_terminal;

/* Called by the library's handler after its cleanup, before the signal is
 * raised again: one line, async-signal-safe (gp_interrupt_print of static
 * strings). */
static void on_interrupt(void)
{
    if (stderr_is_terminal)
        gp_interrupt_print("\r\x1b[K"); /* the progress line, erased */
    gp_interrupt_print("gradpack: ");
    gp_interrupt_print(interrupt_message);
    gp_interrupt_print("\n");
}

void cli_wait_for_key(void)
{
    fputs(gp_console_waits_for_any_key() ? "\n按任意键关闭……\n" : "\n按回车键关闭……\n", stdout);
    fflush(stdout);
    gp_console_wait_for_key();
}

void cli_install_signal_handlers(void)
{
    /* the library's, through its platform layer; it calls on_interrupt */
    stderr_is_terminal = gp_is_terminal(GP_STDERR);
    gp_interrupt_install_hook(on_interrupt);
}
