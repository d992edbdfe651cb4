/* gradpack drop FOLDER: the clerk's path with no terminal.  Dropping a folder
 * onto gradpack.exe (or double-clicking 检查并打包.bat inside it) runs this:
 * find the roster and the photos in the folder, check and pack in one pass
 * (gp_pack writes nothing when the data has errors), write the report beside
 * the roster, open it, and when there are no errors open the outbox folder
 * beside FOLDER where the bundle was written. */
#include "commands.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_HTML "检查结果.html"
#define OUTBOX "outbox"

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

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    if (a < b)
        return false;
    for (size_t i = 0; i < b; i++)
        if (tolower((unsigned char)s[a - b + i]) != tolower((unsigned char)suffix[i]))
            return false;
    return true;
}

static bool equals_ci(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

static bool is_roster_name(const char *name)
{
    return name[0] != '.' && name[0] != '~' &&
           (ends_with_ci(name, ".csv") || ends_with_ci(name, ".xlsx") || ends_with_ci(name, ".xls"));
}

/* Names read from one folder at most (photo numbers stop at 9999). */
#define FOLDER_NAMES_MAX 65536

static bool has_jpeg(const char *dir)
{
    size_t n = 0;
    char **names = gp_folder_names(dir, FOLDER_NAMES_MAX, &n, NULL, NULL);
    bool found = false;
    for (size_t i = 0; names && i < n && !found; i++)
        found = ends_with_ci(names[i], ".jpg") || ends_with_ci(names[i], ".jpeg");
    gp_folder_names_free(names, n);
    return found;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct drop_inputs {
    char *roster;
    char *photos;
    char *station;
} drop_inputs;

static void inputs_free(drop_inputs *in)
{
    free(in->roster);
    free(in->photos);
    free(in->station);
}

/* Find the roster, photo folder and station file in folder.  0, or 2 with a
 * message printed. */
static int find_inputs(const char *folder, drop_inputs *in)
{
    gp_error err = {0};
    size_t count = 0;
    bool truncated = false;
    char **names = gp_folder_names(folder, FOLDER_NAMES_MAX, &count, &truncated, &err);
    if (!names)
        return cli_fail("drop", &err);
    if (truncated)
        fprintf(stderr, "gradpack: 文件夹 '%s' 里的文件超过 %d 个，只看了其中一部分。"
                        "请把花名册和照片放进一个单独的文件夹再试。\n",
                folder, FOLDER_NAMES_MAX);
    char *rosters[64], *subdirs[64];
    size_t nr = 0, ns = 0;
    bool more = false;
    for (size_t k = 0; k < count; k++) {
        const char *name = names[k];
        char *path = join(folder, name);
        if (!path)
            continue;
        if (gp_path_is_directory(path)) {
            if (ns < 64)
                subdirs[ns++] = path;
            else
                free(path);
        } else if (is_roster_name(name)) {
            if (nr < 64)
                rosters[nr++] = path;
            else {
                more = true;
                free(path);
            }
        } else if (equals_ci(name, "station.ini") && !in->station) {
            in->station = path;
        } else {
            free(path);
        }
    }
    gp_folder_names_free(names, count);
    qsort(rosters, nr, sizeof *rosters, compare_strings);
    qsort(subdirs, ns, sizeof *subdirs, compare_strings);

    /* the roster: the only candidate, or the only one named 花名册 */
    int status = 0;
    if (nr == 1) {
        in->roster = rosters[0];
        rosters[0] = NULL;
    } else if (nr > 1) {
        size_t named = 0, at = 0;
        for (size_t i = 0; i < nr; i++)
            if (strstr(rosters[i], "花名册")) {
                named++;
                at = i;
            }
        if (named == 1) {
            in->roster = rosters[at];
            rosters[at] = NULL;
        } else {
            fputs("gradpack: 文件夹里有多个表格，不知道哪个是花名册：\n", stderr);
            for (size_t i = 0; i < nr; i++)
                fprintf(stderr, "  %s\n", rosters[i]);
            fputs("请只留下一个，或把花名册的文件名改成含有“花名册”。\n", stderr);
            status = EXIT_FAILURE_RUN;
        }
    } else {
        fprintf(stderr,
                "gradpack: 文件夹 '%s' 里没有花名册（.csv 或 .xlsx 文件）。\n"
                "请把花名册和照片放在同一个文件夹里，再把这个文件夹拖到 gradpack.exe 上。\n",
                folder);
        status = EXIT_FAILURE_RUN;
    }
    (void)more;

    /* the photos: a folder named for them, the only folder with JPEGs, or
     * the folder itself */
    static const char *const photo_names[] = {"照片", "相片", "图片", "photos", "photo"};
    for (size_t k = 0; !in->photos && k < sizeof photo_names / sizeof photo_names[0]; k++)
        for (size_t i = 0; i < ns; i++) {
            const char *slash = strrchr(subdirs[i], '/');
            if (equals_ci(slash ? slash + 1 : subdirs[i], photo_names[k])) {
                in->photos = subdirs[i];
                subdirs[i] = NULL;
                break;
            }
        }
    if (!in->photos) {
        size_t with = 0, at = 0;
        for (size_t i = 0; i < ns; i++)
            if (has_jpeg(subdirs[i])) {
                with++;
                at = i;
            }
        if (with == 1) {
            in->photos = subdirs[at];
            subdirs[at] = NULL;
        } else {
            in->photos = strdup(folder);
        }
    }
    for (size_t i = 0; i < nr; i++)
        free(rosters[i]);
    for (size_t i = 0; i < ns; i++)
        free(subdirs[i]);
    if (!in->photos && !status) {
        fputs("gradpack: 内存不足 (out of memory)\n", stderr);
        status = EXIT_FAILURE_RUN;
    }
    return status;
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

/* FOLDER's parent + "/outbox", malloc'd. */
static char *outbox_beside(const char *folder)
{
    char *abs = gp_path_absolute(folder);
    if (!abs)
        return NULL;
    size_t n = strlen(abs);
    while (n > 1 && (abs[n - 1] == '/' || abs[n - 1] == '\\') && !(n == 3 && abs[1] == ':'))
        abs[--n] = '\0';
    char *cut = NULL;
    for (char *p = abs; *p; p++)
        if (*p == '/' || *p == '\\')
            cut = p;
    if (cut && cut != abs && !(cut == abs + 2 && abs[1] == ':'))
        *cut = '\0';
    else if (cut)
        cut[1] = '\0';
    char *box = join(abs, OUTBOX);
    free(abs);
    return box;
}

static int drop(const char *folder, const char *outbox_arg, bool open)
{
    drop_inputs in = {0};
    int status = find_inputs(folder, &in);
    if (status) {
        inputs_free(&in);
        return status;
    }
    char *outbox = outbox_arg ? strdup(outbox_arg) : outbox_beside(folder);
    if (!outbox) {
        inputs_free(&in);
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
    /* the report goes beside the roster */
    char *roster_dir = strdup(in.roster);
    char *cut = roster_dir ? roster_dir + strlen(roster_dir) : NULL;
    while (cut && cut > roster_dir && cut[-1] != '/' && cut[-1] != '\\')
        cut--;
    if (cut)
        *cut = '\0';
    char *report_path = roster_dir ? write_report(report, *roster_dir ? roster_dir : ".") : NULL;
    free(roster_dir);
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
    inputs_free(&in);
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
