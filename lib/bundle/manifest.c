/* MANIFEST.sha256: the bundle's integrity list, in exactly the format of
 * coreutils' sha256sum so that `sha256sum -c MANIFEST.sha256` works in the
 * extracted folder.  pack and merge write it as a bundle's last entry;
 * verify parses it. */
#include "core/base.h"
#include "core/files.h"
#include "bundle/bundle.h"

#include <stdlib.h>
#include <string.h>

bool gpi_manifest_add(gpi_manifest *manifest, const char *path, const unsigned char sha256[32])
{
    gpi_manifest_entry *grown =
        gpi_grow(manifest->entries, manifest->count, &manifest->cap, sizeof *grown, 64);
    if (!grown)
        return false;
    manifest->entries = grown;
    char *copy = strdup(path);
    if (!copy)
        return false;
    gpi_manifest_entry *e = &manifest->entries[manifest->count++];
    e->path = copy;
    memcpy(e->sha256, sha256, 32);
    return true;
}

static int by_path(const void *a, const void *b)
{
    const gpi_manifest_entry *x = a, *y = b;
    return strcmp(x->path, y->path); /* bytewise: strcmp compares as unsigned char */
}

char *gpi_manifest_format(gpi_manifest *manifest, size_t *len)
{
    if (manifest->count > 1)
        qsort(manifest->entries, manifest->count, sizeof *manifest->entries, by_path);
    gpi_buf buf = {0};
    for (size_t i = 0; i < manifest->count; i++) {
        char hex[65];
        gpi_hex(manifest->entries[i].sha256, 32, hex);
        gpi_buf_printf(&buf, "%s  %s\n", hex, manifest->entries[i].path);
    }
    size_t n = buf.len;
    char *text = gpi_buf_take(&buf);
    if (text && len)
        *len = n;
    return text;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One line without its line ending: "<64 hex>  path" or "<64 hex> *path". */
static bool parse_line(const char *line, size_t n, unsigned char sha256[32], char **path)
{
    if (n < 67)
        return false;
    for (size_t i = 0; i < 32; i++) {
        int hi = hex_value(line[2 * i]), lo = hex_value(line[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        sha256[i] = (unsigned char)(hi << 4 | lo);
    }
    if (line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
        return false;
    const char *p = line + 66;
    size_t plen = n - 66;
    if (memchr(p, '\0', plen))
        return false;
    *path = strndup(p, plen);
    return *path != NULL;
}

typedef struct line_ref {
    const char *path;
    size_t line;
} line_ref;

static int by_path_then_line(const void *a, const void *b)
{
    const line_ref *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The first line (1-based) that repeats an earlier path, or 0.  Sorting
 * keeps this O(n log n): a manifest lists up to 10,000 photos. */
static size_t first_duplicate(const gpi_manifest *manifest, const size_t *lines, bool *nomem)
{
    *nomem = false;
    if (manifest->count < 2)
        return 0;
    line_ref *refs = malloc(manifest->count * sizeof *refs);
    if (!refs) {
        *nomem = true;
        return 0;
    }
    for (size_t i = 0; i < manifest->count; i++)
        refs[i] = (line_ref){manifest->entries[i].path, lines[i]};
    qsort(refs, manifest->count, sizeof *refs, by_path_then_line);
    size_t first = 0;
    for (size_t i = 1; i < manifest->count; i++)
        if (!strcmp(refs[i - 1].path, refs[i].path) && (!first || refs[i].line < first))
            first = refs[i].line;
    free(refs);
    return first;
}

bool gpi_manifest_parse(const char *text, size_t len, gpi_manifest *out, size_t *bad_line,
                       gp_error *err)
{
    *bad_line = 0;
    size_t line_no = 0;
    size_t *lines = NULL; /* the line of each entry, for reporting duplicates */
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - pos;
        line_no++;
        if (n > 0 && text[pos + n - 1] == '\r')
            n--;
        if (n > 0) {
            unsigned char sha[32];
            char *path = NULL;
            if (!parse_line(text + pos, n, sha, &path)) {
                free(lines);
                *bad_line = line_no;
                return false;
            }
            bool added = gpi_manifest_add(out, path, sha);
            free(path);
            size_t *grown = added ? realloc(lines, out->count * sizeof *lines) : NULL;
            if (!grown) {
                free(lines);
                return gpi_error_nomem(err);
            }
            lines = grown;
            lines[out->count - 1] = line_no;
        }
        pos = end + 1;
    }
    bool nomem;
    *bad_line = first_duplicate(out, lines, &nomem);
    free(lines);
    if (nomem)
        return gpi_error_nomem(err);
    return *bad_line == 0;
}

void gpi_manifest_clear(gpi_manifest *manifest)
{
    if (!manifest)
        return;
    for (size_t i = 0; i < manifest->count; i++)
        free(manifest->entries[i].path);
    free(manifest->entries);
    memset(manifest, 0, sizeof *manifest);
}

/* Its length is known before the hashes: "<64 hex>  <path>\n" a line. */
static size_t manifest_length(const gpi_zip_item *items, size_t count)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        n += 64 + 2 + strlen(items[i].name) + 1;
    return n;
}

/* Made when the zip writer reaches the last entry: by then every other
 * item of the bundle has its hash. */
static bool fetch_manifest(void *context, unsigned char **data, size_t *size)
{
    const gpi_manifest_item *m = context;
    gpi_manifest manifest = {0};
    bool ok = true;
    for (size_t i = 0; ok && i < m->count; i++)
        ok = gpi_manifest_add(&manifest, m->items[i].name, m->items[i].sha256);
    char *text = ok ? gpi_manifest_format(&manifest, size) : NULL;
    gpi_manifest_clear(&manifest);
    if (text && *size != manifest_length(m->items, m->count)) {
        free(text);
        text = NULL;
    }
    *data = (unsigned char *)text;
    return text != NULL;
}

void gpi_manifest_item_init(gpi_manifest_item *m, gpi_zip_item *items, size_t count)
{
    *m = (gpi_manifest_item){.items = items, .count = count};
    items[count] = (gpi_zip_item){.name = GPI_ENTRY_MANIFEST,
                                  .len = manifest_length(items, count),
                                  .fetch = fetch_manifest, .fetch_context = m};
}
