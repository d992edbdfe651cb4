/* The byte layout of a zip file, read by hand next to libzip: libzip trusts
 * the central directory, but a person's unzip tool may not (a streaming
 * extractor reads local headers in file order).  Every byte of a bundle
 * must belong to an entry the central directory lists, in the order pack
 * writes them; anything else is a finding. */
#ifndef GPI_ZIP_LAYOUT_H
#define GPI_ZIP_LAYOUT_H

#include "bundle_internal.h"

typedef struct zip_layout_entry {
    char *raw_name;         /* the central directory's bytes, NUL-terminated copy */
    size_t name_len;        /* the length the directory states (may hold NULs) */
    uint64_t local_offset;
    uint64_t compressed_size;
    uint16_t flags;
    uint16_t made_by;       /* host (high byte) and version */
    uint32_t external;      /* external attributes */
} zip_layout_entry;

typedef struct zip_layout {
    bool parsed;            /* the end records and directory could be read */
    zip_layout_entry *entries; /* in central-directory order (= libzip's index) */
    size_t count;
} zip_layout;

/** Read fd's zip structure.  Adds bundle.stray_bytes (prefix, gaps,
 *  trailing bytes, archive comment) and bundle.hidden_entry (a local file
 *  header the directory does not list) at source.  When the structure
 *  cannot be parsed at all, layout->parsed stays false and nothing is
 *  reported (libzip says bundle.not_zip).  false only on OOM (err set). */
bool zip_layout_read(int fd, uint64_t file_size, const char *source, gp_report *report,
                     zip_layout *layout, gp_error *err);
void zip_layout_clear(zip_layout *layout);

#endif
