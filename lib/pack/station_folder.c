/* A station's folder as a clerk drops it on gradpack.exe (gradpack.h,
 * gp_station_folder_find): which file is the roster, which folder holds
 * the photos, whether a station.ini is there, and where the outbox goes.
 * The rules are what a clerk's folder looks like, not a format: one table
 * (or the one named 花名册), a subfolder named for photos (or the only one
 * with JPEGs, or the folder itself). */
#include "core/base.h"
#include "core/files.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Names read from one folder at most (photo numbers stop at 9999). */
#define FOLDER_NAMES_MAX 65536
/* Subfolders looked into for JPEGs at most (when none is named for photos). */
#define JPEG_PROBE_MAX 64
/* Candidate rosters named in the "several tables" message. */
#define NAMED_MAX 8

/* A table a roster may be: not hidden, not Excel's "~$" lock file. */
static bool is_roster_name(const char *name)
{
    return name[0] != '.' && name[0] != '~' &&
           (gpi_name_ends_with_ci(name, ".csv") || gpi_name_ends_with_ci(name, ".xlsx") ||
            gpi_name_ends_with_ci(name, ".xls"));
}

static bool has_jpeg(const char *dir)
{
    size_t n = 0;
    char **names = gp_folder_names(dir, FOLDER_NAMES_MAX, &n, NULL, NULL);
    bool found = false;
    for (size_t i = 0; names && i < n && !found; i++)
        found = gpi_name_is_jpeg(names[i]);
    gp_folder_names_free(names, n);
    return found;
}

/* The roster among the candidates (sorted names): the only one, or the
 * only one whose name holds 花名册.  NULL with err set otherwise.  One line
 * each message: gpi_error_set shows a newline as \x0A. */
static const char *pick_roster(const char *folder, char *const *names, size_t count, gp_error *err)
{
    if (count == 1)
        return names[0];
    if (count == 0) {
        gpi_error_set(err, GP_ERR_OPEN, 0,
                      "文件夹 '%s' 里没有花名册（.csv、.xlsx 或 .xls 文件）。"
                      "请把花名册和照片放在同一个文件夹里，再把这个文件夹拖到 gradpack.exe 上。",
                      folder);
        return NULL;
    }
    size_t named = 0, at = 0;
    for (size_t i = 0; i < count; i++)
        if (strstr(names[i], "花名册")) {
            named++;
            at = i;
        }
    if (named == 1)
        return names[at];
    gpi_buf list = {0};
    for (size_t i = 0; i < count && i < NAMED_MAX; i++)
        gpi_buf_printf(&list, "%s%s", i ? "、" : "", names[i]);
    if (count > NAMED_MAX)
        gpi_buf_printf(&list, "……");
    gpi_error_set(err, GP_ERR_USAGE, 0,
                  "文件夹 '%s' 里有多个表格（%zu 个），不知道哪个是花名册：%s。"
                  "请只留下一个，或把花名册的文件名改成含有“花名册”。",
                  folder, count, list.data && !list.failed ? list.data : "");
    gpi_buf_free(&list);
    return NULL;
}

/* The photo folder among the subfolders (sorted names): one named for
 * photos, else the only one with JPEGs among the first JPEG_PROBE_MAX;
 * NULL: the folder itself. */
static const char *pick_photos(const char *folder, char *const *subdirs, size_t count)
{
    static const char *const photo_names[] = {"照片", "相片", "图片", "photos", "photo"};
    for (size_t k = 0; k < GPI_ARRAY_LEN(photo_names); k++)
        for (size_t i = 0; i < count; i++)
            if (strcasecmp(subdirs[i], photo_names[k]) == 0)
                return subdirs[i];
    const char *only = NULL;
    size_t with = 0;
    for (size_t i = 0; i < count && i < JPEG_PROBE_MAX; i++) {
        char *path = gpi_path_join(folder, subdirs[i]);
        if (path && has_jpeg(path)) {
            with++;
            only = subdirs[i];
        }
        free(path);
    }
    return with == 1 ? only : NULL;
}

void gp_station_folder_clear(gp_station_folder *found)
{
    if (!found)
        return;
    free(found->roster);
    free(found->photos);
    free(found->station);
    memset(found, 0, sizeof *found);
}

bool gp_station_folder_find(const char *folder, gp_station_folder *found, gp_error *err)
{
    memset(found, 0, sizeof *found);
    size_t count = 0;
    bool truncated = false;
    char **names = gp_folder_names(folder, FOLDER_NAMES_MAX, &count, &truncated, err);
    if (!names)
        return false;
    /* every name is weighed: pointers into names, sorted as names are */
    char **rosters = malloc((count ? count : 1) * sizeof *rosters);
    char **subdirs = malloc((count ? count : 1) * sizeof *subdirs);
    size_t nr = 0, ns = 0;
    const char *station = NULL;
    bool ok = rosters && subdirs ? true : gpi_error_nomem(err);
    for (size_t k = 0; k < count && ok; k++) {
        const char *name = names[k];
        char *path = gpi_path_join(folder, name);
        if (!path) {
            ok = gpi_error_nomem(err);
            break;
        }
        if (gp_path_is_directory(path))
            subdirs[ns++] = names[k];
        else if (is_roster_name(name))
            rosters[nr++] = names[k];
        else if (strcasecmp(name, "station.ini") == 0 && !station)
            station = name;
        free(path);
    }
    const char *roster = ok ? pick_roster(folder, rosters, nr, err) : NULL;
    const char *photos = roster ? pick_photos(folder, subdirs, ns) : NULL;
    if (roster) {
        found->roster = gpi_path_join(folder, roster);
        found->photos = photos ? gpi_path_join(folder, photos) : strdup(folder);
        found->station = station ? gpi_path_join(folder, station) : NULL;
        if (!found->roster || !found->photos || (station && !found->station))
            roster = NULL, gpi_error_nomem(err);
    }
    free(rosters);
    free(subdirs);
    gp_folder_names_free(names, count);
    if (!roster)
        gp_station_folder_clear(found);
    found->truncated = truncated; /* said on failure too: a table may be among the unread */
    return roster != NULL;
}
char *gp_outbox_beside(const char *folder)
{
    char *abs = gp_path_absolute(folder);
    if (!abs)
        return NULL;
    size_t n = strlen(abs);
    /* trailing separators, but not the root's ("/", "C:/") */
    while (n > 1 && abs[n - 1] == '/' && !(n == 3 && abs[1] == ':'))
        abs[--n] = '\0';
    char *cut = strrchr(abs, '/');
    if (cut && cut != abs && !(cut == abs + 2 && abs[1] == ':'))
        *cut = '\0';
    else if (cut)
        cut[1] = '\0';
    char *box = gpi_path_join(abs, GP_OUTBOX_NAME);
    free(abs);
    return box;
}
