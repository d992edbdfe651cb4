/* gradpack: the command-line tool.  A thin dispatcher (as libzip's ziptool
 * and libvips' vips.c): usage is printed from the table. */
#include "commands.h"

#include <getopt.h>
#include <locale.h>
#include <string.h>

static const gp_command commands[] = {
    {"check", "ROSTER.csv PHOTOS/ [选项]",
     "检查花名册和照片是否符合要求 / check a roster and photos against the profile",
     cmd_check, help_check},
    {"pack", "ROSTER.csv PHOTOS/ -o OUTDIR/ [选项]",
     "检查后打包：工作簿、压缩包、邮件正文 / check, then write workbook, zip and cover letter",
     cmd_pack, help_pack},
    {"verify", "BUNDLE.zip|FOLDER ... [选项]",
     "核验收到的压缩包 / verify bundles received from stations",
     cmd_verify, help_verify},
    {"merge", "INBOX/|BUNDLE.zip ... -o OUTDIR/ [选项]",
     "把多个函授站的压缩包合并为一份 / consolidate station bundles into one submission",
     cmd_merge, help_merge},
    {"fix", "PHOTOS/ -o FIXED/ [选项]",
     "把不合格的照片修正为合格的副本 / write conforming copies of nonconforming photos",
     cmd_fix, help_fix},
    {"drop", "FOLDER [--no-open] [--wait]",
     "拖放文件夹：找到花名册和照片，检查，没有错误就打包到旁边的 outbox / check and pack a dropped folder",
     cmd_drop, help_drop},
    {"template", "ROSTER.xlsx [--profile P]",
     "生成空白花名册工作簿，在 Excel/WPS 中填写 / write an empty roster workbook to fill in",
     cmd_template, help_template},
    {"codes", "[--markdown|--format json]",
     "列出所有问题代码 / list every finding code",
     cmd_codes, help_codes},
};

static void usage(FILE *out)
{
    fprintf(out, "gradpack %s — 函授站毕业生照片与花名册的检查和打包工具\n\n用法:\n", gp_version());
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  gradpack %-7s %s\n      %s\n", commands[i].name, commands[i].synopsis,
                commands[i].summary);
    fputs("\n  gradpack help COMMAND     某个命令的详细说明 / help on one command\n"
          "  gradpack --version, -V       版本 / version\n\n"
          "退出状态 / exit status: 0 没有错误, 1 数据有错误, 2 用法错误或无法打开输入\n",
          out);
}

static const gp_command *find(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

/* An unknown command: one line saying so, the nearest command if any, and
 * where the list is (not the whole usage). */
static int unknown_command(const char *name)
{
    const char *names[sizeof commands / sizeof commands[0] + 1];
    size_t n = 0;
    for (; n < sizeof commands / sizeof commands[0]; n++)
        names[n] = commands[n].name;
    names[n++] = "help";
    const char *guess = cli_closest(name, names, n);
    fprintf(stderr, "gradpack: 没有 '%s' 这个命令。", name);
    if (guess)
        fprintf(stderr, "您是不是要输入 gradpack %s？", guess);
    fputs("\n全部命令见 'gradpack --help'。\n", stderr);
    return EXIT_FAILURE_RUN;
}

int main(int argc, char **argv)
{
    /* Windows: this process may be the library's isolated child (.xls) */
    int child_exit;
    if (gp_run_isolated_child(argc, argv, &child_exit))
        return child_exit;
    setlocale(LC_CTYPE, "");
    gp_host_init(&argc, &argv);
    opterr = 0; /* option errors are printed in Chinese by cli_bad_option */
    if (argc < 2) {
        usage(stderr);
        if (gp_console_closes_at_exit()) { /* double-clicked: say how, then wait */
            fputs("\n要检查并打包，请把放花名册和照片的文件夹拖到 gradpack.exe 上。\n", stderr);
            cli_wait_for_key();
        }
        return EXIT_FAILURE_RUN;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--version") || !strcmp(name, "-V") || !strcmp(name, "version")) {
        printf("gradpack %s\n", gp_version());
        return EXIT_CLEAN;
    }
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    if (!strcmp(name, "help")) {
        if (argc <= 2) {
            usage(stdout);
            return EXIT_CLEAN;
        }
        const gp_command *cmd = find(argv[2]);
        if (!cmd)
            return unknown_command(argv[2]);
        cmd->help(stdout);
        return EXIT_CLEAN;
    }
    const gp_command *cmd = find(name);
    if (!cmd && argc == 2 && gp_path_is_directory(name)) /* a folder dropped on gradpack.exe */
        return cmd_drop_dragged(name);
    if (!cmd)
        return unknown_command(name);
    cli_install_signal_handlers();
    return cmd->run(argc - 1, argv + 1);
}
