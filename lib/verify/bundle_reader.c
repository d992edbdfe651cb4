/* The bundle reader: one entry list for a zip file or an extracted folder,
 * and bounded reads that never trust what an archive declares about
 * itself.  The back ends (bundle_zip.c, bundle_folder.c) list and read;
 * this file holds the rules they share. */
#include "bundle_internal.h"
#include "core/os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- limits ------------------------------------------------------------ */

void gp_bundle_limits_for(const gp_profile *profile, gp_bundle_limits *limits)
{
    limits->max_entries = GP_BUNDLE_MAX_ENTRIES;
    limits->max_file_bytes = GP_BUNDLE_MAX_FILE_BYTES;
    limits->max_photo_bytes = profile && profile->max_bytes
                                  ? profile->max_bytes * GP_BUNDLE_PHOTO_FACTOR
                                  : GP_BUNDLE_MAX_FILE_BYTES;
    /* 10,000 photos at their limit plus the few other files at theirs */
    limits->max_total_bytes = (uint64_t)(GP_MAX_ROWS + 1) * limits->max_photo_bytes +
                              8 * (uint64_t)GP_BUNDLE_MAX_FILE_BYTES;
}

void gp_bundle_set_limits(gp_bundle *bundle, const gp_bundle_limits *limits)
{
    bundle->limits = *limits;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

uint64_t bundle_entry_limit(const gp_bundle *bundle, const char *name)
{
    if (ends_with_ci(name, ".jpg") || ends_with_ci(name, ".jpeg"))
        return bundle->limits.max_photo_bytes;
    return bundle->limits.max_file_bytes;
}

/* ---- the entry list ------------------------------------------------------ */

bool bundle_add_entry(gp_bundle *bundle, const char *name, const gp_bundle_entry *fields)
{
    if (bundle->count == bundle->cap) {
        size_t cap = bundle->cap ? bundle->cap * 2 : 64;
        gp_bundle_entry *grown = realloc(bundle->entries, cap * sizeof *grown);
        if (!grown)
            return false;
        bundle->entries = grown;
        bundle->cap = cap;
    }
    gp_bundle_entry *e = &bundle->entries[bundle->count];
    *e = *fields;
    e->name = strdup(name);
    if (!e->name)
        return false;
    bundle->count++;
    return true;
}

static int compare_names_ci(const void *a, const void *b)
{
    const gp_bundle_entry *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int compare_index(const void *a, const void *b)
{
    const gp_bundle_entry *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

bool bundle_drop_duplicates(gp_bundle *bundle, const char *source, gp_report *report)
{
    if (bundle->count < 2)
        return true;
    qsort(bundle->entries, bundle->count, sizeof *bundle->entries, compare_names_ci);
    size_t kept = 1;
    for (size_t i = 1; i < bundle->count; i++) {
        gp_bundle_entry *first = &bundle->entries[kept - 1];
        gp_bundle_entry *e = &bundle->entries[i];
        if (strcasecmp(first->name, e->name) == 0) {
            gp_where w = {.source = source, .file = e->name};
            bool same = strcmp(first->name, e->name) == 0;
            if (!gp_report_add(report, GP_BUNDLE_DUPLICATE_ENTRY, &w, e->name, first->name,
                               same ? "压缩包中 %s 出现了不止一次，后出现的已忽略"
                                    : "压缩包中 %s 与 %s 只有大小写不同，解压后会互相覆盖，后出现的已忽略",
                               e->name, first->name))
                return false;
            free(e->name);
            continue;
        }
        bundle->entries[kept++] = *e;
    }
    bundle->count = kept;
    qsort(bundle->entries, bundle->count, sizeof *bundle->entries, compare_index);
    return true;
}

size_t gp_bundle_count(const gp_bundle *bundle)
{
    return bundle ? bundle->count : 0;
}

const gp_bundle_entry *gp_bundle_entry_at(const gp_bundle *bundle, size_t i)
{
    return bundle && i < bundle->count ? &bundle->entries[i] : NULL;
}

/* by_name: entry positions sorted by name, for lookups from the manifest */
static int compare_by_name(const void *a, const void *b, void *context)
{
    const gp_bundle_entry *e = context;
    return strcmp(e[*(const size_t *)a].name, e[*(const size_t *)b].name);
}

static bool index_names(gp_bundle *bundle)
{
    bundle->by_name = malloc((bundle->count ? bundle->count : 1) * sizeof *bundle->by_name);
    if (!bundle->by_name)
        return false;
    for (size_t i = 0; i < bundle->count; i++)
        bundle->by_name[i] = i;
    /* names are unique after bundle_drop_duplicates, so the order is total */
    qsort_r(bundle->by_name, bundle->count, sizeof *bundle->by_name, compare_by_name,
            bundle->entries);
    return true;
}

long gp_bundle_find(const gp_bundle *bundle, const char *name)
{
    size_t lo = 0, hi = bundle ? bundle->count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t at = bundle->by_name[mid];
        int c = strcmp(bundle->entries[at].name, name);
        if (c == 0)
            return (long)at;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

bool gp_bundle_is_folder(const gp_bundle *bundle)
{
    return bundle && bundle->folder;
}

/* ---- open and close ---------------------------------------------------------- */

gp_bundle *gp_bundle_open(const char *path, const char *password, const char *source,
                          gp_report *report, gp_error *err)
{
    gp_os_stat st;
    if (gp_os_stat_path(path, true, &st) != 0) {
        gp_error_set(err, GP_ERR_OPEN, errno, "无法打开 '%s'：%s", path, strerror(errno));
        return NULL;
    }
    gp_bundle *bundle = calloc(1, sizeof *bundle);
    if (!bundle) {
        gp_error_nomem(err);
        return NULL;
    }
    atomic_init(&bundle->total_read, 0);
    gp_bundle_limits_for(NULL, &bundle->limits);
    bundle->folder = st.type == GP_OS_DIRECTORY;
    bundle->dir_fd = -1;
    bundle->path = strdup(path);
    bundle->password = password ? strdup(password) : NULL;
    if (!bundle->path || (password && !bundle->password)) {
        gp_bundle_close(bundle);
        gp_error_nomem(err);
        return NULL;
    }
    if (!bundle->folder && st.type != GP_OS_REGULAR) {
        gp_bundle_close(bundle);
        gp_error_set(err, GP_ERR_OPEN, GP_OS_ENOTREG, "'%s' 既不是文件也不是文件夹（是%s），没有读取",
                     path, gp_os_type_name(st.type));
        return NULL;
    }
    bundle = bundle->folder ? bundle_folder_open(bundle, source, report, err)
                            : bundle_zip_open(bundle, source, report, err);
    if (bundle && !index_names(bundle)) {
        gp_bundle_close(bundle);
        gp_error_nomem(err);
        return NULL;
    }
    return bundle;
}

void gp_bundle_close(gp_bundle *bundle)
{
    if (!bundle)
        return;
    gp_os_close(bundle->dir_fd);
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

gp_bundle_reader *gp_bundle_reader_new(gp_bundle *bundle, gp_error *err)
{
    gp_bundle_reader *reader = calloc(1, sizeof *reader);
    if (!reader) {
        gp_error_nomem(err);
        return NULL;
    }
    reader->bundle = bundle;
    if (!bundle->folder && !bundle_zip_reader_open(reader, err)) {
        free(reader);
        return NULL;
    }
    return reader;
}

void gp_bundle_reader_free(gp_bundle_reader *reader)
{
    if (!reader)
        return;
    if (reader->zip)
        bundle_zip_reader_close(reader);
    free(reader);
}

void gp_bundle_read(gp_bundle_reader *reader, size_t i, gp_entry_read *out)
{
    memset(out, 0, sizeof *out);
    const gp_bundle_entry *entry = gp_bundle_entry_at(reader->bundle, i);
    if (!entry) {
        out->status = GP_READ_FAILED;
        snprintf(out->detail, sizeof out->detail, "no entry %zu", i);
        return;
    }
    if (reader->bundle->folder)
        bundle_folder_read(reader, entry, out);
    else
        bundle_zip_read(reader, entry, out);
}

/* ---- bounded reads ---------------------------------------------------------------- */

void bounded_fail(bounded_read *br, gp_read_status status, const char *fmt, ...)
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

bool bounded_begin(bounded_read *br, gp_bundle *bundle, const gp_bundle_entry *entry,
                   gp_entry_read *out)
{
    memset(br, 0, sizeof *br);
    br->bundle = bundle;
    br->entry = entry;
    br->out = out;
    out->limit = bundle_entry_limit(bundle, entry->name);
    if (entry->declared_size > out->limit) {
        bounded_fail(br, GP_READ_TOO_LARGE, "declared %llu bytes",
                     (unsigned long long)entry->declared_size);
        return false;
    }
    /* the declared size is only a hint for the first allocation */
    br->cap = (size_t)entry->declared_size + 1;
    if (br->cap < 4096)
        br->cap = 4096;
    out->data = malloc(br->cap + 1);
    if (!out->data) {
        bounded_fail(br, GP_READ_NOMEM, "out of memory");
        return false;
    }
    return true;
}

unsigned char *bounded_space(bounded_read *br, size_t *room)
{
    gp_entry_read *out = br->out;
    if (out->len == br->cap) {
        size_t cap = br->cap * 2;
        if (cap > out->limit + 1)
            cap = (size_t)out->limit + 1;
        if (cap <= br->cap)
            cap = br->cap + 1;
        unsigned char *grown = realloc(out->data, cap + 1);
        if (!grown) {
            bounded_fail(br, GP_READ_NOMEM, "out of memory");
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
    gp_entry_read *out = br->out;
    gp_bundle *bundle = br->bundle;
    out->len += n;
    out->stopped_at = out->len;
    uint64_t total = atomic_fetch_add(&bundle->total_read, n) + n;
    if (out->len > br->entry->declared_size) {
        /* more than the header declared: the header lies, stop at once */
        out->limit = br->entry->declared_size;
        bounded_fail(br, GP_READ_TOO_LARGE, "inflates beyond the declared %llu bytes",
                     (unsigned long long)br->entry->declared_size);
        return false;
    }
    if (out->len > out->limit) {
        bounded_fail(br, GP_READ_TOO_LARGE, "entry over %llu bytes",
                     (unsigned long long)out->limit);
        return false;
    }
    if (br->entry->compressed && out->len > GP_BUNDLE_RATIO_FLOOR &&
        out->len / GP_BUNDLE_RATIO_LIMIT > br->entry->compressed_size) {
        bounded_fail(br, GP_READ_TOO_LARGE, "ratio over %d:1 (%llu compressed bytes)",
                     GP_BUNDLE_RATIO_LIMIT, (unsigned long long)br->entry->compressed_size);
        return false;
    }
    if (total > bundle->limits.max_total_bytes) {
        bounded_fail(br, GP_READ_TOO_LARGE, "bundle total over %llu bytes",
                     (unsigned long long)bundle->limits.max_total_bytes);
        return false;
    }
    return true;
}

void bounded_finish(bounded_read *br)
{
    br->out->data[br->out->len] = '\0';
    br->out->status = GP_READ_OK;
}

/* ---- findings for failed reads ----------------------------------------------------- */

void gp_bundle_report_read(const gp_bundle *bundle, size_t i, const gp_entry_read *result,
                           const char *source, gp_report *report)
{
    const gp_bundle_entry *entry = gp_bundle_entry_at(bundle, i);
    const char *name = entry ? entry->name : "?";
    gp_where w = {.source = source, .file = name};
    char limit[32];
    snprintf(limit, sizeof limit, "%llu", (unsigned long long)result->limit);
    switch (result->status) {
    case GP_READ_OK:
        return;
    case GP_READ_TOO_LARGE: {
        char seen[64];
        if (strncmp(result->detail, "declared", 8) == 0)
            snprintf(seen, sizeof seen, "声明 %llu 字节",
                     (unsigned long long)(entry ? entry->declared_size : 0));
        else
            snprintf(seen, sizeof seen, "解压超过 %llu 字节",
                     (unsigned long long)result->stopped_at);
        gp_report_add(report, GP_BUNDLE_TOO_LARGE, &w, seen, limit,
                      "%s 超出安全上限（%s），已停止读取，未解压其余部分", name,
                      result->detail);
        return;
    }
    case GP_READ_CORRUPT:
        gp_report_add(report, GP_BUNDLE_NOT_ZIP, &w, result->detail, NULL,
                      "压缩包中的 %s 已损坏，无法读出（%s）", name, result->detail);
        return;
    case GP_READ_BAD_PASSWORD:
        gp_report_add(report, GP_BUNDLE_BAD_PASSWORD, &w, NULL, NULL,
                      "用提供的密码无法解开 %s", name);
        return;
    case GP_READ_FAILED:
    case GP_READ_NOMEM:
        gp_report_add(report, GP_PHOTO_UNREADABLE, &w, result->detail, NULL,
                      "无法读取 %s（%s）", name, result->detail);
        return;
    }
}
