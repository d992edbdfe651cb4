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
#include "gp_internal.h"
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
    for (size_t i = 0; i < GP_ARRAY_LEN(system_litter); i++)
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
    if (gp_utf8_valid(name, len))
        return strdup(name);
    gp_buf buf = {0};
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x80)
            gp_buf_append(&buf, &name[i], 1);
        else
            gp_buf_printf(&buf, "\\x%02X", c);
    }
    return gp_buf_take(&buf);
}

typedef struct scan {
    const char *dir;
    int fd;
    gp_report *report;
    gp_photo_dir *photos;
    bool nomem;
} scan;

static void add(scan *s, bool ok)
{
    if (!ok)
        s->nomem = true;
}

/* Why a file is not taken as a photo, for the stray-file message. */
static void report_stray(scan *s, const char *name, const char *shown, bool is_dir)
{
    gp_where w = {.file = shown};
    size_t digits = photo_like_digits(name);
    if (is_dir)
        add(s, gp_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, NULL,
                             "子文件夹“%s”里的文件不会被检查或提交",
                             shown));
    else if (name[0] == '.')
        add(s, gp_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, NULL,
                             "隐藏文件“%s”通常是苹果电脑复制时留下的附属文件，可以删除",
                             shown));
    else if (digits == 4)
        add(s, gp_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "0001–9999",
                             "“%s”中的 0000 不是有效的拍摄序号（应为 0001–9999）", shown));
    else if (digits > 4)
        add(s, gp_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "NNNN.jpg",
                             "“%s”的拍摄序号不是四位数字（应为 0001–9999）", shown));
    else if (digits > 0 && atoi(name) > 0)
        add(s, gp_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "NNNN.jpg",
                             "“%s”的拍摄序号没有写满四位，应改名为 %04d%s",
                             shown, atoi(name), name + digits));
    else
        add(s, gp_report_add(s->report, GP_PHOTO_STRAY_FILE, &w, shown, "NNNN.jpg",
                             "“%s”不是按“四位拍摄序号.jpg”命名的照片，不会被检查或提交", shown));
}

/* A photo name that is not a regular file (a FIFO, a device, a broken
 * link): it cannot be checked, and it must not be opened. */
static void report_unreadable(scan *s, const char *name, const char seq[5], int sys_errno)
{
    gp_where w = {.seq = seq, .file = name};
    if (sys_errno)
        add(s, gp_report_add(s->report, GP_PHOTO_UNREADABLE, &w, NULL, NULL,
                             "无法读取照片 %s：%s", name, strerror(sys_errno)));
    else
        add(s, gp_report_add(s->report, GP_PHOTO_UNREADABLE, &w, NULL, NULL,
                             "照片 %s 不是普通文件（可能是设备或管道），不会读取它", name));
}

static void add_photo(scan *s, const char *name, const char seq[5], uint64_t size)
{
    gp_photo_dir *p = s->photos;
    size_t n = p->count;
    if (n > 0 && strcmp(p->files[n - 1].seq, seq) == 0) {
        /* names are sorted, but 0001.jpeg sorts after 0001.jpg only within
         * the same number: the earlier name is the one kept */
        gp_where w = {.seq = seq, .file = name};
        add(s, gp_report_add(s->report, GP_PHOTO_AMBIGUOUS, &w, name, p->files[n - 1].name,
                             "拍摄序号 %s 有两个照片文件：%s 和 %s；检查的是 %s，%s 被忽略",
                             seq, p->files[n - 1].name, name, p->files[n - 1].name, name));
        return;
    }
    gp_photo_file *f = &p->files[n];
    memcpy(f->seq, seq, 5);
    f->name = strdup(name);
    f->path = gp_path_join(s->dir, name);
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
        gp_atomic_is_own_file(name))
        return;
    char *path = gp_path_join(s->dir, name);
    char *shown = display_name(name);
    if (!path || !shown) {
        s->nomem = true;
        goto out;
    }
    gp_os_stat st;
    int stat_errno = gp_os_stat_at_ex(s->fd, name, true, &st) == 0 ? 0 : errno; /* follows links */
    bool is_dir = stat_errno == 0 && st.type == GP_OS_DIRECTORY;
    char seq[5];
    if (is_dir || name[0] == '.' || !photo_seq(name, seq))
        report_stray(s, name, shown, is_dir);
    else if (stat_errno || st.type != GP_OS_REGULAR)
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
    *fd = gp_os_dir_open(dir, true);
    if (*fd < 0)
        return gp_error_set(err, GP_ERR_OPEN, errno, "无法打开照片文件夹 '%s'：%s", dir,
                            strerror(errno));
    if (gp_os_dir_list(*fd, 0, names, count, NULL) != 0) {
        int saved = errno;
        gp_os_close(*fd);
        *fd = -1;
        if (saved == ENOMEM)
            return gp_error_nomem(err);
        return gp_error_set(err, GP_ERR_OPEN, saved, "无法读取照片文件夹 '%s'：%s", dir,
                            strerror(saved));
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
    return strcmp(((const gp_photo_file *)a)->seq, ((const gp_photo_file *)b)->seq);
}

gp_photo_dir *gp_photo_dir_scan(const char *dir, gp_report *report, gp_error *err)
{
    char **names;
    size_t count;
    int fd;
    if (!list_names(dir, &fd, &names, &count, err))
        return NULL;
    gp_photo_dir *photos = calloc(1, sizeof *photos);
    if (photos)
        photos->files = calloc(count ? count : 1, sizeof *photos->files);
    if (!photos || !photos->files) {
        free(photos);
        free_names(names, count);
        gp_os_close(fd);
        gp_error_nomem(err);
        return NULL;
    }
    photos->fd = fd;
    scan s = {.dir = dir, .fd = fd, .report = report, .photos = photos};
    for (size_t i = 0; i < count && !s.nomem; i++)
        classify(&s, names[i]);
    free_names(names, count);
    if (s.nomem) {
        gp_photo_dir_free(photos);
        gp_error_nomem(err);
        return NULL;
    }
    gp_test_pause(GP_TEST_PAUSE_AFTER_SCAN);
    /* byte order already puts equal numbers together; this only makes the
     * seq order explicit */
    qsort(photos->files, photos->count, sizeof *photos->files, compare_files);
    return photos;
}

void gp_photo_dir_free(gp_photo_dir *photos)
{
    if (!photos)
        return;
    for (size_t i = 0; i < photos->count; i++) {
        free(photos->files[i].name);
        free(photos->files[i].path);
    }
    free(photos->files);
    gp_os_close(photos->fd);
    free(photos);
}
