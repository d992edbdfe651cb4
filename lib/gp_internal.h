/*
 * gp_internal.h — what the parts of libgradpack share and clients never see.
 * libjpeg, libzip, libcsv and OpenSSL types stay out of this header too: each
 * is private to the file that uses it.
 */
#ifndef GP_INTERNAL_H
#define GP_INTERNAL_H

#include "gradpack.h"

#include <stdarg.h>
#include <stdio.h>

#define GP_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#define GP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- limits (documented in docs/limits.md) --------------------------- */
#define GP_MAX_ROWS 9999                      /* photo numbers 0001-9999 */
#define GP_MAX_ROSTER_BYTES (64u << 20)       /* a 9999-row roster is < 5 MB */
#define GP_MAX_FIELD_BYTES 1024               /* longest cell accepted */
#define GP_MAX_COLUMNS 256
#define GP_MAX_PHOTO_READ_BYTES (64u << 20)   /* a photo file read into memory */

/* ---- errors ----------------------------------------------------------- */

/** Set err unless it is NULL or already set (the first failure is the real
 *  one).  Always returns false so callers can `return gp_error_set(...)`. */
bool gp_error_set(gp_error *err, gp_status status, int sys_errno, const char *fmt, ...)
    GP_PRINTF(4, 5);
/** gp_error_set with GP_ERR_NOMEM and a standard message. */
bool gp_error_nomem(gp_error *err);

/* ---- findings --------------------------------------------------------- */

/* Where a finding is.  Every member may be 0/NULL. */
typedef struct gp_where {
    const char *source;
    int row;
    const char *seq;
    const char *field;
    const char *file;
} gp_where;

/** Add a finding with the code's default severity.  Strings are copied.
 *  fmt (may be NULL = the code's title) is the one-sentence Chinese message.
 *  Returns false only when out of memory. */
bool gp_report_add(gp_report *report, gp_code code, const gp_where *where,
                   const char *actual, const char *expected, const char *fmt, ...)
    GP_PRINTF(6, 7);
bool gp_report_add_severity(gp_report *report, gp_severity severity, gp_code code,
                            const gp_where *where, const char *actual,
                            const char *expected, const char *fmt, ...)
    GP_PRINTF(7, 8);
bool gp_report_addv(gp_report *report, gp_severity severity, gp_code code,
                    const gp_where *where, const char *actual, const char *expected,
                    const char *fmt, va_list ap);
/** Set the profile name shown in the report. */
bool gp_report_set_profile(gp_report *report, const char *profile_name);
/** Order findings for people and for reproducible output: by source, then
 *  file-level findings, then spreadsheet row, then photo number, keeping
 *  insertion order among equals. */
void gp_report_sort(gp_report *report);
/** Move all findings, summary values excluded, from `from` into `into`,
 *  setting their source when they have none.  `from` is left empty. */
bool gp_report_absorb(gp_report *into, gp_report *from, const char *source);

/* ---- the roster's fields --------------------------------------------- */

typedef enum gp_field {
    GP_FIELD_SEQ,          /* 拍摄序号 */
    GP_FIELD_LEVEL,        /* 学历层次 */
    GP_FIELD_STUDENT_NO,   /* 学号 */
    GP_FIELD_NAME,         /* 姓名 */
    GP_FIELD_SEX,          /* 性别 */
    GP_FIELD_ID_NUMBER,    /* 身份证号 */
    GP_FIELD_SCHOOL_TYPE,  /* 所在校别 */
    GP_FIELD_SCHOOL_CODE,  /* 院校代码 */
    GP_FIELD_SCHOOL_NAME,  /* 学校名称 */
    GP_FIELD_COUNT
} gp_field;

/** Canonical Chinese label ("拍摄序号") and English key ("seq"). */
const char *gp_field_label(gp_field field);
const char *gp_field_key(gp_field field);

/* ---- profiles --------------------------------------------------------- */

typedef struct gp_string_list {
    char **items;
    size_t count;
} gp_string_list;

typedef struct gp_level_mapping {
    char *from;
    char *to;
} gp_level_mapping;

struct gp_profile {
    char *name;          /* file name without .ini */
    char *title;         /* for people */
    char *path;

    /* [photo] */
    int width, height;
    uint64_t min_bytes, max_bytes; /* inclusive */
    int dpi;
    int components;      /* 3 */
    int bits;            /* 8 per component */
    bool allow_srgb_icc; /* an embedded sRGB profile is fine, any other is not */

    /* [school]: values every row must carry; NULL when not pinned */
    char *school_type, *school_code, *school_name;

    /* [roster] vocabulary, from the fields file the profile names */
    gp_string_list header_aliases[GP_FIELD_COUNT]; /* includes the label itself */
    gp_string_list levels;                         /* 成人专科, 成人本科 */
    gp_level_mapping *level_map;                   /* 高起专 -> 成人专科 ... */
    size_t level_map_count;
    gp_string_list sexes;                          /* 男, 女 */
};

