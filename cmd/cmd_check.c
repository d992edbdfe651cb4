/* gradpack check ROSTER.csv PHOTOS/ */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>

void help_check(FILE *out)
{
    fputs("用法: gradpack check ROSTER.csv|ROSTER.xlsx|ROSTER.xls PHOTOS/ [选项]\n"
          "\n"
          "一次检查花名册的每一行和照片文件夹中的每一张照片，列出全部问题：\n"
          "在哪里（第几行、哪个拍摄序号、哪个文件、哪一项）、看到了什么、应该是什么、怎么改。\n"
          "\n"
          "选项:\n"
          "  --profile NAME|FILE   照片规格（默认 " GP_DEFAULT_PROFILE "；见 templates/profiles/）\n"
          "  --encoding ENC        花名册编码：UTF-8 或 GB18030（默认自动识别）\n"
          "  --sheet NAME|N        花名册是 Excel 工作簿时读哪个工作表（名称或从 1 起的序号；默认第一个有表头的）\n"
          "  --threads N           并行线程数（默认每个 CPU 核一个）\n"
          CLI_HTML_HELP
          "  --format text|json    输出格式（默认 text；json 供脚本使用）\n"
          "  --quiet               只显示错误；没有错误时什么也不显示\n"
          "  --color auto|always|never\n"
          "\n"
          "退出状态: 0 没有错误（可以有警告）, 1 有错误, 2 用法错误或无法打开输入\n",
          out);
}

int cmd_check(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"profile", required_argument, NULL, 'p'},
        {"encoding", required_argument, NULL, 'e'},
        {"sheet", required_argument, NULL, 'S'},
        {"threads", required_argument, NULL, 'j'},
        CLI_HTML_LONG_OPTION,
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    gp_check_options options = {0};
    output_options out = {.format = FORMAT_TEXT, .color = -1};
    int opt;
    while ((opt = getopt_long(argc, argv, "hqj:", long_options, NULL)) != -1) {
        int common = cli_common_option(opt, optarg, &out);
        if (common < 0)
            return cli_usage_error("check", "选项值 '%s' 无效", optarg);
        if (common)
            continue;
        switch (opt) {
        case 'p': options.profile = optarg; break;
        case 'e': options.encoding = optarg; break;
        case 'S': options.sheet = optarg; break;
        case 'j':
            if (!cli_parse_threads(optarg, &options.threads))
                return cli_usage_error("check", "--threads 需要 0–256 的整数");
            break;
        case 'h': help_check(stdout); return EXIT_CLEAN;
        default: return cli_usage_error("check", "无效的选项");
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("check", "需要两个参数：花名册文件和照片文件夹");
    gp_error err = {0};
    options.thumbnails = out.html != NULL;
    gp_report *report = gp_check(argv[optind], argv[optind + 1], &options, &err);
    if (!report)
        return cli_fail("check", &err);
    return cli_finish(report, &out);
}
