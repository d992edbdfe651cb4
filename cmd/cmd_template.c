/* gradpack template ROSTER.xlsx: the empty roster workbook for the clerk. */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>

void help_template(FILE *out)
{
    fputs("用法: gradpack template ROSTER.xlsx [选项]\n"
          "\n"
          "写出一个空白的花名册工作簿：9 列都是文本格式（Excel 不会把身份证号改成科学计数法或\n"
          "去掉开头的 0），学历层次、性别（以及规格固定的学校信息）有下拉列表，表头冻结，打印时\n"
          "横向、一页宽、每页重复表头，另有一页中文填写说明。在 Excel 或 WPS 中填好后保存，\n"
          "直接用 gradpack check/pack 检查和打包，不需要另存为 CSV。\n"
          "\n"
          "选项:\n"
          "  --profile NAME|FILE   照片规格（默认 " GP_DEFAULT_PROFILE "），决定固定的学校信息和填写说明\n"
          "  --force               覆盖已有的文件\n"
          "\n"
          "退出状态: 0 已写出, 2 用法错误或无法写出\n",
          out);
}

int cmd_template(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"profile", required_argument, NULL, 'p'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *profile = NULL;
    bool force = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "hf", long_options, NULL)) != -1) {
        switch (opt) {
        case 'p': profile = optarg; break;
        case 'f': force = true; break;
        case 'h': help_template(stdout); return EXIT_CLEAN;
        default: return cli_usage_error("template", "无效的选项");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("template", "需要一个参数：要写出的工作簿文件名（.xlsx）");
    gp_error err = {0};
    if (gp_template(argv[optind], profile, force, &err) != GP_OK)
        return cli_fail("template", &err);
    printf("已写出花名册模板 %s\n", argv[optind]);
    return EXIT_CLEAN;
}
