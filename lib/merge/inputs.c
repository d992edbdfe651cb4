/* Finding the bundles to merge.  An inbox is a folder of received zip files;
 * only its own *.zip files count (no recursion: an inbox may sit beside, or
 * hold, unrelated trees).  The list's order is the documented renumbering
 * order's first key, so it is sorted here, by file name. */
#include "merge_internal.h"
#include "core/messages.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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
    char *real = realpath(path, NULL);
    if (!real)
        return gp_error_set(err, GP_ERR_OPEN, errno, "无法打开 '%s'：%s", path, gp_errno_text(errno));
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
            return gp_error_nomem(err);
        }
        f->cap = cap;
    }
    merge_input *in = &f->items[f->count];
    in->path = strdup(path);
    in->name = strdup(gp_path_base(path));
    if (!in->path || !in->name) {
        free(in->path);
        free(in->name);
        free(real);
        return gp_error_nomem(err);
    }
    f->real[f->count++] = real;
    return true;
}

static bool same_dir(const char *a, const char *b)
{
    char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
    bool same = ra && rb && !strcmp(ra, rb);
    free(ra);
    free(rb);
    return same;
}

static bool scan_folder(found *f, const char *dir, gp_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return gp_error_set(err, GP_ERR_OPEN, errno, "无法读取文件夹 '%s'：%s", dir,
                            gp_errno_text(errno));
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (!is_zip_name(e->d_name))
            continue;
        char *path = gp_path_join(dir, e->d_name);
        struct stat st;
        if (!path)
            ok = gp_error_nomem(err);
        else if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            ok = add_found(f, path, err);
        free(path);
    }
    closedir(d);
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
        struct stat st;
        if (stat(args[i], &st) != 0)
            ok = gp_error_set(err, GP_ERR_OPEN, errno, "无法打开输入 '%s'：%s", args[i],
                              gp_errno_text(errno));
        else if (S_ISDIR(st.st_mode) && output_dir && same_dir(args[i], output_dir))
            ok = gp_error_set(err, GP_ERR_USAGE, 0,
                              "输入文件夹 '%s' 就是输出文件夹，会把上次合并的结果再合并一遍；"
                              "请用另一个输出文件夹",
                              args[i]);
        else if (S_ISDIR(st.st_mode))
            ok = scan_folder(&f, args[i], err);
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
