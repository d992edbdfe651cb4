/*
 * bundle.h — the pieces of a bundle (docs/bundle-format.md) that pack
 * writes and verify and merge read or write again.
 */
#ifndef GPI_BUNDLE_H
#define GPI_BUNDLE_H

#include "core/base.h"
#include "core/atomic.h"
#include "roster/roster.h"

/* MANIFEST.sha256 in sha256sum format: "<64 hex>  <path>\n", sorted by path
 * (bytewise), paths relative to the bundle's top folder. */
typedef struct gpi_manifest_entry {
    char *path;
    unsigned char sha256[32];
} gpi_manifest_entry;

typedef struct gpi_manifest {
    gpi_manifest_entry *entries;
    size_t count, cap;
} gpi_manifest;

/** Add a file (path copied).  false only when out of memory. */
bool gpi_manifest_add(gpi_manifest *manifest, const char *path, const unsigned char sha256[32]);
/** Sort by path and format; malloc'd text (length in *len), NULL on OOM. */
char *gpi_manifest_format(gpi_manifest *manifest, size_t *len);
/** Parse manifest text (LF or CRLF; "  " or " *" separator; hex any case).
 *  Returns false at the first malformed line, else at the first line that
 *  repeats a path, with *bad_line (1-based) set; or on OOM with err set
 *  (then *bad_line is 0).  Entries stay in file order. */
bool gpi_manifest_parse(const char *text, size_t len, gpi_manifest *out, size_t *bad_line,
                       gp_error *err);
void gpi_manifest_clear(gpi_manifest *manifest);

/* The station file (templates/station.ini, section [station]). */
typedef enum gpi_station_field {
    GPI_STATION_NAME,     /* name */
    GPI_STATION_CONTACT,  /* contact */
    GPI_STATION_PHONE,    /* phone */
    GPI_STATION_ADDRESS,  /* address */
    GPI_STATION_EMAIL,    /* email */
    GPI_STATION_FIELD_COUNT
} gpi_station_field;

typedef struct gpi_station {
    bool present;                          /* a station file was read */
    char *value[GPI_STATION_FIELD_COUNT];   /* trimmed; "" when missing */
} gpi_station;

/** Read station.ini.  path NULL → pack.station.missing; an empty key →
 *  pack.station.field (both warnings in report).  false with err set when
 *  the named file cannot be read or is not UTF-8 ini text. */
bool gpi_station_load(const char *path, gpi_station *station, gp_report *report, gp_error *err);
void gpi_station_clear(gpi_station *station);
/** ini key ("contact"). */
const char *gpi_station_key(gpi_station_field field);
/** The value, or the placeholder when it is missing. */
const char *gpi_station_value_or_placeholder(const gpi_station *station, gpi_station_field field);

/* Names.  A NAME is the outputs' file name stem; a BUNDLE_ID the ASCII
 * top folder inside the zip. */
/** Make text safe as a Windows file name: drop \ / : * ? " < > | and control
 *  characters, trim spaces and trailing dots, avoid CON/PRN/AUX/NUL/COMn/
 *  LPTn, bound the length (whole UTF-8 characters).  malloc'd, never "",
 *  NULL on OOM. */
char *gpi_safe_file_name(const char *text);
/** "<school code>-<station name>-<first>-<last>", made safe.  Any argument
 *  may be NULL or "" and is then left out.  malloc'd, NULL on OOM. */
char *gpi_default_bundle_name(const char *school_code, const char *station_name,
                             const char *seq_first, const char *seq_last);
/** ASCII [A-Za-z0-9._-] from name: runs of other bytes become one '-';
 *  "bundle" when nothing is left.  malloc'd, NULL on OOM. */
char *gpi_bundle_id_from_name(const char *name);
/** "NAME-part2-of-3" (parts > 1) or a copy of NAME.  malloc'd. */
char *gpi_part_stem(const char *name, int part, int parts);

/** A generated password: `length` characters from an alphabet without the
 *  look-alikes 0 O 1 l I, by OpenSSL RAND_bytes with rejection sampling.
 *  malloc'd; NULL when the generator fails or on OOM. */
