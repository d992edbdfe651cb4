/*
 * reader.h — reading received bundles (lib/verify; reused by merge).
 */
#ifndef GPI_READER_H
#define GPI_READER_H

#include "bundle/bundle.h"
#include "check/check.h"

/*
 * A bundle is a zip file or an already-extracted folder, from anyone: the
 * reader refuses unsafe entries with findings, never extracts to disk, and
 * bounds every read (docs/limits.md). */

#define GPI_BUNDLE_MAX_ENTRIES 10100           /* 9,999 photos + files + folder entries */
#define GPI_BUNDLE_MAX_FILE_BYTES (16u << 20)  /* bundle.json, roster.*, manifest, others */
#define GPI_BUNDLE_RATIO_LIMIT 100             /* inflated : compressed bytes ... */
#define GPI_BUNDLE_RATIO_FLOOR (1u << 20)      /* ... checked once 1 MB is inflated */
#define GPI_BUNDLE_PHOTO_FACTOR 2              /* a photo may be read up to 2 x profile max */
#define GPI_BUNDLE_PHOTO_RATIO_LIMIT 10        /* a JPEG hardly deflates: a photo entry over ... */
#define GPI_BUNDLE_PHOTO_RATIO_FLOOR (64u << 10) /* ... 10:1 is refused once 64 KiB is inflated */
#define GPI_BUNDLE_MAX_DEPTH 8                 /* folder levels walked in a folder bundle */

typedef struct gpi_bundle_limits {
    size_t max_entries;
    uint64_t max_photo_bytes;  /* an entry named *.jpg / *.jpeg */
    uint64_t max_file_bytes;   /* any other entry */
    uint64_t max_total_bytes;  /* all entries read from one bundle */
} gpi_bundle_limits;

/** Limits for photos of `profile` (NULL = no profile known yet: photos get
 *  the file cap). */
void gpi_bundle_limits_for(const gp_profile *profile, gpi_bundle_limits *limits);

typedef enum gpi_name_verdict {
    GPI_NAME_OK,
    GPI_NAME_UNSAFE_PATH, /* absolute, "..", ".", empty component, "\", ":" */
    GPI_NAME_BAD          /* empty, not UTF-8, NUL or control characters */
} gpi_name_verdict;

/** Judge an entry name of `len` raw bytes (a folder entry ends with '/'). */
gpi_name_verdict gpi_bundle_name_check(const char *name, size_t len);

typedef struct gpi_bundle_entry {
    char *name;               /* "ID/photos/0001.jpg": safe, UTF-8, no trailing '/' */
    uint64_t index;           /* the zip's entry index */
    uint64_t declared_size;   /* from the central directory: not trusted */
    uint64_t compressed_size; /* bounds what is read from the archive */
    bool compressed;          /* not stored */
    bool encrypted;
} gpi_bundle_entry;

typedef struct gpi_bundle gpi_bundle;

/** Open a bundle (zip file or folder) and check every entry's name and
 *  type.  Refused entries (bundle.unsafe_path, bad_name, symlink,
 *  duplicate_entry) get a finding at `source` and are left out of the list.
 *  Returns NULL either with err set (the path cannot be opened at all) or
 *  with err untouched and a finding added when the whole bundle is refused
 *  (bundle.not_zip, too_large for the entry count, encrypted without a
 *  password, bad_password).  password may be NULL.  Close with
 *  gpi_bundle_close. */
gpi_bundle *gpi_bundle_open(const char *path, const char *password, const char *source,
                          gp_report *report, gp_error *err);
void gpi_bundle_close(gpi_bundle *bundle);
/** Whether it is an extracted folder rather than a zip file. */
bool gpi_bundle_is_folder(const gpi_bundle *bundle);
/** The accepted file entries (folder entries excluded), in archive order. */
size_t gpi_bundle_count(const gpi_bundle *bundle);
const gpi_bundle_entry *gpi_bundle_entry_at(const gpi_bundle *bundle, size_t i);
/** Index of the entry named exactly `name`, or -1. */
long gpi_bundle_find(const gpi_bundle *bundle, const char *name);
/** Replace the limits (default: gpi_bundle_limits_for(NULL)).  Call before
 *  reading, e.g. once bundle.json has named the profile. */
