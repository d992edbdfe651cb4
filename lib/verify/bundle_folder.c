/* The folder back end of the bundle reader: an already-extracted bundle
 * gets the same checks as a zip.  Symbolic links are refused, never
 * followed (lib/core/os.h: every folder opened relative to its parent's fd,
 * every file read beneath the walked folder's fd, no component re-resolved
 * by path); the walk is bounded in depth and in the number of files; each
 * read stops at the entry's limit. */
#include "bundle_internal.h"
#include "core/base.h"
#include "core/findings.h"
#include "verify/reader.h"
#include "core/messages.h"
#include "core/os.h"
#include "core/testhook.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct walk {
    gpi_bundle *bundle;
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
    if (gpi_os_dir_list(dir_fd, GPI_BUNDLE_MAX_ENTRIES + 1, &names, count, &truncated) != 0) {
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
    char *path = prefix[0] ? gpi_asprintf("%s/%s", prefix, name) : strdup(name);
    if (!path) {
        wk->oom = true;
        return;
    }
    char shown[512];
    bundle_name_printable(path, shown, sizeof shown);
    gpi_where w = {.source = wk->source, .file = shown};
    gpi_name_verdict verdict = gpi_bundle_name_check(path, strlen(path));
    gpi_os_stat st;
    if (verdict == GPI_NAME_BAD) {
        gpi_report_add(wk->report, GP_BUNDLE_BAD_NAME, &w, shown, NULL,
                      "文件名 “%s” 不是 UTF-8 或含有控制字符，已拒绝读取", shown);
    } else if (verdict == GPI_NAME_UNSAFE_PATH) {
        gpi_report_add(wk->report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "文件名 “%s” 含有反斜杠或冒号，已拒绝读取", shown);
    } else if (gpi_os_stat_at(dir_fd, name, &st) != 0) {
        gpi_report_add(wk->report, GP_PHOTO_UNREADABLE, &w, gpi_os_strerror(errno), NULL,
                      "无法读取 %s：%s", shown, gpi_os_strerror(errno));
    } else if (st.type == GPI_OS_SYMLINK) {
        gpi_report_add(wk->report, GP_BUNDLE_SYMLINK, &w, shown, NULL,
                      "“%s” 是符号链接，已拒绝读取", shown);
    } else if (st.type == GPI_OS_DIRECTORY) {
        if (depth >= GPI_BUNDLE_MAX_DEPTH) {
            gpi_report_add(wk->report, GP_BUNDLE_TOO_LARGE, &w, shown, NULL,
                          "文件夹 “%s” 嵌套超过 %d 层，未读取", shown, GPI_BUNDLE_MAX_DEPTH);
        } else {
            int sub = gpi_os_dir_open_at(dir_fd, name);
            if (sub < 0) {
                gpi_report_add(wk->report, GP_PHOTO_UNREADABLE, &w, gpi_errno_text(errno), NULL,
                              "无法打开文件夹 %s：%s", shown, gpi_errno_text(errno));
            } else {
                walk_folder(wk, sub, path, depth + 1);
                gpi_os_close(sub);
            }
        }
    } else if (st.type != GPI_OS_REGULAR) {
        gpi_report_add(wk->report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "“%s” 不是普通文件（设备或管道），已拒绝读取", shown);
    } else {
        gpi_bundle_entry fields = {.index = wk->seen, .declared_size = st.size};
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

gpi_bundle *bundle_folder_open(gpi_bundle *bundle, const char *source, gp_report *report,
                              gp_error *err)
{
    int fd = gpi_os_dir_open(bundle->path, true);
    if (fd < 0) {
        gpi_error_set(err, GP_ERR_OPEN, errno, "无法打开文件夹 '%s'：%s", bundle->path,
                     gpi_errno_text(errno));
        gpi_bundle_close(bundle);
        return NULL;
    }
    walk wk = {.bundle = bundle, .source = source, .report = report};
    walk_folder(&wk, fd, "", 0);
    bundle->dir_fd = fd; /* every later read is beneath this fd */
    gpi_test_pause(GPI_TEST_PAUSE_AFTER_SCAN);
    if (wk.oom) {
        gpi_error_nomem(err);
        gpi_bundle_close(bundle);
        return NULL;
    }
    if (wk.too_many) {
        gpi_where w = {.source = source};
        char limit[32];
        snprintf(limit, sizeof limit, "%zu", bundle->limits.max_entries);
        gpi_report_add(report, GP_BUNDLE_TOO_LARGE, &w, NULL, limit,
                      "文件夹 %s 中的文件超过上限 %zu 个，未读取", source,
                      bundle->limits.max_entries);
        gpi_bundle_close(bundle);
        return NULL;
    }
    if (!bundle_drop_duplicates(bundle, source, report)) {
        gpi_error_nomem(err);
        gpi_bundle_close(bundle);
        return NULL;
    }
    return bundle;
}

static long long read_chunk(void *context, bounded_read *br, unsigned char *at, size_t room)
{
    long got = gpi_os_read(*(const int *)context, at, room);
    if (got < 0)
        bounded_fail(br, GPI_READ_FAILED, "%s", gpi_errno_text(errno));
    return got;
}

void bundle_folder_read(gpi_bundle_reader *reader, const gpi_bundle_entry *entry,
                        gpi_entry_read *out)
{
    bounded_read br;
    if (!bounded_begin(&br, reader->bundle, entry, out))
        return;
    /* beneath the folder that was walked, each component opened without
     * following a link and without blocking: a folder swapped for a link
     * or a photo swapped for a FIFO since the walk is refused, not followed */
    gpi_os_stat st;
    int fd = gpi_os_open_read_beneath(reader->bundle->dir_fd, entry->name, &st);
    if (fd < 0) {
        bounded_fail(&br, GPI_READ_FAILED, "%s", errno == GPI_OS_ENOTREG
                                                   ? "不是普通文件（可能被换成了命名管道或设备）"
                                                   : gpi_os_strerror(errno));
        return;
    }
    bounded_fill(&br, read_chunk, &fd);
    gpi_os_close(fd);
}
