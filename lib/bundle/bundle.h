/*
 * bundle.h — the bundle format (docs/bundle-format.md) in one place: entry
 * names and the photo-name rule, NAME and BUNDLE_ID, the school block,
 * bundle.json written and read back, MANIFEST.sha256, roster.csv,
 * roster.xlsx, the zip writer and generated passwords.  pack and merge write
 * bundles with it; verify (and so merge) reads them with it.
 */
#ifndef GPI_BUNDLE_H
#define GPI_BUNDLE_H

#include "roster/roster.h"

/* ---- entries: names under BUNDLE_ID/, in the order they are written ---- */

#define GPI_ENTRY_META "bundle.json"
#define GPI_ENTRY_ROSTER "roster.csv"
#define GPI_ENTRY_WORKBOOK "roster.xlsx"
#define GPI_ENTRY_MAPPING "mapping.csv"   /* bundles written by merge only */
#define GPI_ENTRY_PHOTOS "photos/"        /* then one photo per student */
#define GPI_ENTRY_MANIFEST "MANIFEST.sha256"  /* always last */

/* The photo-name rule: photo number NNNN (0001-9999, four digits) is the
 * entry photos/NNNN.jpg. */
#define GPI_PHOTO_ENTRY_SIZE 24
/** "0007" for 7 (1..9999). */
void gpi_seq_format(unsigned number, char seq[5]);
/** Whether s is a photo number: four digits, not "0000". */
bool gpi_seq_valid(const char *s);
/** "photos/0007.jpg" for seq "0007". */
void gpi_photo_entry_name(const char *seq, char name[GPI_PHOTO_ENTRY_SIZE]);
/** Whether rel (a path under BUNDLE_ID/) is a photo entry: photos/NNNN.jpg,
 *  also .jpeg and any case, as other tools may write; its number to seq. */
bool gpi_photo_entry_seq(const char *rel, char seq[5]);

/* ---- MANIFEST.sha256 ---------------------------------------------------- */

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

/* The manifest as a bundle's last entry: its length is known before the
 * hashes ("<64 hex>  <path>\n" a line), and its text is made when the zip
 * writer reaches it, once every other entry has its sha256 (pack's photos
 * are hashed while the zip is written). */
struct gpi_zip_item;
typedef struct gpi_manifest_item {
    const struct gpi_zip_item *items; /* every entry before the manifest */
    size_t count;
} gpi_manifest_item;
/** Make items[count] the manifest of items[0..count-1]; m must live until
 *  the zip is written. */
void gpi_manifest_item_init(gpi_manifest_item *m, struct gpi_zip_item *items, size_t count);

/* bundle.json's "station" block; pack reads it from the station file
 * (templates/station.ini, section [station]) under the same keys. */
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

/** The key in bundle.json and station.ini ("contact"). */
const char *gpi_station_key(gpi_station_field field);

/* bundle.json's "school" block: the profile's pinned values, else those of
 * the first row (pack and merge alike). */
typedef struct gpi_school {
    const char *type, *code, *name;
} gpi_school;
gpi_school gpi_school_of(const gp_profile *profile, const gpi_student *first);

/* ---- names ------------------------------------------------------------ */

/* A NAME is the outputs' file name stem; a BUNDLE_ID the ASCII
 * top folder inside the zip. */
/** Make text safe as a Windows file name: drop \ / : * ? " < > |, control
 *  and invisible characters (gpi_codepoint_unsafe), trim spaces and trailing dots, avoid CON/PRN/AUX/NUL/COMn/
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
/** The submission's NAME: `given` (--name) when it is already a safe file
 *  name, else GP_ERR_USAGE suggesting the safe spelling; without one,
 *  gpi_default_bundle_name(school_code, station_name, seq_first, seq_last).
 *  malloc'd; NULL with err set. */
char *gpi_choose_name(const char *given, const char *school_code, const char *station_name,
                      const char *seq_first, const char *seq_last, gp_error *err);

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

