/* The bundle reader: one entry list for a zip file or an extracted folder,
 * and bounded reads that never trust what an archive declares about
 * itself.  The back ends (bundle_zip.c, bundle_folder.c) list and read;
 * this file holds the rules they share. */
#include "bundle_internal.h"
#include "core/base.h"
#include "core/files.h"
#include "core/findings.h"
#include "core/profile.h"
#include "roster/roster.h"
#include "verify/reader.h"
#include "core/messages.h"
#include "core/os.h"
#include "core/os_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- limits ------------------------------------------------------------ */

void gpi_bundle_limits_for(const gp_profile *profile, gpi_bundle_limits *limits)
{
    limits->max_entries = GPI_BUNDLE_MAX_ENTRIES;
    limits->max_file_bytes = GPI_BUNDLE_MAX_FILE_BYTES;
    limits->max_photo_bytes = profile && profile->max_bytes
                                  ? profile->max_bytes * GPI_BUNDLE_PHOTO_FACTOR
                                  : GPI_BUNDLE_MAX_FILE_BYTES;
    /* 10,000 photos at their limit plus the few other files at theirs */
    limits->max_total_bytes = (uint64_t)(GPI_MAX_ROWS + 1) * limits->max_photo_bytes +
                              8 * (uint64_t)GPI_BUNDLE_MAX_FILE_BYTES;
}

void gpi_bundle_set_limits(gpi_bundle *bundle, const gpi_bundle_limits *limits)
{
    bundle->limits = *limits;
}


uint64_t bundle_entry_limit(const gpi_bundle *bundle, const char *name)
{
    /* any name a photo could have gets the photo limits, wherever it lies:
     * the bundle is judged only after it has been read */
    if (gpi_name_is_jpeg(name))
        return bundle->limits.max_photo_bytes;
    return bundle->limits.max_file_bytes;
}

/* ---- the entry list ------------------------------------------------------ */

bool bundle_add_entry(gpi_bundle *bundle, const char *name, const gpi_bundle_entry *fields)
{
    gpi_bundle_entry *grown =
        gpi_grow(bundle->entries, bundle->count, &bundle->cap, sizeof *grown, 64);
    if (!grown)
        return false;
    bundle->entries = grown;
    gpi_bundle_entry *e = &bundle->entries[bundle->count];
    *e = *fields;
    e->name = strdup(name);
    if (!e->name)
        return false;
    bundle->count++;
    return true;
}

/* Two names are the same file once extracted when they differ only in
 * Unicode normalisation (macOS's file systems store NFD: "é" as e + U+0301)
 * or in ASCII case (Windows, macOS): the key is the NFC form, ASCII
 * lower-cased (the platform's normaliser: ICU, or Windows' own). */
static char *name_key(const char *name)
{
    char *key = NULL;
    if (gpi_os_nfc(name, &key) != 0) {
        if (errno == EILSEQ)
            return NULL;
        key = strdup(name); /* names are valid UTF-8 here; only OOM lands here */
    }
    for (char *p = key; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return key;
}

typedef struct keyed_entry {
    char *key;
    size_t at;   /* position in bundle->entries */
} keyed_entry;

static int compare_keyed(const void *a, const void *b)
{
    const keyed_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->at > y->at) - (x->at < y->at);
}