/** Human text for the profile's size window, e.g. "563200–665600". */
void gp_profile_size_window(const gp_profile *profile, char *buf, size_t size);

/* ---- the roster ------------------------------------------------------- */

typedef struct gp_student {
    int row;                       /* spreadsheet row (header = 1) */
    char seq[5];                   /* normalised "0007"; "" when invalid */
    char *value[GP_FIELD_COUNT];   /* normalised values, never NULL ("" when empty) */
    bool has_error;                /* an error finding concerns this row */
    unsigned damaged;              /* 1 << field: Excel destroyed the value (reported once) */
} gp_student;

typedef struct gp_roster {
    gp_student *students;          /* in file order */
    size_t count;
    char *encoding;                /* "UTF-8", "UTF-8-BOM" or "GB18030" */
    bool usable;                   /* false: file-level errors, no rows read */
} gp_roster;

/** Parse roster CSV bytes (any accepted encoding; `encoding` NULL =
 *  detect).  `file_label` names the file in findings.  File-level problems
 *  become findings and return a roster with usable = false; NULL only with
 *  err set (out of memory).  Does not apply field rules. */
gp_roster *gp_roster_parse(const char *data, size_t len, const char *file_label,
                           const char *encoding, const gp_profile *profile,
                           gp_report *report, gp_error *err);
/** Read the file (bounded by GP_MAX_ROSTER_BYTES) and parse it.  NULL with
 *  err set when it cannot be opened or read (GP_ERR_OPEN). */
gp_roster *gp_roster_read(const char *path, const char *encoding,
                          const gp_profile *profile, gp_report *report, gp_error *err);
/** Apply every field rule: normalise values in place (padding, full-width,
 *  level mapping, upper-case X) and add findings; set has_error. */
void gp_roster_apply_rules(gp_roster *roster, const gp_profile *profile,
                           const char *file_label, gp_report *report);
void gp_roster_free(gp_roster *roster);
/** The student with photo number seq, or NULL (first one when duplicated). */
const gp_student *gp_roster_find_seq(const gp_roster *roster, const char *seq);

/* ---- resident ID numbers (GB 11643-1999) ------------------------------ */

typedef enum gp_id_verdict {
    GP_ID_OK,
    GP_ID_SCIENTIFIC, /* Excel turned it into 3.70303E+17 */
    GP_ID_FORMAT,     /* not 17 digits + check character */
    GP_ID_CHECKSUM,   /* wrong check character */
    GP_ID_BIRTHDATE   /* not a real date, or in the future */
} gp_id_verdict;

/** Validate an upper-cased, half-width ID number.  today is YYYYMMDD.
 *  On GP_ID_CHECKSUM, *expected_check is the right character. */
gp_id_verdict gp_id_validate(const char *id, int today, char *expected_check);
/** ISO 7064 MOD 11-2 check character for 17 digits. */
char gp_id_check_char(const char *first17);
/** 1 male, 2 female (from the 17th digit), 0 when not derivable. */
int gp_id_sex(const char *id);
/** Today's date as YYYYMMDD (local time; SOURCE_DATE_EPOCH not used). */
int gp_today(void);

/* ---- the photo folder ------------------------------------------------- */

struct gp_photo_dir;

typedef struct gp_photo_file {
    char seq[5];        /* "0001" */
    char *name;         /* as found: "0001.JPG" */
    char *path;         /* dir + "/" + name (for messages) */
    uint64_t size;      /* from stat */
    const struct gp_photo_dir *folder; /* read relative to its fd; NULL: by path */
} gp_photo_file;

typedef struct gp_photo_dir {
    gp_photo_file *files;  /* one per photo number, sorted by seq */
    size_t count;
    int fd;                /* the folder, open from the scan to the free: photos
                              are read relative to it, never by re-resolving
                              the path (lib/core/os.h) */
} gp_photo_dir;

/** List `dir`: photos named NNNN.jpg/.jpeg (any case) become files; two for
 *  one number -> photo.ambiguous (the first by name is kept); stray files ->
 *  info (Thumbs.db, desktop.ini, .DS_Store silently ignored).  Only regular
 *  files (or symlinks to them) are listed: a photo name that is a FIFO, a
 *  device or a broken link -> photo.unreadable, never opened.  gradpack's
 *  own files (.gradpack.lock, temporary outputs) are ignored silently.  The
 *  folder is opened once and listed and read by that fd.  NULL with err
 *  set when the folder cannot be opened. */
gp_photo_dir *gp_photo_dir_scan(const char *dir, gp_report *report, gp_error *err);
void gp_photo_dir_free(gp_photo_dir *photos);

/* ---- JPEG inspection -------------------------------------------------- */