/** Write the workbook into out's temporary file: libxlsxwriter opens it by
 *  gpi_atomic_library_path, messages name gpi_atomic_temp_path.  Every cell
 *  is text; created = gpi_reproducible_time(), so the bytes are
 *  reproducible.  extra may be NULL.  false with err set on failure. */
struct gpi_atomic;
bool gpi_workbook_write(const struct gpi_atomic *out, const gpi_student *const *rows, size_t count,
                        const gpi_workbook_info *info, const gpi_sheet *extra, gp_error *err);

/* ---- bundle.json (bundle_json.c writes it, bundle_meta.c reads it) ---- */

#define GPI_BUNDLE_FORMAT "gradpack-bundle"
#define GPI_BUNDLE_FORMAT_VERSION 1

typedef struct gpi_bundle_source {
    const char *bundle, *sha256, *name;
} gpi_bundle_source;

typedef struct gpi_bundle_info {
    const char *profile, *name, *bundle_id;
    gpi_school school;
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

/* bundle.json as read back (strings "" and numbers 0 when absent or bad). */
typedef struct gpi_bundle_meta {
    bool present;              /* bundle.json was found and is a JSON object */
    char *profile, *name, *bundle_id, *station_name, *school_code;
    char *school_type, *school_name; /* the rest of the "school" block */
    int part, parts;           /* 1-based; 0 when unknown */
    char submission[65];       /* hex SHA-256 binding the parts; "" when absent */
    long long rows;            /* -1 when unknown */
    char seq_first[5], seq_last[5];
    bool merged;               /* a "sources" array: written by merge */
} gpi_bundle_meta;

/** Parse bundle.json bytes from anyone into meta, adding bundle.metadata
 *  findings (at source) for what is missing or malformed.  Fields that are
 *  unusable stay empty/0.  false only on OOM (err set). */
bool gpi_bundle_meta_parse(const char *data, size_t len, gpi_bundle_meta *meta,
                           const char *source, gp_report *report, gp_error *err);
void gpi_bundle_meta_clear(gpi_bundle_meta *meta);

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

/** items[at]: the in-memory file `name` (bundle.json, roster.csv, ...),
 *  hashed, stored when the format says so (roster.xlsx), else deflated. */
void gpi_bundle_file_item(gpi_zip_item *item, const char *name, const void *data, size_t len);
/* The files a bundle holds before its photos, in the format's order
 * (docs/bundle-format.md): bundle.json, roster.csv, roster.xlsx and, in a
 * merged bundle only, the renumbering map.  Then the photos, then
 * MANIFEST.sha256 of everything before it. */
typedef struct gpi_bundle_head {
    const char *json;
    const void *csv;
    size_t csv_len;
    const void *xlsx;
    size_t xlsx_len;
    const void *mapping; /* NULL: no map (pack) */
    size_t mapping_len;
} gpi_bundle_head;
/** How many entries a bundle of `photos` photos has: the head (with or
 *  without the map), the photos and the manifest. */
size_t gpi_bundle_entry_count(bool with_mapping, size_t photos);
/** Lay the head out in items[0..]; returns where the photos start. */
size_t gpi_bundle_head_items(gpi_zip_item *items, const gpi_bundle_head *head);

/** A photo entry fetched while the zip is written: named by seq into
 *  `name` (which must live until then), stored, `size` bytes. */
void gpi_bundle_photo_item(gpi_zip_item *item, char name[GPI_PHOTO_ENTRY_SIZE], const char *seq,
                           size_t size, bool (*fetch)(void *, unsigned char **, size_t *),
                           void *context);

/** Write a zip at path (an existing file, e.g. a gpi_atomic temp, is
 *  truncated and written in place: no other temporary file).  Fixed DOS
 *  time (gpi_reproducible_time, UTC), attributes 0644 made by UNIX, no
 *  directory entries.  password non-NULL → WinZip AES-256 entries.  false
 *  with err set on failure; when a fetched item with check_sha256 was not
 *  what it should be, its `changed` is set and err says so. */
bool gpi_bundle_write(const char *path, const char *bundle_id, gpi_zip_item *items,
                     size_t count, const char *password, gp_error *err);

#endif
