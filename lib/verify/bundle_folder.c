/* The folder back end of the bundle reader: an already-extracted bundle
 * gets the same checks as a zip.  Symbolic links are refused, never
 * followed (lib/core/os.h: every folder opened relative to its parent's fd,
 * every file read beneath the walked folder's fd, no component re-resolved
 * by path); the walk is bounded in depth and in the number of files; each
 * read stops at the entry's limit. */
#include "bundle_internal.h"
#include "core/os.h"
#include "core/testhook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct walk {
    gp_bundle *bundle;
    const char *source;
    gp_report *report;
    size_t seen;       /* every name met, accepted or not */
    bool too_many;
    bool oom;
} walk;

/* The names in one folder, sorted (readdir order is the file system's). */
static char **list_folder(int dir_fd, size_t *count, bool *oom)
{
    char **names = NULL;
    bool truncated = false;
    /* one more than the cap: the caller refuses the bundle anyway */
    if (gp_os_dir_list(dir_fd, GP_BUNDLE_MAX_ENTRIES + 1, &names, count, &truncated) != 0) {
        if (errno == ENOMEM)
            *oom = true;
        *count = 0;
        return NULL;
    }
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
    gp_os_stat st;
    if (verdict == GP_NAME_BAD) {
        gp_report_add(wk->report, GP_BUNDLE_BAD_NAME, &w, shown, NULL,
                      "文件名 “%s” 不是 UTF-8 或含有控制字符，已拒绝读取", shown);
    } else if (verdict == GP_NAME_UNSAFE_PATH) {
        gp_report_add(wk->report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "文件名 “%s” 含有反斜杠或冒号，已拒绝读取", shown);
    } else if (gp_os_stat_at(dir_fd, name, &st) != 0) {
        gp_report_add(wk->report, GP_PHOTO_UNREADABLE, &w, strerror(errno), NULL,
                      "无法读取 %s：%s", shown, strerror(errno));
    } else if (st.type == GP_OS_SYMLINK) {
        gp_report_add(wk->report, GP_BUNDLE_SYMLINK, &w, shown, NULL,
                      "“%s” 是符号链接，已拒绝读取", shown);
    } else if (st.type == GP_OS_DIRECTORY) {
        if (depth >= GP_BUNDLE_MAX_DEPTH) {
            gp_report_add(wk->report, GP_BUNDLE_TOO_LARGE, &w, shown, NULL,
                          "文件夹 “%s” 嵌套超过 %d 层，未读取", shown, GP_BUNDLE_MAX_DEPTH);
        } else {
            int sub = gp_os_dir_open_at(dir_fd, name);
            if (sub < 0) {
                gp_report_add(wk->report, GP_PHOTO_UNREADABLE, &w, strerror(errno), NULL,
                              "无法打开文件夹 %s：%s", shown, strerror(errno));
            } else {
                walk_folder(wk, sub, path, depth + 1);
                gp_os_close(sub);
            }
        }
    } else if (st.type != GP_OS_REGULAR) {
        gp_report_add(wk->report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "“%s” 不是普通文件（设备或管道），已拒绝读取", shown);
    } else {
        gp_bundle_entry fields = {.index = wk->seen, .declared_size = st.size};
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
    int fd = gp_os_dir_open(bundle->path, true);
    if (fd < 0) {
        gp_error_set(err, GP_ERR_OPEN, errno, "无法打开文件夹 '%s'：%s", bundle->path,
                     strerror(errno));
        gp_bundle_close(bundle);
        return NULL;
    }
    walk wk = {.bundle = bundle, .source = source, .report = report};
    walk_folder(&wk, fd, "", 0);
    bundle->dir_fd = fd; /* every later read is beneath this fd */
    gp_test_pause(GP_TEST_PAUSE_AFTER_SCAN);
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
    /* beneath the folder that was walked, each component opened without
     * following a link and without blocking: a folder swapped for a link
     * or a photo swapped for a FIFO since the walk is refused, not followed */
    gp_os_stat st;
    int fd = gp_os_open_read_beneath(reader->bundle->dir_fd, entry->name, &st);
    if (fd < 0) {
        bounded_fail(&br, GP_READ_FAILED, "%s", errno == GP_OS_ENOTREG
                                                   ? "不是普通文件（可能被换成了命名管道或设备）"
                                                   : gp_os_strerror(errno));
        return;
    }
    for (;;) {
        size_t room;
        unsigned char *at = bounded_space(&br, &room);
        if (!at)
            break;
        long got = gp_os_read(fd, at, room);
        if (got < 0) {
            bounded_fail(&br, GP_READ_FAILED, "%s", strerror(errno));
            break;
        }
        if (got == 0) {
            bounded_finish(&br);
            break;
        }
        if (!bounded_commit(&br, (size_t)got))
            break;
    }
    gp_os_close(fd);
}