typedef enum gp_jpeg_color {
    GP_JCOLOR_UNKNOWN, GP_JCOLOR_GRAY, GP_JCOLOR_YCBCR, GP_JCOLOR_RGB,
    GP_JCOLOR_CMYK, GP_JCOLOR_YCCK
} gp_jpeg_color;

typedef enum gp_icc_kind { GP_ICC_NONE, GP_ICC_SRGB, GP_ICC_OTHER, GP_ICC_BROKEN } gp_icc_kind;

typedef struct gp_jpeg_info {
    bool is_jpeg;            /* starts with the SOI marker (FF D8 FF); width is
                                0 when no frame header could be read after it */
    const char *looks_like;  /* when !is_jpeg: what the content looks like
                                ("PNG", "GIF", "HEIC", "BMP", "WebP", "PDF",
                                "TIFF", "空文件"), NULL when unrecognised; static */
    bool decoded;            /* the whole image decoded without error */
    bool skipped;            /* not decoded because a caller's limit refused it
                                (gp_jpeg_inspect_limited): not damage, the caller
                                reports the limit */
    char decode_error[200];  /* libjpeg's message when !decoded */
    int width, height;
    int components;
    int bits;                /* sample precision */
    gp_jpeg_color color;
    bool progressive;
    bool has_jfif;
    int density_unit;        /* JFIF: 0 none, 1 dpi, 2 dots/cm */
    int x_density, y_density;
    bool has_exif_resolution;
    int exif_resolution_unit; /* Exif ResolutionUnit: 2 inch, 3 cm */
    double exif_x_dpi, exif_y_dpi; /* converted to dots per inch */
    int orientation;         /* Exif orientation, 1 when absent */
    gp_icc_kind icc;
    char icc_description[64];
} gp_jpeg_info;

/** Inspect a JPEG held in memory: headers, metadata, and a full (DCT-scaled)
 *  decode so a truncated or corrupt file never passes.  Thread-safe; no I/O;
 *  never exits or crashes on hostile input. */
void gp_jpeg_inspect(const unsigned char *data, size_t len, gp_jpeg_info *info);

/* The picture at a small DCT scale: what the content rules measure and the
 * HTML report's thumbnail is made from, so that each photo is decoded once.
 * RGB, 8 bits, rows top to bottom, as stored (Exif orientation not applied:
 * the agency judges the stored picture). */
typedef struct gp_preview {
    unsigned char *rgb;   /* width × height × 3 bytes, malloc'd; NULL when none */
    int width, height;
    int scale_num;        /* decoded at scale_num/8 of the photo's size */
} gp_preview;

/** gp_jpeg_inspect, and when the whole picture decodes, a preview at the
 *  smallest scale M/8 whose width is at least min_width (the whole photo
 *  when it is narrower).  preview may be NULL (then the decode runs at 1/8,
 *  fastest).  On failure preview->rgb stays NULL.  Free with
 *  gp_preview_free. */
void gp_jpeg_inspect_preview(const unsigned char *data, size_t len, gp_jpeg_info *info,
                             int min_width, gp_preview *preview);
void gp_preview_free(gp_preview *preview);

/** The effective horizontal resolution in dpi: the JFIF density when its
 *  unit is dpi (1) or dots/cm (2, times 2.54), else Exif XResolution, else
 *  0 (unknown). */
double gp_jpeg_dpi(const gp_jpeg_info *info);
/** Whether both axes' resolution counts as `dpi`.  In dots per inch the
 *  value must round to dpi (|v - dpi| < 0.5).  JFIF can store only whole
 *  dots/cm, so a dots/cm value counts when it lies between floor(dpi/2.54)
 *  and ceil(dpi/2.54) inclusive: 118 and 119 dots/cm count as 300 dpi. */
bool gp_jpeg_dpi_matches(const gp_jpeg_info *info, int dpi);

/** Judge an inspected photo against the profile, adding photo.* findings
 *  at `where`.  Returns the number of error findings added. */
int gp_photo_judge(const gp_jpeg_info *info, uint64_t file_size,
                   const gp_profile *profile, const gp_where *where, gp_report *report);

/* ---- the check pipeline, shared by check, pack, verify ----------------- */

/* What the content rules measured on one photo (lib/photo content rules;
 * issue "judge the picture").  Coordinates are pixels of the stored photo
 * (not of the preview), origin top left; a value is meaningful only when
 * its flag says so.  The report carries these as per-photo numbers under
 * the keys named in docs/cli.md ("measurements"), which the HTML report
 * draws. */