bool bundle_drop_duplicates(gpi_bundle *bundle, const char *source, gp_report *report)
{
    if (bundle->count < 2)
        return true;
    keyed_entry *keys = calloc(bundle->count, sizeof *keys);
    bool *drop = calloc(bundle->count, sizeof *drop);
    bool ok = keys && drop;
    for (size_t i = 0; ok && i < bundle->count; i++) {
        keys[i].at = i;
        ok = (keys[i].key = name_key(bundle->entries[i].name)) != NULL;
    }
    if (ok)
        qsort(keys, bundle->count, sizeof *keys, compare_keyed);
    size_t first = 0;
    for (size_t i = 1; ok && i < bundle->count; i++) {
        if (strcmp(keys[first].key, keys[i].key) != 0) {
            first = i;
            continue;
        }
        const gpi_bundle_entry *kept = &bundle->entries[keys[first].at];
        gpi_bundle_entry *e = &bundle->entries[keys[i].at];
        char shown[512], shown_kept[512];
        bundle_name_printable(e->name, shown, sizeof shown);
        bundle_name_printable(kept->name, shown_kept, sizeof shown_kept);
        gpi_where w = {.source = source, .file = shown};
        bool same = strcmp(kept->name, e->name) == 0;
        ok = gpi_report_add(report, GP_BUNDLE_DUPLICATE_ENTRY, &w, shown, shown_kept,
                           same ? "压缩包中 %s 出现了不止一次，后出现的已忽略"
                                : "压缩包中 %s 与 %s 只有大小写或 Unicode 写法（NFC/NFD）不同，"
                                  "解压后会互相覆盖，后出现的已忽略",
                           shown, shown_kept);
        drop[keys[i].at] = true;
    }
    size_t n = bundle->count, kept = 0;
    for (size_t i = 0; ok && i < n; i++) {
        if (drop[i]) {
            free(bundle->entries[i].name);
            continue;
        }
        bundle->entries[kept++] = bundle->entries[i];
    }
    if (ok)
        bundle->count = kept;
    for (size_t i = 0; keys && i < n; i++)
        free(keys[i].key);
    free(keys);
    free(drop);
    return ok;
}

size_t gpi_bundle_count(const gpi_bundle *bundle)
{
    return bundle ? bundle->count : 0;
}

const gpi_bundle_entry *gpi_bundle_entry_at(const gpi_bundle *bundle, size_t i)
{
    return bundle && i < bundle->count ? &bundle->entries[i] : NULL;
}

/* by_name: the entries sorted by name, for lookups from the manifest (the
 * list is complete by then: the pointers stay valid until close) */
