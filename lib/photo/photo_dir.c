/*
 * photo_dir.c — which files in the photo folder are photos, and under which
 * number.  Names are NNNN.jpg or NNNN.jpeg (any case), NNNN in 0001–9999.
 * Everything else is reported, never guessed at: a second file for a number
 * is photo.ambiguous, other files are photo.stray_file (info), except the
 * litter Windows and macOS leave behind, which is ignored silently.
 *
 * Only regular files (or symlinks to them) are listed: the check reads every
 * listed file, and opening a FIFO or a device would block or read forever.
 * The folder is opened once (lib/core/os.h) and everything is listed,
 * looked at and later read relative to that fd: a folder swapped meanwhile
 * is never followed.
 * Names are sorted byte-wise first so the outcome never depends on the order
 * the file system returns them in.
 */
#include "core/base.h"
#include "core/files.h"
#include "core/findings.h"
#include "photo/photo.h"
#include "core/messages.h"
#include "core/atomic.h"
#include "core/os.h"
#include "core/testhook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Files operating systems create by themselves in any folder. */
static const char *const system_litter[] = {"Thumbs.db", "desktop.ini", ".DS_Store",
                                            "ehthumbs.db"};

static bool is_system_litter(const char *name)
{
    for (size_t i = 0; i < GPI_ARRAY_LEN(system_litter); i++)
        if (strcasecmp(name, system_litter[i]) == 0)
            return true;
    return false;
}
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool has_photo_extension(const char *ext)
{
    return strcasecmp(ext, "jpg") == 0 || strcasecmp(ext, "jpeg") == 0;
}

/* Number of leading digits when name is digits + "." + jpg/jpeg, else 0. */
static size_t photo_like_digits(const char *name)
{
    size_t n = 0;
    while (is_digit(name[n]))
        n++;
    if (n == 0 || name[n] != '.' || !has_photo_extension(name + n + 1))
        return 0;
    return n;
}

/* A valid photo name: copies the number to seq. */
static bool photo_seq(const char *name, char seq[5])
{
    if (photo_like_digits(name) != 4 || strncmp(name, "0000", 4) == 0)
        return false;
    memcpy(seq, name, 4);
    seq[4] = '\0';
    return true;
}

/* The name for messages: invalid UTF-8 bytes (a GBK name copied from an old
 * Windows machine) shown as \xNN so reports stay valid UTF-8. */
static char *display_name(const char *name)
{
    size_t len = strlen(name);
    if (gpi_utf8_valid(name, len))
        return strdup(name);
    gpi_buf buf = {0};
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x80)
            gpi_buf_append(&buf, &name[i], 1);
        else
            gpi_buf_printf(&buf, "\\x%02X", c);
    }
    return gpi_buf_take(&buf);
}

typedef struct scan {
    const char *dir;
    int fd;
    gp_report *report;
    gpi_photo_dir *photos;
    bool nomem;
} scan;

static void add(scan *s, bool ok)
{
    if (!ok)
        s->nomem = true;
}

/* "0001.jpg.jpg" (Windows hides the known extension, so the clerk typed it
 * again): the length of the photo name before the doubled extension, else 0. */
static size_t doubled_extension(const char *name)
{
    size_t digits = 0;
    while (is_digit(name[digits]))
        digits++;
    if (digits != 4 || name[4] != '.')
        return 0;
    const char *second = strchr(name + 5, '.');
    if (!second)
        return 0;
    char first[8];
    size_t len = (size_t)(second - (name + 5));
    if (len >= sizeof first)
        return 0;
    memcpy(first, name + 5, len);
    first[len] = '\0';
    return has_photo_extension(first) && has_photo_extension(second + 1) ? (size_t)(second - name)
                                                                         : 0;
}

/* The name without spaces (ASCII, tab, the full-width U+3000): "0004 .jpg"
 * becomes "0004.jpg".  malloc'd; NULL when there was no space or on OOM. */