typedef struct gp_photo_measure {
    bool measured;             /* the content rules ran on this photo */
    int faces;                 /* faces found (0, 1, more) */
    bool has_face;             /* the fields below describe the one face */
    double face_left, face_top, face_right, face_bottom; /* face box */
    double eye_left_x, eye_left_y, eye_right_x, eye_right_y;
    double eye_line;           /* mean eye y */
    double face_width;         /* cheek to cheek */
    double face_center_x;
    double tilt_deg;           /* eye line roll, + = clockwise */
    bool has_head_top;
    double head_top;           /* top of the hair, found against the backdrop */
    bool has_background;
    double background_lab[3];  /* CIE L*a*b* (D50) of the backdrop */
    double background_spread;  /* ΔE2000 between backdrop patches, largest */
    double face_luminance;     /* mean L* on the face */
    double face_clipped;       /* fraction of face pixels clipped at white */
    double face_lr_ratio;      /* luminance of the darker half / the lighter */
    double sharpness;          /* normalised detail on the face */
    double saturation;         /* mean chroma of the picture */
} gp_photo_measure;

/* One photo's result from the single read: inspection and hash. */
typedef struct gp_photo_result {
    bool read_ok;
    int read_errno;
    uint64_t size;            /* bytes actually read */
    unsigned char sha256[32];
    gp_jpeg_info info;
    gp_photo_measure measure; /* content rules; measure.measured false when not run */
    unsigned char *thumb;     /* small JPEG for the HTML report, malloc'd; NULL when none */
    size_t thumb_len;
} gp_photo_result;

/** Free what a result owns (the thumbnail) and zero it.  NULL is fine. */
void gp_photo_result_clear(gp_photo_result *result);

/** Everything check learned, for pack to reuse without reading again. */
typedef struct gp_check_state {
    gp_profile *profile;
    gp_roster *roster;
    gp_photo_dir *photos;
    gp_photo_result *results;  /* parallel to photos->files */
    bool thumbnails;           /* gp_check_options.thumbnails */
} gp_check_state;

void gp_check_state_clear(gp_check_state *state);

/* check in its three steps; pack reads the photos itself between prepare
 * and finish, and archives them from the same buffers. */
/** Whether photo_dir is a folder; false with err set (GP_ERR_OPEN). */
bool gp_check_is_directory(const char *photo_dir, gp_error *err);
/** No photo is read: profile, roster (rules applied), the folder listing
 *  (stat sizes), findings into report; state->results allocated (zeroed),
 *  one per listed photo.  false with err set. */
bool gp_check_prepare(const char *roster_path, const char *photo_dir,
                      const gp_check_options *options, gp_check_state *state,
                      gp_report *report, gp_error *err);
/** Read one photo once, hash and inspect it into *out (with a thumbnail
 *  in out->thumb when thumbnails).  keep non-NULL: the bytes are handed
 *  over in *keep (malloc'd; NULL when unreadable). */
void gp_check_read_photo(const gp_photo_file *file, bool thumbnails, gp_photo_result *out,
                         unsigned char **keep, size_t *keep_len);
/** Read every listed photo (gp_check_read_photo) on `threads` threads. */
void gp_check_inspect(gp_check_state *state, int threads);
/** Match and judge every photo (all results filled), set the summary
 *  values rows, photos, encoding, and sort the report.  false on OOM. */
bool gp_check_finish(gp_check_state *state, gp_report *report, gp_error *err);

/** Match roster rows to photos and judge each inspected photo: photo.missing,
 *  photo.orphan, photo.duplicate and the inspection codes.  `names[i]` and
 *  `results[i]` describe photo i with number `seqs[i]` (sorted ascending).
 *  Used by check (a folder) and verify (entries of a zip). */
void gp_check_match_photos(const gp_roster *roster, const gp_profile *profile,
                           const char *const *seqs, const char *const *names,
                           const gp_photo_result *results, size_t count,
                           const char *source, gp_report *report);

/* ---- work across cores ------------------------------------------------- */

typedef void (*gp_task_fn)(void *context, size_t index);

/** Run fn(context, i) for every i < count on `threads` threads (0 = one per
 *  core), each index exactly once.  Returns false when threads cannot be
 *  started (then everything ran on the calling thread). */
bool gp_parallel_for(size_t count, int threads, gp_task_fn fn, void *context);
/** Number of online cores (at least 1). */
int gp_cpu_count(void);

/* ---- files ------------------------------------------------------------ */

/** Read a whole file, refusing more than max bytes (err GP_ERR_OPEN).
 *  *data is malloc'd (NUL-terminated for convenience) on success. */
bool gp_read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                  gp_error *err);
/** SHA-256 (OpenSSL) of a buffer; hex form is 64 chars + NUL. */
void gp_sha256(const void *data, size_t len, unsigned char out[32]);
void gp_hex(const unsigned char *bytes, size_t len, char *out);
/** SHA-256 of a file, streamed. */
bool gp_sha256_file(const char *path, unsigned char out[32], gp_error *err);
/** Size and SHA-256 (hex) of a file just written, for reports. */
bool gp_file_digest(const char *path, uint64_t *bytes, char hex[65], gp_error *err);
/** Join dir and name with one '/'.  malloc'd, NULL on OOM. */
char *gp_path_join(const char *dir, const char *name);
/** Last path component (pointer into path). */
const char *gp_path_base(const char *path);
/** mkdir -p.  false with err set on failure. */
bool gp_mkdirs(const char *dir, gp_error *err);