static int compare_names(const void *a, const void *b)
{
    const gpi_bundle_entry *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static bool index_names(gpi_bundle *bundle)
{
    bundle->by_name = malloc((bundle->count ? bundle->count : 1) * sizeof *bundle->by_name);
    if (!bundle->by_name)
        return false;
    for (size_t i = 0; i < bundle->count; i++)
        bundle->by_name[i] = &bundle->entries[i];
    /* names are unique after bundle_drop_duplicates, so the order is total */
    qsort(bundle->by_name, bundle->count, sizeof *bundle->by_name, compare_names);
    return true;
}

long gpi_bundle_find(const gpi_bundle *bundle, const char *name)
{
    if (!bundle || !bundle->count)
        return -1;
    const gpi_bundle_entry key = {.name = (char *)name}, *wanted = &key;
    const gpi_bundle_entry **found =
        bsearch(&wanted, bundle->by_name, bundle->count, sizeof *bundle->by_name, compare_names);
    return found ? (long)(*found - bundle->entries) : -1;
}

bool gpi_bundle_is_folder(const gpi_bundle *bundle)
{
    return bundle && bundle->folder;
}

/* ---- open and close ---------------------------------------------------------- */

gpi_bundle *gpi_bundle_open(const char *path, const char *password, const char *source,
                          gp_report *report, gp_error *err)
{
    gpi_os_stat st;
    if (gpi_os_stat_path(path, true, &st) != 0) {
        gpi_error_set(err, GP_ERR_OPEN, errno, "无法打开 '%s'：%s", path, gpi_errno_text(errno));
        return NULL;
    }
    gpi_bundle *bundle = calloc(1, sizeof *bundle);
    if (!bundle) {
        gpi_error_nomem(err);
        return NULL;
    }
    atomic_init(&bundle->total_read, 0);
    gpi_bundle_limits_for(NULL, &bundle->limits);
    bundle->folder = st.type == GPI_OS_DIRECTORY;
    bundle->dir_fd = -1;
    bundle->path = strdup(path);
    bundle->password = password ? strdup(password) : NULL;
    if (!bundle->path || (password && !bundle->password)) {
        gpi_bundle_close(bundle);
        gpi_error_nomem(err);
        return NULL;
    }
    if (!bundle->folder && st.type != GPI_OS_REGULAR) {
        gpi_bundle_close(bundle);
        gpi_error_set(err, GP_ERR_OPEN, GPI_OS_ENOTREG, "'%s' 既不是文件也不是文件夹（是%s），没有读取",
                     path, gpi_os_type_name(st.type));
        return NULL;
    }
    bundle = bundle->folder ? bundle_folder_open(bundle, source, report, err)
                            : bundle_zip_open(bundle, source, report, err);
    if (bundle && !index_names(bundle)) {
        gpi_bundle_close(bundle);
        gpi_error_nomem(err);
        return NULL;
    }
    return bundle;
}

void gpi_bundle_close(gpi_bundle *bundle)
{
    if (!bundle)
        return;
    gpi_os_close(bundle->dir_fd);
    for (size_t i = 0; i < bundle->count; i++)
        free(bundle->entries[i].name);
    free(bundle->entries);
    free(bundle->by_name);
    free(bundle->path);
    if (bundle->password) {
        explicit_bzero(bundle->password, strlen(bundle->password));
        free(bundle->password);
    }
    free(bundle);
}

/* ---- readers ------------------------------------------------------------------ */

gpi_bundle_reader *gpi_bundle_reader_new(gpi_bundle *bundle, gp_error *err)
{
    gpi_bundle_reader *reader = calloc(1, sizeof *reader);
    if (!reader) {
        gpi_error_nomem(err);
        return NULL;
    }
    reader->bundle = bundle;
    if (!bundle->folder && !bundle_zip_reader_open(reader, err)) {
        free(reader);
        return NULL;
    }
    return reader;
}

void gpi_bundle_reader_free(gpi_bundle_reader *reader)
{
    if (!reader)
        return;
    if (reader->zip)
        bundle_zip_reader_close(reader);
    free(reader);
}

void gpi_bundle_read(gpi_bundle_reader *reader, size_t i, gpi_entry_read *out)
{
    memset(out, 0, sizeof *out);
    const gpi_bundle_entry *entry = gpi_bundle_entry_at(reader->bundle, i);
    if (!entry) {
        out->status = GPI_READ_FAILED;
        snprintf(out->detail, sizeof out->detail, "no entry %zu", i);
        return;
    }
    if (reader->bundle->folder)
        bundle_folder_read(reader, entry, out);
    else
        bundle_zip_read(reader, entry, out);
}

/* ---- bounded reads ---------------------------------------------------------------- */

void bounded_fail(bounded_read *br, gpi_read_status status, const char *fmt, ...)
{
    free(br->out->data);
    br->out->data = NULL;
    br->out->len = 0;
    br->out->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(br->out->detail, sizeof br->out->detail, fmt, ap);
    va_end(ap);
}

bool bounded_begin(bounded_read *br, gpi_bundle *bundle, const gpi_bundle_entry *entry,
                   gpi_entry_read *out)
{
    memset(br, 0, sizeof *br);
    br->bundle = bundle;
    br->entry = entry;
    br->out = out;
    out->limit = bundle_entry_limit(bundle, entry->name);
    if (entry->declared_size > out->limit) {
        bounded_fail(br, GPI_READ_TOO_LARGE, "declared %llu bytes",
                     (unsigned long long)entry->declared_size);
        return false;
    }
    /* the declared size is only a hint for the first allocation */
    br->cap = (size_t)entry->declared_size + 1;
    if (br->cap < 4096)
        br->cap = 4096;
    out->data = malloc(br->cap + 1);
    if (!out->data) {
        bounded_fail(br, GPI_READ_NOMEM, "out of memory");
        return false;
    }
    return true;
}

unsigned char *bounded_space(bounded_read *br, size_t *room)
{
    gpi_entry_read *out = br->out;
    if (out->len == br->cap) {
        size_t cap = br->cap * 2;
        if (cap > out->limit + 1)
            cap = (size_t)out->limit + 1;
        if (cap <= br->cap)
            cap = br->cap + 1;
        unsigned char *grown = realloc(out->data, cap + 1);
        if (!grown) {
            bounded_fail(br, GPI_READ_NOMEM, "out of memory");
            return NULL;
        }
        out->data = grown;
        br->cap = cap;
    }
    size_t chunk = br->cap - out->len;
    if (chunk > (1u << 16))
        chunk = 1u << 16;
    *room = chunk;
    return out->data + out->len;
}

bool bounded_commit(bounded_read *br, size_t n)
{
    gpi_entry_read *out = br->out;
    gpi_bundle *bundle = br->bundle;
    out->len += n;
    out->stopped_at = out->len;
    uint64_t total = atomic_fetch_add(&bundle->total_read, n) + n;
    if (out->len > br->entry->declared_size) {
        /* more than the header declared: the header lies, stop at once */
        out->limit = br->entry->declared_size;
        bounded_fail(br, GPI_READ_TOO_LARGE, "inflates beyond the declared %llu bytes",
                     (unsigned long long)br->entry->declared_size);
        return false;
    }
    if (out->len > out->limit) {
        bounded_fail(br, GPI_READ_TOO_LARGE, "entry over %llu bytes",
                     (unsigned long long)out->limit);
        return false;
    }
    /* JPEG data is already compressed: a photo entry that deflates 10:1 is
     * a flat bomb, also under 1 MiB (the 0.8 MB photos deflated
     * to 2.7 KB) */
    bool photo = gpi_name_is_jpeg(br->entry->name);
    uint64_t floor = photo ? GPI_BUNDLE_PHOTO_RATIO_FLOOR : GPI_BUNDLE_RATIO_FLOOR;
    unsigned ratio = photo ? GPI_BUNDLE_PHOTO_RATIO_LIMIT : GPI_BUNDLE_RATIO_LIMIT;
    if (br->entry->compressed && out->len > floor && out->len / ratio > br->entry->compressed_size) {
        bounded_fail(br, GPI_READ_TOO_LARGE, "ratio over %u:1 (%llu compressed bytes)", ratio,
                     (unsigned long long)br->entry->compressed_size);
        return false;
    }
    if (total > bundle->limits.max_total_bytes) {
        bounded_fail(br, GPI_READ_TOO_LARGE, "bundle total over %llu bytes",
                     (unsigned long long)bundle->limits.max_total_bytes);
        return false;
    }
    return true;
}

void bounded_finish(bounded_read *br)
{
    br->out->data[br->out->len] = '\0';
    br->out->status = GPI_READ_OK;
}

void bounded_fill(bounded_read *br, bounded_source source, void *context)
{
    for (;;) {
        size_t room;
        unsigned char *at = bounded_space(br, &room);
        if (!at)
            return;
        long long got = source(context, br, at, room);
        if (got < 0)
            return;
        if (got == 0) {
            bounded_finish(br);
            return;
        }
        if (!bounded_commit(br, (size_t)got))
            return;
    }
}

/* ---- findings for failed reads ----------------------------------------------------- */

void gpi_bundle_report_read(const gpi_bundle *bundle, size_t i, const gpi_entry_read *result,
                           const char *source, gp_report *report)
{
    const gpi_bundle_entry *entry = gpi_bundle_entry_at(bundle, i);
    const char *name = entry ? entry->name : "?";
    gpi_where w = {.source = source, .file = name};
    char limit[32];
    snprintf(limit, sizeof limit, "%llu", (unsigned long long)result->limit);
    switch (result->status) {
    case GPI_READ_OK:
        return;
    case GPI_READ_TOO_LARGE: {
        char seen[64];
        if (strncmp(result->detail, "declared", 8) == 0)
            snprintf(seen, sizeof seen, "声明 %llu 字节",
                     (unsigned long long)(entry ? entry->declared_size : 0));
        else
            snprintf(seen, sizeof seen, "解压超过 %llu 字节",
                     (unsigned long long)result->stopped_at);
        gpi_report_add(report, GP_BUNDLE_TOO_LARGE, &w, seen, limit,
                      "%s 超出安全上限（%s），已停止读取，未解压其余部分", name,
                      result->detail);
        return;
    }
    case GPI_READ_CORRUPT:
        gpi_report_add(report, GP_BUNDLE_NOT_ZIP, &w, result->detail, NULL,
                      "压缩包中的 %s 已损坏，无法读出（%s）", name, result->detail);
        return;
    case GPI_READ_BAD_PASSWORD:
        gpi_report_add(report, GP_BUNDLE_BAD_PASSWORD, &w, NULL, NULL,
                      "用提供的密码无法解开 %s", name);
        return;
    case GPI_READ_FAILED:
    case GPI_READ_NOMEM:
        gpi_report_add(report, GP_PHOTO_UNREADABLE, &w, result->detail, NULL,
                      "无法读取 %s（%s）", name, result->detail);
        return;
    }
}
