/* gradpack codes: every finding code, from the library's one table. */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void help_codes(FILE *out)
{
    fputs("用法: gradpack codes [--markdown | --format json]\n"
          "\n"
          "列出所有问题代码、级别、含义和处理办法（--markdown 输出 Markdown 表格）。\n",
          out);
}

int cmd_codes(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"markdown", no_argument, NULL, 'm'},
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    output_options out = {.format = FORMAT_TEXT, .color = -1};
    bool markdown = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "hqv", long_options, NULL)) != -1) {
        int common = cli_common_option(opt, optarg, &out);
        if (common < 0)
            return cli_usage_error("codes", "选项值 '%s' 无效", optarg);
        if (common)
            continue;
        if (opt == 'm')
            markdown = true;
        else if (opt == 'h') {
            help_codes(stdout);
            return EXIT_CLEAN;
        } else
            return cli_bad_option("codes", argc, argv, long_options, "hqv");
    }
    if (optind != argc)
        return cli_usage_error("codes", "不需要参数");
    if (markdown) {
        char *md = gp_codes_to_markdown();
        if (!md)
            return EXIT_FAILURE_RUN;
        fputs(md, stdout);
        free(md);
        return EXIT_CLEAN;
    }
    if (out.format == FORMAT_JSON) {
        char *json = gp_codes_to_json();
        if (!json)
            return EXIT_FAILURE_RUN;
        fputs(json, stdout);
        free(json);
        return EXIT_CLEAN;
    }
    for (size_t i = 0; i < gp_code_total(); i++) {
        gp_code code = gp_code_at(i);
        printf("%-28s %-7s %s\n", gp_code_name(code), gp_severity_name(gp_code_severity(code)),
               gp_code_title(code));
    }
    return EXIT_CLEAN;
}