/* Atomic outputs: written to a temporary file in the target folder and
 * renamed into place on commit.  Temporary files are registered so that
 * gp_interrupt_cleanup() (called from a signal handler) removes them. */
typedef struct gp_atomic gp_atomic;

/** Start writing final_path.  When !overwrite and final_path exists, fails
 *  with GP_ERR_EXISTS.  NULL with err set on failure. */
gp_atomic *gp_atomic_begin(const char *final_path, bool overwrite, gp_error *err);
/** The temporary file's path, for libraries that write by name. */
const char *gp_atomic_temp_path(const gp_atomic *file);
/** An open stream on the temporary file (opened on first call). */
FILE *gp_atomic_stream(gp_atomic *file, gp_error *err);
/** fsync and rename into place; frees file.  false with err set (the
 *  temporary file is removed). */
bool gp_atomic_commit(gp_atomic *file, gp_error *err);
/** Remove the temporary file and free file.  NULL is fine. */
void gp_atomic_abort(gp_atomic *file);
/** Commit several files in `dir` as one: either all of them replace the
 *  old outputs or, if the run dies half-way, gp_atomic_recover in the next
 *  run finishes the job (a roll-forward journal, DIR/.gradpack-commit).
 *  NULL entries are skipped.  Takes every file (each slot is set to NULL),
 *  on success and on failure.  false with err set. */
bool gp_atomic_commit_set(gp_atomic **files, size_t count, const char *dir, gp_error *err);
/** Finish a set commit that a killed run left half done (call with the
 *  folder locked, before writing anything).  *recovered (may be NULL) says
 *  whether there was one.  false with err set. */
bool gp_atomic_recover(const char *dir, bool *recovered, gp_error *err);

/* ---- output-folder lock ------------------------------------------------- */

typedef struct gp_lock gp_lock;

/** Lock `dir` (which must exist) against other gradpack runs.  A lock held
 *  by a dead process is free again.  NULL with err GP_ERR_LOCKED when
 *  another live run holds it. */
gp_lock *gp_lock_acquire(const char *dir, gp_error *err);
void gp_lock_release(gp_lock *lock);

/* ---- reproducibility ------------------------------------------------------ */

/** SOURCE_DATE_EPOCH when set and valid, else the fixed epoch
 *  2000-01-01T00:00:00Z (outputs never carry the current time). */
int64_t gp_reproducible_time(void);

/* ---- pack: the pieces of a bundle (docs/bundle-format.md), shared with
 * verify and merge ---------------------------------------------------- */

/* MANIFEST.sha256 in sha256sum format: "<64 hex>  <path>\n", sorted by path
 * (bytewise), paths relative to the bundle's top folder. */
typedef struct gp_manifest_entry {
    char *path;
    unsigned char sha256[32];
} gp_manifest_entry;

typedef struct gp_manifest {
    gp_manifest_entry *entries;
    size_t count, cap;
} gp_manifest;

/** Add a file (path copied).  false only when out of memory. */
bool gp_manifest_add(gp_manifest *manifest, const char *path, const unsigned char sha256[32]);
/** Sort by path and format; malloc'd text (length in *len), NULL on OOM. */
char *gp_manifest_format(gp_manifest *manifest, size_t *len);
/** Parse manifest text (LF or CRLF; "  " or " *" separator; hex any case).
 *  Returns false at the first malformed line, else at the first line that
 *  repeats a path, with *bad_line (1-based) set; or on OOM with err set
 *  (then *bad_line is 0).  Entries stay in file order. */
bool gp_manifest_parse(const char *text, size_t len, gp_manifest *out, size_t *bad_line,
                       gp_error *err);
void gp_manifest_clear(gp_manifest *manifest);

/* The station file (templates/station.ini, section [station]). */
typedef enum gp_station_field {
    GP_STATION_NAME,     /* name */
    GP_STATION_CONTACT,  /* contact */
    GP_STATION_PHONE,    /* phone */
    GP_STATION_ADDRESS,  /* address */
    GP_STATION_EMAIL,    /* email */
    GP_STATION_FIELD_COUNT
} gp_station_field;

typedef struct gp_station {
    bool present;                          /* a station file was read */
    char *value[GP_STATION_FIELD_COUNT];   /* trimmed; "" when missing */
} gp_station;

/** Read station.ini.  path NULL → pack.station.missing; an empty key →
 *  pack.station.field (both warnings in report).  false with err set when
 *  the named file cannot be read or is not UTF-8 ini text. */