static char *without_spaces(const char *name)
{
    char *out = malloc(strlen(name) + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    bool any = false;
    for (const char *p = name; *p;) {
        if (*p == ' ' || *p == '\t') {
            any = true;
            p++;
        } else if (!strncmp(p, "\xe3\x80\x80", 3)) {
            any = true;
            p += 3;
        } else
            out[k++] = *p++;
    }
    out[k] = '\0';
    if (!any) {
        free(out);
        return NULL;
    }
    return out;
}

/* How many files in a subfolder are named like photos (up to 9999), and
 * the first such name. */
static size_t photos_in_subfolder(int dir_fd, const char *name, char first[256])
{
    int d = gpi_os_dir_open_at(dir_fd, name);
    char **names = NULL;
    size_t count = 0, n = 0;
    first[0] = '\0';
    if (d >= 0 && gpi_os_dir_list(d, 100000, &names, &count, NULL) != 0)
        names = NULL, count = 0;
    if (d >= 0)
        gpi_os_close(d);
    char seq[5];
    for (size_t i = 0; i < count && n < 9999; i++)
        if (photo_seq(names[i], seq)) {
            if (!n) /* the list is sorted: the first is the smallest */
                snprintf(first, 256, "%s", names[i]);
            n++;
        }
    gpi_os_names_free(names, count);
    return n;
}

/* Why a file is not taken as a photo, for the stray-file message. */
static void report_stray(scan *s, const char *name, const char *shown, bool is_dir)
{
    gpi_where w = {.file = shown};
    size_t digits = photo_like_digits(name);
    size_t doubled = is_dir ? 0 : doubled_extension(name);
    char *unspaced = is_dir ? NULL : without_spaces(name);
    char seq[5];
    char first[256];
    size_t inside = is_dir ? photos_in_subfolder(s->fd, name, first) : 0;
    if (is_dir && inside)
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, NULL,
                             "子文件夹“%s”里有 %zu 张照片（如 %s），子文件夹里的照片不会被检查或提交："
                             "请把它们移到照片文件夹本身",
                             shown, inside, first));
    else if (is_dir)
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, NULL,
                             "子文件夹“%s”里的文件不会被检查或提交",
                             shown));
    else if (doubled) {
        char fixed[16];
        snprintf(fixed, sizeof fixed, "%.*s", (int)doubled, name);
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, fixed,
                             "照片 %.4s 的文件名多了 %s：请把“%s”改名为 %.*s（Windows 默认隐藏扩展名，"
                             "改名时只需输入 %.4s）",
                             name, name + doubled, shown, (int)doubled, name, name));
    } else if (unspaced && photo_seq(unspaced, seq))
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, unspaced,
                             "文件名“%s”中有空格，不会被当作照片 %s：请改名为 %s", shown, seq,
                             unspaced));
    else if (name[0] == '.')
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, NULL,
                             "隐藏文件“%s”通常是苹果电脑复制时留下的附属文件，可以删除",
                             shown));
    else if (digits == 4)
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "0001–9999",
                             "“%s”中的 0000 不是有效的拍摄序号（应为 0001–9999）", shown));
    else if (digits > 4)
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "NNNN.jpg",
                             "“%s”的拍摄序号不是四位数字（应为 0001–9999）", shown));
    else if (digits > 0 && atoi(name) > 0)
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "NNNN.jpg",
                             "“%s”的拍摄序号没有写满四位，应改名为 %04d%s",
                             shown, atoi(name), name + digits));
    else
        add(s, gpi_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "NNNN.jpg",
                             "“%s”不是按“四位拍摄序号.jpg”命名的照片，不会被检查或提交", shown));
    free(unspaced);
}

/* A photo name that is not a regular file (a FIFO, a device, a broken
 * link): it cannot be checked, and it must not be opened. */
static void report_unreadable(scan *s, const char *name, const char seq[5], int sys_errno)
{
    gpi_where w = {.seq = seq, .file = name};
    if (sys_errno)
        add(s, gpi_report_add(s->report, GP_PHOTO_UNREADABLE, &w, NULL, NULL,
                             "无法读取照片 %s：%s", name, gpi_errno_text(sys_errno)));
    else
        add(s, gpi_report_add(s->report, GP_PHOTO_UNREADABLE, &w, NULL, NULL,
                             "照片 %s 不是普通文件（可能是设备或管道），不会读取它", name));
}

