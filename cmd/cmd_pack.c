/* gradpack pack ROSTER.csv PHOTOS/ -o OUTDIR/ */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void help_pack(FILE *out)
{
    fputs("用法: gradpack pack ROSTER.csv PHOTOS/ -o OUTDIR/ [选项]\n"
          "\n"
          "先做 gradpack check 的全部检查；有错误时只列出问题，不写出任何文件。\n"
          "没有错误时在 OUTDIR 写出三样东西，可直接作为邮件附件发给新华社：\n"
          "  NAME.xlsx            花名册工作簿（所有单元格为文本，身份证号不会变形）\n"
          "  NAME.zip             压缩包：花名册、照片、校验清单（分卷时为 NAME-part1-of-3.zip …）\n"
          "  NAME-邮件正文.txt     邮件正文：发送内容、各压缩包的 SHA-256、联系方式\n"
          "\n"
          "选项:\n"
          "  -o, --output DIR        输出文件夹（不存在时自动创建）\n"
          "  --name NAME             文件名（默认：院校代码-函授站名称-首序号-末序号）\n"
          "  --station FILE          函授站信息（复制 templates/station.ini 填写）\n"
          "  --max-part-size SIZE    分卷，每卷不超过 SIZE（如 20M、35M；QQ邮箱、企业微信邮箱建议 35M）\n"
          "  --encrypt               用 WinZip AES-256 加密压缩包（7-Zip、WinRAR、Bandizip 可打开）\n"
          "  --password-file FILE    加密密码取自文件第一行（去掉 BOM 和行尾空白）；不给时自动生成并只在屏幕上显示一次\n"
          "  --force                 覆盖已存在的输出文件\n"
          "  --shared                输出文件允许同组和其他用户读取（0644，仍受 umask 限制）；\n"
          "                          默认只有自己可读写（0600），因为其中有身份证号\n"
          "  --profile NAME|FILE     照片规格（默认 " GP_DEFAULT_PROFILE "）\n"
          "  --encoding ENC          花名册编码：UTF-8 或 GB18030（默认自动识别）\n"
          "  --sheet NAME|N          花名册是 Excel 工作簿时读哪个工作表（名称或从 1 起的序号；默认第一个有表头的）\n"
          "  --threads N             并行线程数（默认每个 CPU 核一个）\n"
          CLI_HTML_HELP
          "  --format text|json      输出格式（默认 text；json 供脚本使用）\n"
          "  --quiet                 只显示错误；成功时什么也不显示\n"
          "  --color auto|always|never\n"
          "\n"
          "密码不会写进任何文件（包括邮件正文）：请通过电话或短信另行告知新华社。\n"
          "退出状态: 0 已打包（可以有警告）, 1 数据有错误、未写出文件, 2 用法错误或无法读写\n",
          out);
}

static void announce_password(const char *password)
{
    fprintf(stderr,
            "\n压缩包密码（只显示这一次，不会保存到任何文件）：\n\n    %s\n\n"
            "请抄下来，通过电话或短信另行告知新华社，不要和压缩包放在同一封邮件里。\n\n",
            password);
}

int cmd_pack(int argc, char **argv)
{
    enum { OPT_NAME = 256, OPT_STATION, OPT_MAX_PART, OPT_ENCRYPT, OPT_PASSWORD_FILE, OPT_FORCE,
           OPT_SHARED };
    static const struct option long_options[] = {
        {"output", required_argument, NULL, 'o'},
        {"name", required_argument, NULL, OPT_NAME},
        {"station", required_argument, NULL, OPT_STATION},
        {"max-part-size", required_argument, NULL, OPT_MAX_PART},
        {"encrypt", no_argument, NULL, OPT_ENCRYPT},
        {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
        {"force", no_argument, NULL, OPT_FORCE},
        {"shared", no_argument, NULL, OPT_SHARED},
        {"profile", required_argument, NULL, 'p'},
        {"encoding", required_argument, NULL, 'e'},
        {"sheet", required_argument, NULL, 'S'},
        {"threads", required_argument, NULL, 'j'},
        CLI_HTML_LONG_OPTION,
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    gp_pack_options options = {0};
    output_options out = {.format = FORMAT_TEXT, .color = -1};
    const char *password_file = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "ho:qj:", long_options, NULL)) != -1) {
        int common = cli_common_option(opt, optarg, &out);
        if (common < 0)
            return cli_usage_error("pack", "选项值 '%s' 无效", optarg);
        if (common)
            continue;
        switch (opt) {
        case 'o': options.output_dir = optarg; break;
        case OPT_NAME: options.name = optarg; break;
        case OPT_STATION: options.station_path = optarg; break;
        case OPT_MAX_PART:
            if (!gp_parse_size(optarg, &options.max_part_bytes))
                return cli_usage_error("pack", "--max-part-size '%s' 无效：请写成 20M、35M、650K 这样的大小",
                                       optarg);
            break;
        case OPT_ENCRYPT: options.encrypt = true; break;
        case OPT_PASSWORD_FILE: password_file = optarg; break;
        case OPT_FORCE: options.force = true; break;
        case OPT_SHARED: options.shared = true; break;
        case 'p': options.check.profile = optarg; break;
        case 'e': options.check.encoding = optarg; break;
        case 'S': options.check.sheet = optarg; break;
        case 'j':
            if (!cli_parse_threads(optarg, &options.check.threads))
                return cli_usage_error("pack", "--threads 需要 0–256 的整数");
            break;
        case 'h': help_pack(stdout); return EXIT_CLEAN;
        default: return cli_usage_error("pack", "无效的选项");
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("pack", "需要两个参数：花名册文件和照片文件夹");
    if (!options.output_dir)
        return cli_usage_error("pack", "需要用 -o 指定输出文件夹");
    if (password_file && !options.encrypt)
        return cli_usage_error("pack", "--password-file 需要和 --encrypt 一起用");
    options.password_file = password_file; /* read by the library */
    gp_error err = {0};
    options.check.thumbnails = out.html != NULL;
    gp_report *report = gp_pack(argv[optind], argv[optind + 1], &options, &err);
    if (!report)
        return cli_fail("pack", &err);
    if (options.generated_password) {
        if (gp_report_exit_status(report) == 0)
            announce_password(options.generated_password);
        memset(options.generated_password, 0, strlen(options.generated_password));
        free(options.generated_password);
    }
    return cli_finish(report, &out);
}