bool gp_station_load(const char *path, gp_station *station, gp_report *report, gp_error *err);
void gp_station_clear(gp_station *station);
/** ini key ("contact"). */
const char *gp_station_key(gp_station_field field);
/** The value, or the placeholder when it is missing. */
const char *gp_station_value_or_placeholder(const gp_station *station, gp_station_field field);

/* Names.  A NAME is the outputs' file name stem; a BUNDLE_ID the ASCII
 * top folder inside the zip. */
/** Make text safe as a Windows file name: drop \ / : * ? " < > | and control
 *  characters, trim spaces and trailing dots, avoid CON/PRN/AUX/NUL/COMn/
 *  LPTn, bound the length (whole UTF-8 characters).  malloc'd, never "",
 *  NULL on OOM. */
char *gp_safe_file_name(const char *text);
/** "<school code>-<station name>-<first>-<last>", made safe.  Any argument
 *  may be NULL or "" and is then left out.  malloc'd, NULL on OOM. */
char *gp_default_bundle_name(const char *school_code, const char *station_name,
                             const char *seq_first, const char *seq_last);
/** ASCII [A-Za-z0-9._-] from name: runs of other bytes become one '-';
 *  "bundle" when nothing is left.  malloc'd, NULL on OOM. */
char *gp_bundle_id_from_name(const char *name);
/** "NAME-part2-of-3" (parts > 1) or a copy of NAME.  malloc'd. */
char *gp_part_stem(const char *name, int part, int parts);

/** A generated password: `length` characters from an alphabet without the
 *  look-alikes 0 O 1 l I, by OpenSSL RAND_bytes with rejection sampling.
 *  malloc'd; NULL when the generator fails or on OOM. */
char *gp_password_generate(size_t length);
#define GP_PASSWORD_LENGTH 20
#define GP_PASSWORD_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

/** roster.csv bytes: UTF-8 BOM, CRLF, the nine labels then one line per
 *  row (seq from rows[i]->seq), fields quoted (libcsv) only when needed.
 *  malloc'd, NULL on OOM. */
char *gp_roster_csv(const gp_student *const *rows, size_t count, size_t *len);
/** Append one CSV field, quoted (libcsv) only when RFC 4180 needs it; the
 *  same rule as roster.csv (merge writes mapping.csv with it). */
struct gp_buf;
void gp_csv_field(struct gp_buf *buf, const char *value);

/* The workbook (libxlsxwriter): sheet one holds the nine columns. */
typedef struct gp_workbook_info {
    const char *title;
    const char *school;   /* company */
    const char *station;  /* author and manager; may be NULL */
} gp_workbook_info;

/* An optional extra sheet of text cells (merge: the renumbering map). */
typedef struct gp_sheet {
    const char *name;
    const char *const *headers;  /* `columns` labels */
    size_t columns;
    const char *const *cells;    /* rows × columns, row-major */
    size_t rows;
} gp_sheet;

/** Write the workbook to path (normally a gp_atomic temp path).  Every cell
 *  is text; created = gp_reproducible_time(), so the bytes are reproducible.
 *  extra may be NULL.  false with err set on failure. */
bool gp_workbook_write(const char *path, const gp_student *const *rows, size_t count,
                       const gp_workbook_info *info, const gp_sheet *extra, gp_error *err);

/* bundle.json */
typedef struct gp_bundle_source {
    const char *bundle, *sha256, *name;
} gp_bundle_source;

typedef struct gp_bundle_info {
    const char *profile, *name, *bundle_id;
    const char *school_type, *school_code, *school_name;
    const gp_station *station;  /* NULL or !present → null */
    int part, parts;
    const char *submission;     /* hex SHA-256 of the whole roster.csv before
                                   splitting: binds the parts together */
    size_t rows;
    const char *seq_first, *seq_last;
    const gp_bundle_source *sources; /* merge only: the key is written when */
    size_t source_count;             /* sources != NULL */
} gp_bundle_info;

/** bundle.json text (keys in the documented order, 2-space indent, trailing
 *  newline).  malloc'd, NULL with err set. */
char *gp_bundle_json(const gp_bundle_info *info, gp_error *err);

/* One entry of a bundle zip, archived in array order under BUNDLE_ID/. */
typedef struct gp_zip_item {
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
} gp_zip_item;

/** Write a zip at path (an existing file, e.g. a gp_atomic temp, is
 *  truncated and written in place: no other temporary file).  Fixed DOS
 *  time (gp_reproducible_time, UTC), attributes 0644 made by UNIX, no
 *  directory entries.  password non-NULL → WinZip AES-256 entries.  false
 *  with err set on failure; when a fetched item with check_sha256 was not
 *  what it should be, its `changed` is set and err says so. */
bool gp_bundle_write(const char *path, const char *bundle_id, gp_zip_item *items,
                     size_t count, const char *password, gp_error *err);