static void add_photo(scan *s, const char *name, const char seq[5], uint64_t size)
{
    gpi_photo_dir *p = s->photos;
    size_t n = p->count;
    if (n > 0 && strcmp(p->files[n - 1].seq, seq) == 0) {
        /* names are sorted, but 0001.jpeg sorts after 0001.jpg only within
         * the same number: the earlier name is the one kept */
        gpi_where w = {.seq = seq, .file = name};
        add(s, gpi_report_add(s->report, GP_PHOTO_AMBIGUOUS, &w, name, p->files[n - 1].name,
                             "拍摄序号 %s 有两个照片文件：%s 和 %s；检查的是 %s，%s 被忽略",
                             seq, p->files[n - 1].name, name, p->files[n - 1].name, name));
        return;
    }
    gpi_photo_file *f = &p->files[n];
    memcpy(f->seq, seq, 5);
    f->name = strdup(name);
    f->path = gpi_path_join(s->dir, name);
    f->size = size;
    f->folder = p;
    if (!f->name || !f->path) {
        free(f->name);
        free(f->path);
        s->nomem = true;
        return;
    }
    p->count++;
}

static void classify(scan *s, const char *name)
{
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || is_system_litter(name) ||
        gpi_atomic_is_own_file(name))
        return;
    char *path = gpi_path_join(s->dir, name);
    char *shown = display_name(name);
    if (!path || !shown) {
        s->nomem = true;
        goto out;
    }
    gpi_os_stat st;
    int stat_errno = gpi_os_stat_at_ex(s->fd, name, true, &st) == 0 ? 0 : errno; /* follows links */
    bool is_dir = stat_errno == 0 && st.type == GPI_OS_DIRECTORY;
    char seq[5];
    if (is_dir || name[0] == '.' || !photo_seq(name, seq))
        report_stray(s, name, shown, is_dir);
    else if (stat_errno || st.type != GPI_OS_REGULAR)
        report_unreadable(s, name, seq, stat_errno);
    else
        add_photo(s, name, seq, st.size);
out:
    free(path);
    free(shown);
}

/* All names in the folder, sorted byte-wise; *fd is the open folder.
 * false with err set. */
static bool list_names(const char *dir, int *fd, char ***names, size_t *count, gp_error *err)
{
    *names = NULL;
    *count = 0;
    *fd = gpi_os_dir_open(dir, true);
    if (*fd < 0)
        return gpi_error_set(err, GP_ERR_OPEN, errno, "无法打开照片文件夹 '%s'：%s", dir,
                            gpi_os_strerror(errno));
    if (gpi_os_dir_list(*fd, 0, names, count, NULL) != 0) {
        int saved = errno;
        gpi_os_close(*fd);
        *fd = -1;
        if (saved == ENOMEM)
            return gpi_error_nomem(err);
        return gpi_error_set(err, GP_ERR_OPEN, saved, "无法读取照片文件夹 '%s'：%s", dir,
                            gpi_errno_text(saved));
    }
    return true;
}

static void free_names(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const gpi_photo_file *)a)->seq, ((const gpi_photo_file *)b)->seq);
}

gpi_photo_dir *gpi_photo_dir_scan(const char *dir, gp_report *report, gp_error *err)
{
    char **names;
    size_t count;
    int fd;
    if (!list_names(dir, &fd, &names, &count, err))
        return NULL;
    gpi_photo_dir *photos = calloc(1, sizeof *photos);
    if (photos)
        photos->files = calloc(count ? count : 1, sizeof *photos->files);
    if (!photos || !photos->files) {
        free(photos);
        free_names(names, count);
        gpi_os_close(fd);
        gpi_error_nomem(err);
        return NULL;
    }
    photos->fd = fd;
    scan s = {.dir = dir, .fd = fd, .report = report, .photos = photos};
    for (size_t i = 0; i < count && !s.nomem; i++)
        classify(&s, names[i]);
    free_names(names, count);
    if (s.nomem) {
        gpi_photo_dir_free(photos);
        gpi_error_nomem(err);
        return NULL;
    }
    gpi_test_pause(GPI_TEST_PAUSE_AFTER_SCAN);
    /* byte order already puts equal numbers together; this only makes the
     * seq order explicit */
    qsort(photos->files, photos->count, sizeof *photos->files, compare_files);
    return photos;
}

void gpi_photo_dir_free(gpi_photo_dir *photos)
{
    if (!photos)
        return;
    for (size_t i = 0; i < photos->count; i++) {
        free(photos->files[i].name);
        free(photos->files[i].path);
    }
    free(photos->files);
    gpi_os_close(photos->fd);
    free(photos);
}
