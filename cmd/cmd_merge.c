/* gradpack merge INBOX_OR_BUNDLES... -o OUTDIR */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void help_merge(FILE *out)
{
    fputs("用法: gradpack merge 收件文件夹|压缩包.zip ... -o 输出文件夹 [选项]\n"
          "\n"
          "把各函授站发来的提交包合并成一份汇总提交（供每晚定时运行）：\n"
          "每个压缩包先按 verify 的全部规则核验，不通过的暂不合并（merge.bundle_held）；\n"
          "同一身份证号出现在两个压缩包中：内容和照片完全相同（重复发送）只保留文件名在前的一份，\n"
          "否则两份都暂不合并（merge.duplicate_student）。拍摄序号按“压缩包文件名，再按原序号”\n"
          "重新编为 0001…，照片随之改名；对照表写入压缩包的 mapping.csv 和工作簿第二页。\n"
          "超过 9999 人时分成 名称-1、名称-2 … 几个独立的汇总包。\n"
          "输入未变时重新运行得到相同的字节，且不改写任何文件。\n"
          "\n"
          "选项:\n"
          "  -o, --output DIR      输出文件夹（必填；同一文件夹同时只能有一个 gradpack 在运行）\n"
          "  --name NAME           输出文件名（默认“院校代码-汇总”）\n"
          "  --strict              有任何压缩包或学生不能合并时，整次运行失败，不写出任何文件\n"
          "  --profile NAME|FILE   按哪个照片规格核验（本单位决定，不由压缩包决定；默认取\n"
          "                        --config 中 [office] profile，否则 /etc/gradpack/office.ini，\n"
          "                        否则 " GP_DEFAULT_PROFILE "）\n"
          "  --config FILE         本单位配置文件（.ini，[office] profile = 规格名）\n"
          "  --password-file FILE  加密压缩包的密码（文件第一行，去掉 BOM 和行尾空白）\n"
          "  --encoding ENC        花名册编码：UTF-8 或 GB18030（默认自动识别）\n"
          "  --threads N           并行线程数（默认每个 CPU 核一个）\n"
          CLI_HTML_HELP
          "  --format text|json    输出格式（默认 text；json 是供脚本读取的汇总）\n"
          "  -v, --verbose         成功时也显示报告（默认成功时不输出任何内容）\n"
          "  --quiet               只显示错误\n"
          "  --color auto|always|never\n"
          "\n"
          "退出状态: 0 全部合并, 1 有压缩包或学生暂不合并（--strict 时未写出任何文件）,\n"
          "          2 无法运行（用法错误、输入无法打开、输出文件夹被另一次运行锁定）\n",
          out);
}

int cmd_merge(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"output", required_argument, NULL, 'o'},
        {"name", required_argument, NULL, 'n'},
        {"strict", no_argument, NULL, 's'},
        {"password-file", required_argument, NULL, 'P'},
        {"profile", required_argument, NULL, 'p'},
        {"config", required_argument, NULL, 'c'},
        {"encoding", required_argument, NULL, 'e'},
        {"threads", required_argument, NULL, 'j'},
        {"verbose", no_argument, NULL, 'v'},
        CLI_HTML_LONG_OPTION,
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    gp_merge_options options = {0};
    output_options out = {.format = FORMAT_TEXT, .color = -1};
    const char *password_file = NULL;
    bool verbose = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "hqvo:j:", long_options, NULL)) != -1) {
        int common = cli_common_option(opt, optarg, &out);
        if (common < 0)
            return cli_usage_error("merge", "选项值 '%s' 无效", optarg);
        if (common)
            continue;
        switch (opt) {
        case 'o': options.output_dir = optarg; break;
        case 'n': options.name = optarg; break;
        case 's': options.strict = true; break;
        case 'P': password_file = optarg; break;
        case 'p': options.verify.profile = optarg; break;
        case 'c': options.verify.config = optarg; break;
        case 'e': options.verify.encoding = optarg; break;
        case 'v': verbose = true; break;
        case 'j':
            if (!cli_parse_threads(optarg, &options.verify.threads))
                return cli_usage_error("merge", "--threads 需要 0–256 的整数");
            break;
        case 'h': help_merge(stdout); return EXIT_CLEAN;
        default: return cli_usage_error("merge", "无效的选项");
        }
    }
    if (!options.output_dir)
        return cli_usage_error("merge", "需要用 -o 指定输出文件夹");
    if (argc - optind < 1)
        return cli_usage_error("merge", "需要至少一个收件文件夹或压缩包（.zip）");
    /* a script's night run is silent when all is well, unless asked */
    if (out.format == FORMAT_TEXT && !verbose)
        out.quiet = true;
    options.verify.password_file = password_file; /* read by the library */
    /* the per-bundle CPU budget for decoding photos (docs/limits.md):
     * raised for a very slow machine, lowered by the tests */
    const char *budget = getenv("GRADPACK_CPU_BUDGET_MS");
    if (budget && *budget)
        options.verify.cpu_budget_ms = strtol(budget, NULL, 10);
    gp_error err = {0};
    options.verify.thumbnails = out.html != NULL;
    gp_report *report = gp_merge((const char *const *)argv + optind, (size_t)(argc - optind),
                                 &options, &err);
    if (!report)
        return cli_fail("merge", &err);
    return cli_finish(report, &out);
}
