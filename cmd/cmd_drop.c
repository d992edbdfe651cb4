/* gradpack drop FOLDER: the clerk's path with no terminal.  Dropping a folder
 * onto gradpack.exe (or double-clicking 检查并打包.bat inside it) runs this:
 * find the roster and the photos in the folder, check and pack in one pass
 * (gp_pack writes nothing when the data has errors), write the report beside
 * the roster, open it, and when there are no errors open the outbox folder
 * beside FOLDER where the bundle was written. */
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_HTML "检查结果.html"
#define OUTBOX GP_OUTBOX_NAME

void help_drop(FILE *out)
{
    fputs("用法: gradpack drop FOLDER [选项]\n"
          "      （Windows：把文件夹拖到 gradpack.exe 上，或双击文件夹里的 检查并打包.bat）\n"
          "\n"
          "在文件夹里找花名册（.csv 或 .xlsx，有多个时取名字含“花名册”的那一个）和照片\n"
          "（名为 照片、相片 或 photos 的子文件夹，或只有一个放着 .jpg 的子文件夹，否则就是\n"
          "文件夹本身），检查并把结果写到文件夹里的 " REPORT_HTML "，在浏览器中打开；没有错误时\n"
          "打包到文件夹旁边的 " OUTBOX " 文件夹（覆盖上次的结果）并打开它。\n"
          "文件夹里有 station.ini 时用它填写邮件正文。\n"
          "\n"
          "选项:\n"
          "  --no-open     不打开结果文件和 outbox 文件夹（脚本和测试用）\n"
          "  --wait        结束时显示“按任意键关闭”并等待\n"
          "  --outbox DIR  打包到 DIR（默认：FOLDER 旁边的 outbox）\n"
          "\n"
          "退出状态: 0 没有错误并已打包, 1 有错误（没有打包）, 2 找不到花名册或无法打开输入\n",
          out);
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t at = a;
    if (at && dir[at - 1] != '/' && dir[at - 1] != '\\')
        p[at++] = '/';
    memcpy(p + at, name, b + 1);
    return p;
}

/* Find the roster, photo folder and station file in folder (the library's
 * rules).  0, or 2 with a message printed. */
static int find_inputs(const char *folder, gp_station_folder *in)
{
    gp_error err = {0};
    bool found = gp_station_folder_find(folder, in, &err);
    if (in->truncated)
        fprintf(stderr, "gradpack: 文件夹 '%s' 里的文件太多，只看了其中一部分。"
                        "请把花名册和照片放进一个单独的文件夹再试。\n",
                folder);
    return found ? 0 : cli_fail("drop", &err);
}

/* The report, where the clerk will look: the HTML report beside the
 * roster, opened in the browser.  malloc'd path or NULL. */
static char *write_report(const gp_report *report, const char *folder)
{
    char *path = join(folder, REPORT_HTML);
    if (!path)
        return NULL;
    gp_error err = {0};
    if (!gp_report_write_html(report, path, 0, &err)) {
        cli_fail("drop", &err);
        free(path);
        return NULL;
    }
    return path;
}

static int drop(const char *folder, const char *outbox_arg, bool open)
{
    gp_station_folder in = {0};
    int status = find_inputs(folder, &in);
    if (status) {
        gp_station_folder_clear(&in);
        return status;
    }
    char *outbox = outbox_arg ? strdup(outbox_arg) : gp_outbox_beside(folder);
    if (!outbox) {
        gp_station_folder_clear(&in);
        fputs("gradpack: 无法确定 outbox 文件夹的位置\n", stderr);
        return EXIT_FAILURE_RUN;
    }
    printf("花名册: %s\n照片:   %s\n", in.roster, in.photos);
    if (in.station)
        printf("站点信息: %s\n", in.station);
    fflush(stdout);

    gp_pack_options options = {0};
    options.check.thumbnails = true; /* the page the clerk looks at shows every photo */
    options.output_dir = outbox;
    options.station_path = in.station;
    options.force = true; /* the outbox holds the latest result */
    gp_error err = {0};
    gp_report *report = gp_pack(in.roster, in.photos, &options, &err);
    if (!report) {
        status = cli_fail("drop", &err);
        goto done;
    }
    status = gp_report_exit_status(report);
    char *text = gp_report_to_text(report, 0);
    if (text) {
        fputs(text, stdout);
        free(text);
    }
    /* the report goes beside the roster, which is always in the folder itself */
    char *report_path = write_report(report, folder);
    gp_report_free(report);
    if (report_path) {
        printf("\n检查结果已写到: %s\n", report_path);
        if (open)
            gp_open_for_user(report_path);
        free(report_path);
    } else if (status == 0) {
        status = EXIT_FAILURE_RUN;
    }
    if (status == 0) {
        printf("没有错误，已打包到: %s\n请把这个文件夹里的文件作为邮件附件发送。\n", outbox);
        if (open)
            gp_open_for_user(outbox);
    } else if (status == 1) {
        fputs("有错误，没有打包。请按检查结果修改后再试一次。\n", stdout);
    }
done:
    fflush(stdout);
    free(outbox);
    gp_station_folder_clear(&in);
    return status;
}

int cmd_drop(int argc, char **argv)
{
    enum { OPT_NO_OPEN = 256, OPT_WAIT, OPT_OUTBOX };
    static const struct option long_options[] = {
        {"no-open", no_argument, NULL, OPT_NO_OPEN},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"outbox", required_argument, NULL, OPT_OUTBOX},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool open = true, wait = false;
    const char *outbox = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (opt) {
        case OPT_NO_OPEN: open = false; break;
        case OPT_WAIT: wait = true; break;
        case OPT_OUTBOX: outbox = optarg; break;
        case 'h': help_drop(stdout); return EXIT_CLEAN;
        default: return cli_usage_error("drop", "无效的选项");
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("drop", "需要一个参数：放花名册和照片的文件夹");
    int status = drop(argv[optind], outbox, open);
    if (wait)
        cli_wait_for_key();
    return status;
}

int cmd_drop_dragged(const char *folder)
{
    int status = drop(folder, NULL, true);
    cli_wait_for_key();
    return status;
}
