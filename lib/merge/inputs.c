/* Finding the bundles to merge.  An inbox is a folder of received zip files;
 * only its own *.zip files count (no recursion: an inbox may sit beside, or
 * hold, unrelated trees).  The list's order is the documented renumbering
 * order's first key, so it is sorted here, by file name. */
#include "merge_internal.h"
#include "core/base.h"
#include "core/files.h"
#include "core/messages.h"
#include "core/os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct found {
    merge_input *items;
    char **real;  /* realpath of each, to drop a file named twice */
    size_t count, cap;
} found;

static bool is_zip_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 4 && strcasecmp(name + n - 4, ".zip") == 0;
}

static bool add_found(found *f, const char *path, gp_error *err)
{
    char *real = gpi_os_realpath(path);
    if (!real)
        return gpi_error_set(err, GP_ERR_OPEN, errno, "无法打开 '%s'：%s", path, gpi_errno_text(errno));
    for (size_t i = 0; i < f->count; i++)
        if (!strcmp(f->real[i], real)) {
            free(real);
            return true;
        }
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        merge_input *items = realloc(f->items, cap * sizeof *items);
        if (items)
            f->items = items;
        char **reals = items ? realloc(f->real, cap * sizeof *reals) : NULL;
        if (reals)
            f->real = reals;
        if (!items || !reals) {
            free(real);
            return gpi_error_nomem(err);
        }
        f->cap = cap;
    }
    merge_input *in = &f->items[f->count];
    in->path = strdup(path);
    in->name = strdup(gpi_path_base(path));
    if (!in->path || !in->name) {
        free(in->path);
        free(in->name);
        free(real);
        return gpi_error_nomem(err);
    }
    f->real[f->count++] = real;
    return true;
}

static bool same_dir(const char *a, const char *b)
{
    char *ra = gpi_os_realpath(a), *rb = gpi_os_realpath(b);
    bool same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

static bool scan_folder(found *f, const char *dir, gp_error *err)
{
    int fd = gpi_os_dir_open(dir, true);
    char **names = NULL;
    size_t count = 0;
    if (fd < 0 || gpi_os_dir_list(fd, 0, &names, &count, NULL) != 0) {
        int e = errno;
        gpi_os_close(fd);
        return gpi_error_set(err, GP_ERR_OPEN, e, "无法读取文件夹 '%s'：%s", dir, gpi_errno_text(e));
    }
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        if (!is_zip_name(names[i]))
            continue;
        /* a regular file, or a link to one (the office's own inbox) */
        gpi_os_stat st;
        char *path = gpi_path_join(dir, names[i]);
        if (!path)
            ok = gpi_error_nomem(err);
        else if (gpi_os_stat_at_ex(fd, names[i], true, &st) == 0 && st.type == GPI_OS_REGULAR)
            ok = add_found(f, path, err);
        free(path);
    }
    gpi_os_names_free(names, count);
    gpi_os_close(fd);
    return ok;
}

static int compare_inputs(const void *a, const void *b)
{
    const merge_input *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->path, y->path);
}

bool merge_find_inputs(const char *const *args, size_t count, const char *output_dir,
                       merge_inputs *out, gp_error *err)
{
    found f = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        gpi_os_stat st;
        if (gpi_os_stat_path(args[i], true, &st) != 0)
            ok = gpi_error_set(err, GP_ERR_OPEN, errno, "无法打开输入 '%s'：%s", args[i],
                              gpi_errno_text(errno));
        else if (st.type == GPI_OS_DIRECTORY && output_dir && same_dir(args[i], output_dir))
            ok = gpi_error_set(err, GP_ERR_USAGE, 0,
                              "输入文件夹 '%s' 就是输出文件夹，会把上次合并的结果再合并一遍；"
                              "请用另一个输出文件夹",
                              args[i]);
        else if (st.type == GPI_OS_DIRECTORY)
            ok = scan_folder(&f, args[i], err);
        else if (st.type != GPI_OS_REGULAR)
            ok = gpi_error_set(err, GP_ERR_OPEN, GPI_OS_ENOTREG,
                              "输入 '%s' 不是压缩包文件也不是文件夹（是%s），没有读取", args[i],
                              gpi_os_type_name(st.type));
        else
            ok = add_found(&f, args[i], err);
    }
    for (size_t i = 0; i < f.count; i++)
        free(f.real[i]);
    free(f.real);
    out->items = f.items;
    out->count = f.count;
    if (!ok) {
        merge_inputs_clear(out);
        return false;
    }
    if (out->count)
        qsort(out->items, out->count, sizeof *out->items, compare_inputs);
    return true;
}

void merge_inputs_clear(merge_inputs *inputs)
{
    for (size_t i = 0; inputs->items && i < inputs->count; i++) {
        free(inputs->items[i].path);
        free(inputs->items[i].name);
    }
    free(inputs->items);
    inputs->items = NULL;
    inputs->count = 0;
}
