/* The entries of a bundle and the photo-name rule (docs/bundle-format.md,
 * "Inside the zip"): photo number NNNN is photos/NNNN.jpg.  pack and merge
 * name their entries here and verify classifies what it receives here, so
 * the rule is written once. */
#include "bundle/bundle.h"
#include "core/base.h"
#include "core/files.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void gpi_seq_format(unsigned number, char seq[5])
{
    snprintf(seq, 5, "%04u", number);
}

bool gpi_seq_valid(const char *s)
{
    return strlen(s) == 4 && strspn(s, "0123456789") == 4 && strcmp(s, "0000") != 0;
}

void gpi_photo_entry_name(const char *seq, char name[GPI_PHOTO_ENTRY_SIZE])
{
    snprintf(name, GPI_PHOTO_ENTRY_SIZE, GPI_ENTRY_PHOTOS "%s.jpg", seq);
}

bool gpi_photo_entry_seq(const char *rel, char seq[5])
{
    size_t dir = strlen(GPI_ENTRY_PHOTOS);
    if (strncmp(rel, GPI_ENTRY_PHOTOS, dir) != 0)
        return false;
    const char *name = rel + dir;
    if (strspn(name, "0123456789") != 4)
        return false;
    if (strcasecmp(name + 4, ".jpg") != 0 && strcasecmp(name + 4, ".jpeg") != 0)
        return false;
    memcpy(seq, name, 4);
    seq[4] = '\0';
    return gpi_seq_valid(seq);
}

void gpi_bundle_file_item(gpi_zip_item *item, const char *name, const void *data, size_t len)
{
    /* the workbook is already a zip of its own: deflating it again gains nothing */
    *item = (gpi_zip_item){.name = name, .data = data, .len = len,
                           .store = !strcmp(name, GPI_ENTRY_WORKBOOK)};
    gpi_sha256(data, len, item->sha256);
}

size_t gpi_bundle_entry_count(bool with_mapping, size_t photos)
{
    return (with_mapping ? 4 : 3) + photos + 1;
}

size_t gpi_bundle_head_items(gpi_zip_item *items, const gpi_bundle_head *head)
{
    size_t n = 0;
    gpi_bundle_file_item(&items[n++], GPI_ENTRY_META, head->json, strlen(head->json));
    gpi_bundle_file_item(&items[n++], GPI_ENTRY_ROSTER, head->csv, head->csv_len);
    gpi_bundle_file_item(&items[n++], GPI_ENTRY_WORKBOOK, head->xlsx, head->xlsx_len);
    if (head->mapping)
        gpi_bundle_file_item(&items[n++], GPI_ENTRY_MAPPING, head->mapping, head->mapping_len);
    return n;
}

void gpi_bundle_photo_item(gpi_zip_item *item, char name[GPI_PHOTO_ENTRY_SIZE], const char *seq,
                           size_t size, bool (*fetch)(void *, unsigned char **, size_t *),
                           void *context)
{
    gpi_photo_entry_name(seq, name);
    /* JPEG data hardly deflates; stored photos keep their exact bytes */
    *item = (gpi_zip_item){.name = name, .len = size, .store = true, .fetch = fetch,
                           .fetch_context = context};
}
