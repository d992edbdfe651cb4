/* The folder back end of the bundle reader: an already-extracted bundle
 * gets the same checks as a zip.  Symbolic links are refused, never
 * followed (O_NOFOLLOW, lstat semantics); the walk is bounded in depth and
 * in the number of files; each read stops at the entry's limit. */
#include "bundle_internal.h"
#include "core/messages.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct walk {
    gp_bundle *bundle;
    const char *source;
    gp_report *report;
    size_t seen;       /* every name met, accepted or not */
    bool too_many;
    bool oom;
} walk;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in one folder, sorted (readdir order is the file system's). */
static char **list_folder(int dir_fd, size_t *count, bool *oom)
{
    *count = 0;
    int fd = dup(dir_fd);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char **names = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *grown);
            if (!grown) {
                *oom = true;
                break;
            }
            names = grown;
        }
        if (!(names[*count] = strdup(de->d_name))) {
            *oom = true;
            break;
        }
        (*count)++;
        if (*count > GP_BUNDLE_MAX_ENTRIES)
            break; /* the caller refuses the bundle anyway */
    }
    closedir(dir);
    if (names)
        qsort(names, *count, sizeof *names, compare_strings);
    return names;
}

static void walk_folder(walk *wk, int dir_fd, const char *prefix, int depth);

static void visit(walk *wk, int dir_fd, const char *prefix, const char *name, int depth)
{
    char *path = prefix[0] ? gp_asprintf("%s/%s", prefix, name) : strdup(name);
    if (!path) {
        wk->oom = true;
        return;
    }
    char shown[512];
    bundle_name_printable(path, shown, sizeof shown);
    gp_where w = {.source = wk->source, .file = shown};
    gp_name_verdict verdict = gp_bundle_name_check(path, strlen(path));
    struct stat st;
    if (verdict == GP_NAME_BAD) {
        gp_report_add(wk->report, GP_BUNDLE_BAD_NAME, &w, shown, NULL,
                      "文件名 “%s” 不是 UTF-8 或含有控制字符，已拒绝读取", shown);
    } else if (verdict == GP_NAME_UNSAFE_PATH) {
        gp_report_add(wk->report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "文件名 “%s” 含有反斜杠或冒号，已拒绝读取", shown);
    } else if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        gp_report_add(wk->report, GP_PHOTO_UNREADABLE, &w, gp_errno_text(errno), NULL,
                      "无法读取 %s：%s", shown, gp_errno_text(errno));
    } else if (S_ISLNK(st.st_mode)) {
        gp_report_add(wk->report, GP_BUNDLE_SYMLINK, &w, shown, NULL,
                      "“%s” 是符号链接，已拒绝读取", shown);
    } else if (S_ISDIR(st.st_mode)) {
        if (depth >= GP_BUNDLE_MAX_DEPTH) {
            gp_report_add(wk->report, GP_BUNDLE_TOO_LARGE, &w, shown, NULL,
                          "文件夹 “%s” 嵌套超过 %d 层，未读取", shown, GP_BUNDLE_MAX_DEPTH);
        } else {
            int sub = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                gp_report_add(wk->report, GP_PHOTO_UNREADABLE, &w, gp_errno_text(errno), NULL,
                              "无法打开文件夹 %s：%s", shown, gp_errno_text(errno));
            } else {
                walk_folder(wk, sub, path, depth + 1);
                close(sub);
            }
        }
    } else if (!S_ISREG(st.st_mode)) {
        gp_report_add(wk->report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "“%s” 不是普通文件（设备或管道），已拒绝读取", shown);
    } else {
        gp_bundle_entry fields = {.index = wk->seen, .declared_size = (uint64_t)st.st_size};
        if (!bundle_add_entry(wk->bundle, path, &fields))
            wk->oom = true;
    }
    free(path);
}

static void walk_folder(walk *wk, int dir_fd, const char *prefix, int depth)
{
    size_t count = 0;
    char **names = list_folder(dir_fd, &count, &wk->oom);
    for (size_t i = 0; i < count; i++) {
        if (!wk->too_many && !wk->oom) {
            if (++wk->seen > wk->bundle->limits.max_entries)
                wk->too_many = true;
            else
                visit(wk, dir_fd, prefix, names[i], depth);
        }
        free(names[i]);
    }
    free(names);
}

gp_bundle *bundle_folder_open(gp_bundle *bundle, const char *source, gp_report *report,
                              gp_error *err)
{
    int fd = open(bundle->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        gp_error_set(err, GP_ERR_OPEN, errno, "无法打开文件夹 '%s'：%s", bundle->path,
                     gp_errno_text(errno));
        gp_bundle_close(bundle);
        return NULL;
    }
    walk wk = {.bundle = bundle, .source = source, .report = report};
    walk_folder(&wk, fd, "", 0);
    close(fd);
    if (wk.oom) {
        gp_error_nomem(err);
        gp_bundle_close(bundle);
        return NULL;
    }
    if (wk.too_many) {
        gp_where w = {.source = source};
        char limit[32];
        snprintf(limit, sizeof limit, "%zu", bundle->limits.max_entries);
        gp_report_add(report, GP_BUNDLE_TOO_LARGE, &w, NULL, limit,
                      "文件夹 %s 中的文件超过上限 %zu 个，未读取", source,
                      bundle->limits.max_entries);
        gp_bundle_close(bundle);
        return NULL;
    }
    if (!bundle_drop_duplicates(bundle, source, report)) {
        gp_error_nomem(err);
        gp_bundle_close(bundle);
        return NULL;
    }
    return bundle;
}

void bundle_folder_read(gp_bundle_reader *reader, const gp_bundle_entry *entry,
                        gp_entry_read *out)
{
    bounded_read br;
    if (!bounded_begin(&br, reader->bundle, entry, out))
        return;
    char *path = gp_path_join(reader->bundle->path, entry->name);
    int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
    free(path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        bounded_fail(&br, GP_READ_FAILED, "%s", fd < 0 ? gp_errno_text(errno) : "不是普通文件");
        if (fd >= 0)
            close(fd);
        return;
    }
    for (;;) {
        size_t room;
        unsigned char *at = bounded_space(&br, &room);
        if (!at)
            break;
        ssize_t got = read(fd, at, room);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            bounded_fail(&br, GP_READ_FAILED, "%s", gp_errno_text(errno));
            break;
        }
        if (got == 0) {
            bounded_finish(&br);
            break;
        }
        if (!bounded_commit(&br, (size_t)got))
            break;
    }
    close(fd);
}