/* ---- text ------------------------------------------------------------- */

/** Whether s (len bytes) is valid UTF-8. */
bool gp_utf8_valid(const char *s, size_t len);
/** Trim ASCII and ideographic (U+3000) spaces from both ends, in place. */
char *gp_trim(char *s);
/** Replace full-width ASCII (U+FF01..U+FF5E) with half-width, in place.
 *  Returns whether anything changed. */
bool gp_fullwidth_to_ascii(char *s);
/** strdup that records OOM in err. */
char *gp_strdup(const char *s, gp_error *err);
/** printf into a malloc'd string; NULL on OOM. */
char *gp_asprintf(const char *fmt, ...) GP_PRINTF(1, 2);

/* Growable byte buffer. */
typedef struct gp_buf {
    char *data;
    size_t len, cap;
    bool failed; /* an allocation failed; contents are incomplete */
} gp_buf;
void gp_buf_append(gp_buf *buf, const void *data, size_t len);
void gp_buf_puts(gp_buf *buf, const char *s);
void gp_buf_printf(gp_buf *buf, const char *fmt, ...) GP_PRINTF(2, 3);
/** Take the NUL-terminated contents (caller frees); NULL if failed. */
char *gp_buf_take(gp_buf *buf);
void gp_buf_free(gp_buf *buf);

/* ---- reading received bundles (lib/verify; reused by merge) ------------
 * A bundle is a zip file or an already-extracted folder, from anyone: the
 * reader refuses unsafe entries with findings, never extracts to disk, and
 * bounds every read (docs/limits.md). */

#define GP_BUNDLE_MAX_ENTRIES 10100           /* 9,999 photos + files + folder entries */
#define GP_BUNDLE_MAX_FILE_BYTES (16u << 20)  /* bundle.json, roster.*, manifest, others */
#define GP_BUNDLE_RATIO_LIMIT 100             /* inflated : compressed bytes ... */
#define GP_BUNDLE_RATIO_FLOOR (1u << 20)      /* ... checked once 1 MB is inflated */
#define GP_BUNDLE_PHOTO_FACTOR 2              /* a photo may be read up to 2 x profile max */
#define GP_BUNDLE_PHOTO_RATIO_LIMIT 10        /* a JPEG hardly deflates: a photo entry over ... */
#define GP_BUNDLE_PHOTO_RATIO_FLOOR (64u << 10) /* ... 10:1 is refused once 64 KiB is inflated */
#define GP_BUNDLE_MAX_DEPTH 8                 /* folder levels walked in a folder bundle */

typedef struct gp_bundle_limits {
    size_t max_entries;
    uint64_t max_photo_bytes;  /* an entry named *.jpg / *.jpeg */
    uint64_t max_file_bytes;   /* any other entry */
    uint64_t max_total_bytes;  /* all entries read from one bundle */
} gp_bundle_limits;

/** Limits for photos of `profile` (NULL = no profile known yet: photos get
 *  the file cap). */
void gp_bundle_limits_for(const gp_profile *profile, gp_bundle_limits *limits);

typedef enum gp_name_verdict {
    GP_NAME_OK,
    GP_NAME_UNSAFE_PATH, /* absolute, "..", ".", empty component, "\", ":" */
    GP_NAME_BAD          /* empty, not UTF-8, NUL or control characters */
} gp_name_verdict;

/** Judge an entry name of `len` raw bytes (a folder entry ends with '/'). */
gp_name_verdict gp_bundle_name_check(const char *name, size_t len);

typedef struct gp_bundle_entry {
    char *name;               /* "ID/photos/0001.jpg": safe, UTF-8, no trailing '/' */
    uint64_t index;           /* the zip's entry index */
    uint64_t declared_size;   /* from the central directory: not trusted */
    uint64_t compressed_size; /* bounds what is read from the archive */
    bool compressed;          /* not stored */
    bool encrypted;
} gp_bundle_entry;

typedef struct gp_bundle gp_bundle;

/** Open a bundle (zip file or folder) and check every entry's name and
 *  type.  Refused entries (bundle.unsafe_path, bad_name, symlink,
 *  duplicate_entry) get a finding at `source` and are left out of the list.
 *  Returns NULL either with err set (the path cannot be opened at all) or
 *  with err untouched and a finding added when the whole bundle is refused
 *  (bundle.not_zip, too_large for the entry count, encrypted without a
 *  password, bad_password).  password may be NULL.  Close with
 *  gp_bundle_close. */
gp_bundle *gp_bundle_open(const char *path, const char *password, const char *source,
                          gp_report *report, gp_error *err);
