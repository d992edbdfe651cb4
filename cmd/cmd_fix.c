/* gradpack fix PHOTOS/ -o FIXED/ */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void help_fix(FILE *out)
{
    fputs("用法: gradpack fix PHOTOS/ -o FIXED/ [选项]\n"
          "\n"
          "把照片文件夹中不合规格的照片改成合格的副本，写到另一个文件夹（同名文件）；\n"
          "原照片不会被改动。已经合格的照片原样复制（不重新压缩）。会修正：尺寸（按比例\n"
          "缩放到 960×1280，不拉伸）、文件大小（自动选择压缩质量，落在 550–650 KB）、\n"
          "300 dpi、CMYK/Adobe RGB 等颜色转为 sRGB、Exif 旋转标记（转正画面），并去掉\n"
          "Exif/XMP 等元数据。灰度照片、宽高比不是 3:4 的照片和画面过于单调无法达到\n"
          "最小大小的照片会报告出来，不会写出。\n"
          "\n"
          "选项:\n"
          "  -o, --output DIR      输出文件夹（必填；不能是照片文件夹本身；不存在时自动创建）\n"
          "  --profile NAME|FILE   照片规格（默认 " GP_DEFAULT_PROFILE "；见 templates/profiles/）\n"
          "  --crop none|center    宽高比不是 3:4 时：none 不处理并报告（默认），center 居中裁剪\n"
          "  --force               覆盖输出文件夹中已有的同名文件\n"
          "  --threads N           并行线程数（默认每个 CPU 核一个）\n"
          CLI_HTML_HELP
          "  --format text|json    输出格式（默认 text；json 供脚本使用）\n"
          "  --quiet               只显示错误；没有错误时什么也不显示\n"
          "  --color auto|always|never\n"
          "\n"
          "退出状态: 0 全部照片已合格写出, 1 有照片无法修正, 2 用法错误、无法打开输入或无法写出\n",
          out);
}

int cmd_fix(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"output", required_argument, NULL, 'o'},
        {"profile", required_argument, NULL, 'p'},
        {"crop", required_argument, NULL, 'c'},
        {"force", no_argument, NULL, 'f'},
        {"threads", required_argument, NULL, 'j'},
        CLI_HTML_LONG_OPTION,
        CLI_COMMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    gp_fix_options options = {0};
    output_options out = {.format = FORMAT_TEXT, .color = -1};
    int opt;
    while ((opt = getopt_long(argc, argv, "ho:qj:", long_options, NULL)) != -1) {
        int common = cli_common_option(opt, optarg, &out);
        if (common < 0)
            return cli_usage_error("fix", "选项值 '%s' 无效", optarg);
        if (common)
            continue;
        switch (opt) {
        case 'o': options.output_dir = optarg; break;
        case 'p': options.profile = optarg; break;
        case 'c':
            if (!strcmp(optarg, "none"))
                options.crop = GP_CROP_NONE;
            else if (!strcmp(optarg, "center"))
                options.crop = GP_CROP_CENTER;
            else
                return cli_usage_error("fix", "--crop 只能是 none 或 center");
            break;
        case 'f': options.force = true; break;
        case 'j':
            if (!cli_parse_threads(optarg, &options.threads))
                return cli_usage_error("fix", "--threads 需要 0–256 的整数");
            break;
        case 'h': help_fix(stdout); return EXIT_CLEAN;
        default: return cli_usage_error("fix", "无效的选项");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("fix", "需要一个参数：照片文件夹");
    if (!options.output_dir)
        return cli_usage_error("fix", "需要用 -o 指定输出文件夹");
    gp_error err = {0};
    options.thumbnails = out.html != NULL;
    gp_report *report = gp_fix(argv[optind], &options, &err);
    if (!report)
        return cli_fail("fix", &err);
    return cli_finish(report, &out);
}