void gpi_bundle_set_limits(gpi_bundle *bundle, const gpi_bundle_limits *limits);

typedef enum gpi_read_status {
    GPI_READ_OK,
    GPI_READ_TOO_LARGE,    /* over the entry's limit, the total, or the ratio */
    GPI_READ_CORRUPT,      /* bad compressed data, CRC, truncated archive */
    GPI_READ_BAD_PASSWORD, /* the password does not open this entry */
    GPI_READ_FAILED,       /* cannot read (I/O, file replaced meanwhile) */
    GPI_READ_NOMEM
} gpi_read_status;

typedef struct gpi_entry_read {
    gpi_read_status status;
    unsigned char *data;  /* GPI_READ_OK: the entry, malloc'd, NUL-terminated; caller frees */
    size_t len;
    uint64_t stopped_at;  /* bytes inflated when refused (never much over limit) */
    uint64_t limit;       /* the limit that applied */
    char detail[160];     /* which limit, or the library's message */
} gpi_entry_read;

/* A reading handle: one per thread (libzip archives are not thread-safe;
 * each reader opens its own).  The bundle's total budget is shared. */
typedef struct gpi_bundle_reader gpi_bundle_reader;

/** NULL with err set when the archive cannot be reopened. */
gpi_bundle_reader *gpi_bundle_reader_new(gpi_bundle *bundle, gp_error *err);
void gpi_bundle_reader_free(gpi_bundle_reader *reader);
/** Read entry i into memory, stopping at its limit.  Declared sizes are not
 *  trusted: one over the limit is refused without reading, and inflating
 *  past the declared size stops the read at once (GPI_READ_TOO_LARGE). */
void gpi_bundle_read(gpi_bundle_reader *reader, size_t i, gpi_entry_read *out);
/** Add the finding for a read that did not succeed (bundle.too_large,
 *  bundle.not_zip, bundle.bad_password, photo.unreadable). */
void gpi_bundle_report_read(const gpi_bundle *bundle, size_t i, const gpi_entry_read *result,
                           const char *source, gp_report *report);

/* One bundle after every single-bundle check of verify.  merge reuses it:
 * the bundle stays open so photos can be copied out without re-checking. */
typedef struct gpi_verified_photo {
    char seq[5];
    size_t entry;              /* index in the bundle's entry list */
    gpi_photo_result result;    /* read, hash and inspection */
} gpi_verified_photo;

typedef struct gpi_verified {
    char *path;
    char *source;              /* the bundle's file or folder name, as in findings */
    gpi_bundle *bundle;         /* NULL when the whole bundle was refused */
    char *base;                /* "BUNDLE_ID/" prefix of its files ("" for a folder) */
    gpi_bundle_meta meta;
    gp_profile *profile;       /* the one bundle.json names, else the default */
    gpi_roster *roster;         /* NULL when missing; check roster->usable */
    gpi_verified_photo *photos; /* sorted by seq, one per photo number */
    size_t photo_count;
} gpi_verified;

/** Run every single-bundle check of verify on path, adding findings (with
 *  source set) to report.  Returns the result (free with
 *  gpi_verified_free), or NULL with err set when the path cannot be opened
 *  or on OOM. */
gpi_verified *gpi_verify_bundle(const char *path, const gp_verify_options *options,
                              gp_report *report, gp_error *err);
/** Parts of one submission verified together (same bundle.json name, parts
 *  > 1): bundle.part_gap and bundle.part_overlap into reports[i], the report
 *  of verified[i], exactly as gp_verify does.  NULL verified entries are not
 *  allowed.  false only when out of memory. */
bool gpi_verify_parts(gpi_verified *const *verified, gp_report *const *reports, size_t count);
void gpi_verified_free(gpi_verified *verified);

#endif