void gp_bundle_close(gp_bundle *bundle);
/** Whether it is an extracted folder rather than a zip file. */
bool gp_bundle_is_folder(const gp_bundle *bundle);
/** The accepted file entries (folder entries excluded), in archive order. */
size_t gp_bundle_count(const gp_bundle *bundle);
const gp_bundle_entry *gp_bundle_entry_at(const gp_bundle *bundle, size_t i);
/** Index of the entry named exactly `name`, or -1. */
long gp_bundle_find(const gp_bundle *bundle, const char *name);
/** Replace the limits (default: gp_bundle_limits_for(NULL)).  Call before
 *  reading, e.g. once bundle.json has named the profile. */
void gp_bundle_set_limits(gp_bundle *bundle, const gp_bundle_limits *limits);

typedef enum gp_read_status {
    GP_READ_OK,
    GP_READ_TOO_LARGE,    /* over the entry's limit, the total, or the ratio */
    GP_READ_CORRUPT,      /* bad compressed data, CRC, truncated archive */
    GP_READ_BAD_PASSWORD, /* the password does not open this entry */
    GP_READ_FAILED,       /* cannot read (I/O, file replaced meanwhile) */
    GP_READ_NOMEM
} gp_read_status;

typedef struct gp_entry_read {
    gp_read_status status;
    unsigned char *data;  /* GP_READ_OK: the entry, malloc'd, NUL-terminated; caller frees */
    size_t len;
    uint64_t stopped_at;  /* bytes inflated when refused (never much over limit) */
    uint64_t limit;       /* the limit that applied */
    char detail[160];     /* which limit, or the library's message */
} gp_entry_read;

/* A reading handle: one per thread (libzip archives are not thread-safe;
 * each reader opens its own).  The bundle's total budget is shared. */
typedef struct gp_bundle_reader gp_bundle_reader;

/** NULL with err set when the archive cannot be reopened. */
gp_bundle_reader *gp_bundle_reader_new(gp_bundle *bundle, gp_error *err);
void gp_bundle_reader_free(gp_bundle_reader *reader);
/** Read entry i into memory, stopping at its limit.  Declared sizes are not
 *  trusted: one over the limit is refused without reading, and inflating
 *  past the declared size stops the read at once (GP_READ_TOO_LARGE). */
void gp_bundle_read(gp_bundle_reader *reader, size_t i, gp_entry_read *out);
/** Add the finding for a read that did not succeed (bundle.too_large,
 *  bundle.not_zip, bundle.bad_password, photo.unreadable). */
void gp_bundle_report_read(const gp_bundle *bundle, size_t i, const gp_entry_read *result,
                           const char *source, gp_report *report);

/* bundle.json as read back (strings "" and numbers 0 when absent or bad). */
typedef struct gp_bundle_meta {
    bool present;              /* bundle.json was found and is a JSON object */
    char *profile, *name, *bundle_id, *station_name, *school_code;
    char *school_type, *school_name; /* the rest of the "school" block */
    int part, parts;           /* 1-based; 0 when unknown */
    char submission[65];       /* hex SHA-256 binding the parts; "" when absent */
    long long rows;            /* -1 when unknown */
    char seq_first[5], seq_last[5];
    bool merged;               /* a "sources" array: written by merge */
} gp_bundle_meta;
void gp_bundle_meta_clear(gp_bundle_meta *meta);

/* One bundle after every single-bundle check of verify.  merge reuses it:
 * the bundle stays open so photos can be copied out without re-checking. */
typedef struct gp_verified_photo {
    char seq[5];
    size_t entry;              /* index in the bundle's entry list */
    gp_photo_result result;    /* read, hash and inspection */
} gp_verified_photo;

typedef struct gp_verified {
    char *path;
    char *source;              /* the bundle's file or folder name, as in findings */
    gp_bundle *bundle;         /* NULL when the whole bundle was refused */
    char *base;                /* "BUNDLE_ID/" prefix of its files ("" for a folder) */
    gp_bundle_meta meta;
    gp_profile *profile;       /* the one bundle.json names, else the default */
    gp_roster *roster;         /* NULL when missing; check roster->usable */
    gp_verified_photo *photos; /* sorted by seq, one per photo number */
    size_t photo_count;
} gp_verified;

/** Run every single-bundle check of verify on path, adding findings (with
 *  source set) to report.  Returns the result (free with
 *  gp_verified_free), or NULL with err set when the path cannot be opened
 *  or on OOM. */
gp_verified *gp_verify_bundle(const char *path, const gp_verify_options *options,
                              gp_report *report, gp_error *err);
/** Parts of one submission verified together (same bundle.json name, parts
 *  > 1): bundle.part_gap and bundle.part_overlap into reports[i], the report
 *  of verified[i], exactly as gp_verify does.  NULL verified entries are not
 *  allowed.  false only when out of memory. */
bool gp_verify_parts(gp_verified *const *verified, gp_report *const *reports, size_t count);
void gp_verified_free(gp_verified *verified);

#endif /* GP_INTERNAL_H */
