/* What the bundle reader's files share: the zip and folder back ends fill
 * the same entry list and read through the same bounded-buffer rules. */
#ifndef GPI_BUNDLE_INTERNAL_H
#define GPI_BUNDLE_INTERNAL_H

#include "verify/reader.h"

#include <stdatomic.h>

struct gpi_bundle {
    char *path;
    char *password;          /* NULL = none */
    bool folder;
    int dir_fd;              /* a folder bundle, open from the walk to the close: its
                                files are read beneath it, no link followed */
    gpi_bundle_entry *entries;
    size_t count, cap;
    const gpi_bundle_entry **by_name; /* the entries sorted by name (gpi_bundle_find) */
    gpi_bundle_limits limits;
    atomic_uint_fast64_t total_read; /* shared by every reader of this bundle */
};

struct gpi_bundle_reader {
    gpi_bundle *bundle;
    void *zip; /* zip_t *, one per reader; NULL for a folder */
};

/** Append an accepted entry (name copied).  false on OOM. */
bool bundle_add_entry(gpi_bundle *bundle, const char *name, const gpi_bundle_entry *fields);
/** The per-entry limit for a name (photos vs other files). */
uint64_t bundle_entry_limit(const gpi_bundle *bundle, const char *name);

/* A growing, bounded read of one entry.  The back end calls
 * bounded_take(...) for each chunk; it enforces the entry limit, the
 * compression ratio and the bundle's total budget. */
typedef struct bounded_read {
    gpi_bundle *bundle;
    const gpi_bundle_entry *entry;
    gpi_entry_read *out;
    size_t cap;
} bounded_read;

/** Start: checks the declared size and allocates.  false when refused. */
bool bounded_begin(bounded_read *br, gpi_bundle *bundle, const gpi_bundle_entry *entry,
                   gpi_entry_read *out);
/** Where the next chunk goes and how many bytes it may hold (at least 1
 *  over the limit, so that going over is seen).  NULL on OOM (status set). */
unsigned char *bounded_space(bounded_read *br, size_t *room);
/** Account for n bytes just written at bounded_space.  false when a limit
 *  is crossed (status set, data freed). */
bool bounded_commit(bounded_read *br, size_t n);
/** Finish successfully: NUL-terminate. */
void bounded_finish(bounded_read *br);
/** One chunk of the entry into at (at most room bytes): how many bytes were
 *  read, 0 at its end, or -1 after calling bounded_fail. */
typedef long long (*bounded_source)(void *context, bounded_read *br, unsigned char *at,
                                    size_t room);
/** The read loop both back ends share: chunks from source until its end
 *  (then bounded_finish), a failure or a limit. */
void bounded_fill(bounded_read *br, bounded_source source, void *context);
/** Fail with status and detail (data freed). */
void bounded_fail(bounded_read *br, gpi_read_status status, const char *fmt, ...)
    GPI_PRINTF(3, 4);

/* zip back end (bundle_zip.c) */
gpi_bundle *bundle_zip_open(gpi_bundle *bundle, const char *source, gp_report *report,
                           gp_error *err);
bool bundle_zip_reader_open(gpi_bundle_reader *reader, gp_error *err);
void bundle_zip_reader_close(gpi_bundle_reader *reader);
void bundle_zip_read(gpi_bundle_reader *reader, const gpi_bundle_entry *entry,
                     gpi_entry_read *out);

/* folder back end (bundle_folder.c) */
gpi_bundle *bundle_folder_open(gpi_bundle *bundle, const char *source, gp_report *report,
                              gp_error *err);
void bundle_folder_read(gpi_bundle_reader *reader, const gpi_bundle_entry *entry,
                        gpi_entry_read *out);

/** A name as a clerk can see it: control characters and, in a name that is
 *  not UTF-8, every byte over 0x7F written as \xNN. */
void bundle_name_printable(const char *raw, char *out, size_t size);
/** The same for len raw bytes (which may hold NULs); out is cut at a
 *  character boundary when too small. */
void bundle_name_printable_n(const char *raw, size_t len, char *out, size_t size);

/** Report duplicate names (also differing only by ASCII case) and drop all
 *  but the first of each.  false on OOM. */
bool bundle_drop_duplicates(gpi_bundle *bundle, const char *source, gp_report *report);

#endif