char *gpi_password_generate(size_t length);
#define GPI_PASSWORD_LENGTH 20
#define GPI_PASSWORD_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

/** roster.csv bytes: UTF-8 BOM, CRLF, the nine labels then one line per
 *  row (seq from rows[i]->seq), fields quoted (libcsv) only when needed.
 *  malloc'd, NULL on OOM. */
char *gpi_roster_csv(const gpi_student *const *rows, size_t count, size_t *len);
/** Append one CSV field, quoted (libcsv) only when RFC 4180 needs it; the
 *  same rule as roster.csv (merge writes mapping.csv with it). */
struct gpi_buf;
void gpi_csv_field(struct gpi_buf *buf, const char *value);

/* The workbook (libxlsxwriter): sheet one holds the nine columns. */
typedef struct gpi_workbook_info {
    const char *title;
    const char *school;   /* company */
    const char *station;  /* author and manager; may be NULL */
} gpi_workbook_info;

/* An optional extra sheet of text cells (merge: the renumbering map). */
typedef struct gpi_sheet {
    const char *name;
    const char *const *headers;  /* `columns` labels */
    size_t columns;
    const char *const *cells;    /* rows × columns, row-major */
    size_t rows;
} gpi_sheet;

/** Write the workbook to path (normally a gpi_atomic temp path).  Every cell
 *  is text; created = gpi_reproducible_time(), so the bytes are reproducible.
 *  extra may be NULL.  false with err set on failure. */
bool gpi_workbook_write(const char *path, const gpi_student *const *rows, size_t count,
                       const gpi_workbook_info *info, const gpi_sheet *extra, gp_error *err);

/* bundle.json */
typedef struct gpi_bundle_source {
    const char *bundle, *sha256, *name;
} gpi_bundle_source;

typedef struct gpi_bundle_info {
    const char *profile, *name, *bundle_id;
    const char *school_type, *school_code, *school_name;
    const gpi_station *station;  /* NULL or !present → null */
    int part, parts;
    const char *submission;     /* hex SHA-256 of the whole roster.csv before
                                   splitting: binds the parts together */
    size_t rows;
    const char *seq_first, *seq_last;
    const gpi_bundle_source *sources; /* merge only: the key is written when */
    size_t source_count;             /* sources != NULL */
} gpi_bundle_info;

/** bundle.json text (keys in the documented order, 2-space indent, trailing
 *  newline).  malloc'd, NULL with err set. */
char *gpi_bundle_json(const gpi_bundle_info *info, gp_error *err);

/* One entry of a bundle zip, archived in array order under BUNDLE_ID/. */
typedef struct gpi_zip_item {
    const char *name;          /* relative to BUNDLE_ID/, ASCII */
    const void *data;          /* in memory (data, len), or ... */
    size_t len;                /* ... fetched: the size it must have */
    /* ... bytes fetched while the zip is written (at zip_close, in entry
     * order, one item at a time: pack's photos from its reading pipeline
     * and its manifest, merge's photos copied out of another bundle):
     * fetch returns a malloc'd buffer the writer frees after archiving
     * it; false on failure (the zip is then abandoned). */
    bool (*fetch)(void *context, unsigned char **data, size_t *size);
    void *fetch_context;
    bool check_sha256;         /* fetched: must have this SHA-256 */
    unsigned char sha256[32];
    bool store;                /* ZIP_CM_STORE (photos, xlsx); else deflate */
    bool changed;              /* out: the fetched bytes were not these */
} gpi_zip_item;

/** Write a zip at path (an existing file, e.g. a gpi_atomic temp, is
 *  truncated and written in place: no other temporary file).  Fixed DOS
 *  time (gpi_reproducible_time, UTC), attributes 0644 made by UNIX, no
 *  directory entries.  password non-NULL → WinZip AES-256 entries.  false
 *  with err set on failure; when a fetched item with check_sha256 was not
 *  what it should be, its `changed` is set and err says so. */
bool gpi_bundle_write(const char *path, const char *bundle_id, gpi_zip_item *items,
                     size_t count, const char *password, gp_error *err);

#endif
