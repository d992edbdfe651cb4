/*
 * gradpack.h — the public interface of libgradpack.
 *
 * libgradpack turns a correspondence station's student roster and a folder
 * of graduate photos into a submission that the photo-processing agency
 * accepts, and checks such submissions on the receiving side.
 *
 * Conventions (as in libzip and libvips):
 *  - Every name starts with gp_.  Handles are opaque; each constructor (_new, _load) has a
 *    *_free that accepts NULL.
 *  - Operational failures (cannot open, out of memory, output exists) are
 *    reported through a gp_error out-parameter, set where detected and never
 *    overwritten on the way up; the function then returns NULL or a status
 *    other than GP_OK.  Every `gp_error *err` parameter may be NULL (the
 *    failure is then still returned, only not described).  Problems in the
 *    data are not failures: they are findings in a gp_report.
 *  - A report that could not record a finding (out of memory) is never
 *    returned as if complete: the top-level functions (gp_check, gp_pack,
 *    gp_verify, gp_merge, gp_fix) then fail with GP_ERR_NOMEM instead.
 *  - The library never prints.  Renderers return strings the caller prints.
 *  - Strings are UTF-8.  Ownership is stated on every function.
 */
#ifndef GRADPACK_H
#define GRADPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(GP_BUILDING_LIBRARY)
#define GP_API __attribute__((visibility("default")))
#else
#define GP_API
#endif

/* ------------------------------------------------------------------ */
/* Version                                                              */
/* ------------------------------------------------------------------ */

/** The library's version, e.g. "0.1.0".  Static string. */
GP_API const char *gp_version(void);

/* ------------------------------------------------------------------ */
/* Isolated child processes                                             */
/* ------------------------------------------------------------------ */

/** Call this first thing in main, before anything else reads argv, stdin
 *  or stdout:
 *
 *      int code;
 *      if (gp_run_isolated_child(argc, argv, &code))
 *          return code;
 *
 *  Parsers that are not memory-safe on hostile input (libfreexl, for .xls
 *  rosters) run in a child process with CPU, memory and time limits.  On
 *  POSIX the child is a fork and this function always returns false.  On
 *  Windows there is no fork: the library starts the running executable
 *  again with a hidden argument ("--gradpack-isolated-task NAME"), the
 *  input on its stdin and the answer on its stdout.  In that process this
 *  function does the work, stores the process's exit status in *exit_code
 *  (may be NULL) and returns true; main must then return it without doing
 *  anything else (no output, no reading of stdin).  Everywhere else it
 *  returns false and does nothing.
 *
 *  A program embedding the library on Windows must call it to read .xls
 *  rosters.  A program that does not is never hung or crashed by this: its
 *  child does not answer as one, and the .xls roster is refused (at the
 *  latest when the time limit stops that child) with a finding that says to
 *  save it as .xlsx. */
GP_API bool gp_run_isolated_child(int argc, char **argv, int *exit_code);

/* ------------------------------------------------------------------ */
/* Operational errors                                                   */
/* ------------------------------------------------------------------ */

typedef enum gp_status {
    GP_OK = 0,
    GP_ERR_USAGE,    /* bad argument or option value */
    GP_ERR_OPEN,     /* an input cannot be opened or read at all */
    GP_ERR_WRITE,    /* an output cannot be written */
    GP_ERR_EXISTS,   /* an output exists and overwriting was not allowed */
    GP_ERR_LOCKED,   /* another run holds the output folder's lock */
    GP_ERR_NOMEM,    /* out of memory */
    GP_ERR_INTERNAL  /* a bug: please report */
} gp_status;

typedef struct gp_error {
    gp_status status;
    int sys_errno;      /* errno at the failure, 0 if none */
    char message[1024]; /* Chinese first, names the object: "无法打开花名册 'x.csv'：…" */
} gp_error;

/** Reset err to GP_OK.  err may be NULL. */
GP_API void gp_error_clear(gp_error *err);

/** A system error (errno value) in Chinese with the original in
 *  parentheses: "没有这个文件或文件夹（No such file or directory）".  The
 *  text lives in a per-thread buffer until the next call on this thread. */
GP_API const char *gp_strerror(int errnum);

/** Stable English name of a status ("open", "nomem", ...).  Static string. */
GP_API const char *gp_status_name(gp_status status);

/* ------------------------------------------------------------------ */
/* The host program's platform                                          */
/* ------------------------------------------------------------------ */

/* What a command-line front end needs of the system, so that it stays
 * portable C: the platform calls live in the library (lib/core). */

/** At the start of main, after gp_run_isolated_child.  Windows: console
 *  input and output in UTF-8, and argc and argv replaced by the UTF-16
 *  command line converted to UTF-8 (Chinese arguments arrive whatever the
 *  code page), with '\\' turned into '/' in every argument after the
 *  program's name (no option takes free text).  The new argv lives as long
 *  as the process.  Elsewhere: nothing. */
GP_API void gp_host_init(int *argc, char ***argv);
/** Whether path is an existing directory (links followed). */
GP_API bool gp_path_is_directory(const char *path);
/** The absolute form of path, malloc'd; NULL when it cannot be formed.
 *  POSIX: links resolved (the path must exist); Windows: GetFullPathNameW
 *  (a mapped drive keeps its letter).  '/' separators. */
GP_API char *gp_path_absolute(const char *path);
/** Open a file in its default program, or a folder in the file manager,
 *  without waiting (Windows: ShellExecuteW "open"; elsewhere: xdg-open in
 *  the background).  false when nothing could be started, or when the
 *  environment has GRADPACK_NO_OPEN (tests). */
GP_API bool gp_open_for_user(const char *path);
/** Whether the console window closes when the program ends (Windows: it
 *  was double-clicked, no cmd.exe shares the console).  false elsewhere. */
GP_API bool gp_console_closes_at_exit(void);
/** Whether gp_console_wait_for_key returns on any key (Windows, stdin a
 *  console) rather than on Enter: which words the prompt uses. */
GP_API bool gp_console_waits_for_any_key(void);
/** Wait for a key (a Windows console) or a line on stdin.  Prints nothing:
 *  the caller says what it waits for. */
GP_API void gp_console_wait_for_key(void);
/** The standard streams, by number (a FILE * would mean nothing to a
 *  library built against another C runtime). */
typedef enum gp_std_stream { GP_STDIN = 0, GP_STDOUT = 1, GP_STDERR = 2 } gp_std_stream;
/** Whether that standard stream is a terminal (colour, progress lines). */
GP_API bool gp_is_terminal(gp_std_stream stream);
/** Seconds on a clock that never goes back, from an arbitrary start (rates
 *  and estimates in progress lines). */
GP_API double gp_clock_seconds(void);
/** Write text to stderr without stdio or allocation: safe inside the hook
 *  of gp_interrupt_install_hook.  Errors are ignored (stderr may be gone). */
GP_API void gp_interrupt_print(const char *text);
/** The names in a folder (not "." or ".."), sorted byte-wise; at most max
 *  of them (0: no limit), and which are kept when there are more is up to
 *  the file system (*truncated, when not NULL, says whether some were left
 *  out).  Windows: through the UTF-16 API, so Chinese names work on
 *  every version.  NULL with err set when the folder cannot be read; an
 *  empty folder gives a non-NULL list with *count 0.  Free with
 *  gp_folder_names_free. */
GP_API char **gp_folder_names(const char *folder, size_t max, size_t *count, bool *truncated,
                              gp_error *err);
GP_API void gp_folder_names_free(char **names, size_t count);

/* ------------------------------------------------------------------ */
/* Findings                                                             */
/* ------------------------------------------------------------------ */

typedef enum gp_severity { GP_INFO = 0, GP_WARNING = 1, GP_ERROR = 2 } gp_severity;

/* Finding codes: GP_ROSTER_EMPTY, GP_PHOTO_FILESIZE, ...  See
 * gradpack_codes.def for the full table.  Every code has an explicit number
 * that never changes; numbers may leave gaps (gp_code_known). */
typedef enum gp_code {
#define GP_CODE(id, number, name, severity, title, fix) GP_##id = number,
#include "gradpack_codes.def"
#undef GP_CODE
} gp_code;

/* GP_CODE_COUNT is one past the largest code number: the size of a union
 * whose members are char[number + 1] is the largest of them.  It bounds
 * loops over codes (skip the gaps with gp_code_known) and means "no code"
 * where a gp_code is expected. */
union gp_code_limit_ {
#define GP_CODE(id, number, name, severity, title, fix) char id[(number) + 1];
#include "gradpack_codes.def"
#undef GP_CODE
};
#define GP_CODE_COUNT ((gp_code)sizeof(union gp_code_limit_))

/** Whether `code` is a code of the table (not a gap, not out of range). */
GP_API bool gp_code_known(gp_code code);
/** The table in its own order (grouped by area, as in docs/codes.md):
 *  gp_code_at(i) for i < gp_code_total(). */
GP_API size_t gp_code_total(void);
GP_API gp_code gp_code_at(size_t i);

/** Machine code, e.g. "photo.filesize".  Static string. */
GP_API const char *gp_code_name(gp_code code);
/** Short Chinese title of the code.  Static string. */
GP_API const char *gp_code_title(gp_code code);
/** What to do about it, in Chinese.  Static string. */
GP_API const char *gp_code_fix(gp_code code);
/** The code's default severity. */
GP_API gp_severity gp_code_severity(gp_code code);
/** Look up a code by machine name; returns GP_CODE_COUNT when unknown. */
GP_API gp_code gp_code_from_name(const char *name);
/** "error", "warning" or "info".  Static string. */
GP_API const char *gp_severity_name(gp_severity severity);

/* One finding.  All strings are owned by the report and live as long as it;
 * any of them may be NULL when not applicable. */
typedef struct gp_finding {
    gp_severity severity;
    gp_code code;
    const char *source;   /* the bundle or input this concerns (verify/merge) */
    int row;              /* spreadsheet row (header = 1); 0 when none */
    const char *seq;      /* normalised photo number "0007" */
    const char *field;    /* canonical field name, e.g. "身份证号" */
    const char *file;     /* file name, e.g. "0003.jpg" */
    const char *actual;   /* the value seen */
    const char *expected; /* what was expected */
    const char *message;  /* one Chinese sentence about this case */
} gp_finding;

typedef struct gp_report gp_report;

/** A new empty report for `command` ("check", "pack", ...).  NULL on OOM.
 *  Free with gp_report_free. */
GP_API gp_report *gp_report_new(const char *command);
GP_API void gp_report_free(gp_report *report);

/** Whether anything added to the report was lost (out of memory): sticky,
 *  like a failed stream.  A report that failed must not be trusted to be
 *  complete; the top-level functions turn it into GP_ERR_NOMEM. */
GP_API bool gp_report_failed(const gp_report *report);

/** Number of findings, and finding i (0-based); the pointer is owned by the
 *  report and valid until the report is changed or freed. */
GP_API size_t gp_report_count(const gp_report *report);
GP_API const gp_finding *gp_report_get(const gp_report *report, size_t i);
/** Findings of a severity. */
GP_API size_t gp_report_count_severity(const gp_report *report, gp_severity severity);
/** Whether any finding has this code. */
GP_API bool gp_report_has(const gp_report *report, gp_code code);
/** The command and profile name the report is about (owned by the report). */
GP_API const char *gp_report_command(const gp_report *report);
GP_API const char *gp_report_profile(const gp_report *report);

/* Summary values ("rows", "photos", "sha256", ...) in insertion order.  The
 * renderers print them; scripts read them from JSON.  Keys and values are
 * copied.  Setting an existing key replaces its value in place.  Return
 * false only when out of memory. */
GP_API bool gp_report_set_int(gp_report *report, const char *key, long long value);
GP_API bool gp_report_set_str(gp_report *report, const char *key, const char *value);
/** A yes/no summary value: JSON true/false, text 是/否.  gp_report_get_int
 *  reads it as 1/0. */
GP_API bool gp_report_set_bool(gp_report *report, const char *key, bool value);
/** Look up a summary value; NULL/false when absent. */
GP_API const char *gp_report_get_str(const gp_report *report, const char *key);
GP_API bool gp_report_get_int(const gp_report *report, const char *key, long long *value);

/* Tables: named lists of records, e.g. "outputs" (file, bytes, sha256) for
 * pack or "bundles" (bundle, station, rows, errors, warnings, verdict) for
 * verify.  Start a record with gp_report_table_row, then add its cells in
 * order with gp_report_cell_* (they go to the last row started). */
GP_API bool gp_report_table_row(gp_report *report, const char *table);
GP_API bool gp_report_cell_str(gp_report *report, const char *table, const char *key, const char *value);
GP_API bool gp_report_cell_int(gp_report *report, const char *table, const char *key, long long value);
GP_API bool gp_report_cell_bool(gp_report *report, const char *table, const char *key, bool value);

/* Per-photo records: what the library learned about each photo beyond its
 * findings, keyed by (source, photo number): text facts ("name",
 * "student_no", "file", ...), numbers (the content rules' measurements,
 * e.g. "head_top", "eye_line"; keys in docs/cli.md) and a small JPEG
 * thumbnail.  The JSON renderer writes the numbers as "measurements"; the
 * HTML report draws cards from all three.  source may be NULL (check, pack,
 * fix).  Strings and bytes are copied; setting a key again replaces it.
 * Return false only when out of memory. */
GP_API bool gp_report_photo_text(gp_report *report, const char *source, const char *seq,
                                 const char *key, const char *value);
GP_API bool gp_report_photo_number(gp_report *report, const char *source, const char *seq,
                                   const char *key, double value);
GP_API bool gp_report_photo_thumbnail(gp_report *report, const char *source, const char *seq,
                                      const void *jpeg, size_t len);
/** Number of per-photo records, sorted by source then photo number once
 *  gp_report_sort has run; record i's keys (owned by the report). */
GP_API size_t gp_report_photo_count(const gp_report *report);
GP_API const char *gp_report_photo_source(const gp_report *report, size_t i);
GP_API const char *gp_report_photo_seq(const gp_report *report, size_t i);
/** NULL / false when record i has no such key. */
GP_API const char *gp_report_photo_get_text(const gp_report *report, size_t i, const char *key);
GP_API bool gp_report_photo_get_number(const gp_report *report, size_t i, const char *key,
                                       double *value);
/** The thumbnail's bytes (NULL when none) and length. */
GP_API const unsigned char *gp_report_photo_get_thumbnail(const gp_report *report, size_t i,
                                                          size_t *len);
/* fix's second picture: gp_report_photo_thumbnail holds the photo as it was
 * judged (the original), this one the copy fix wrote, set only when fix
 * changed the pixels.  The HTML report shows the two as before → after. */
GP_API bool gp_report_photo_thumbnail_after(gp_report *report, const char *source,
                                            const char *seq, const void *jpeg, size_t len);
GP_API const unsigned char *gp_report_photo_get_thumbnail_after(const gp_report *report,
                                                                size_t i, size_t *len);

/* ------------------------------------------------------------------ */
/* Rendering                                                            */
/* ------------------------------------------------------------------ */

typedef enum gp_render_flags {
    GP_RENDER_DEFAULT = 0,
    GP_RENDER_QUIET = 1 << 0,  /* text: the summary line and the verdict only */
    GP_RENDER_COLOR = 1 << 1,  /* text: ANSI colours for a terminal */
    GP_RENDER_VERBOSE = 1 << 2 /* text: every finding and table row on its own; by default
                                  findings repeated across photos or rows are grouped into
                                  one block with the numbers as ranges, and long tables are
                                  cut to their first rows (JSON is never grouped) */
} gp_render_flags;

/** The report as text for people (Chinese), ending with a summary line.
 *  Returns a malloc'd string the caller frees, or NULL on OOM. */
GP_API char *gp_report_to_text(const gp_report *report, unsigned flags);
/** The version of the JSON layout, the document's "schema" key. */
#define GP_JSON_SCHEMA 2
/** The report as one JSON document (see docs/cli.md).  malloc'd, or NULL. */
GP_API char *gp_report_to_json(const gp_report *report, unsigned flags);
/** The report as one self-contained HTML page for a clerk (Chinese; inline
 *  CSS, no script, no external resource): what was checked, the verdict,
 *  the roster's problems and one card per photo with its thumbnail, marks
 *  and findings.  ID numbers are masked except in findings about them.
 *  The same report gives the same bytes.  flags: none yet (pass 0).
 *  malloc'd, or NULL on OOM. */
GP_API char *gp_report_to_html(const gp_report *report, unsigned flags);
/** gp_report_to_html written to path atomically (a temporary file beside
 *  it, then rename; an existing file is replaced), mode 0644 like every
 *  other output.  false with err set (GP_ERR_WRITE, GP_ERR_NOMEM). */
GP_API bool gp_report_write_html(const gp_report *report, const char *path, unsigned flags,
                                 gp_error *err);
/** Every finding code as a Markdown table (the source of docs/codes.md).
 *  malloc'd, or NULL on OOM. */
GP_API char *gp_codes_to_markdown(void);
/** Every finding code as a JSON array of {code, severity, title, fix}.
 *  malloc'd, or NULL on OOM. */
GP_API char *gp_codes_to_json(void);

/* ------------------------------------------------------------------ */
/* Profiles                                                             */
/* ------------------------------------------------------------------ */

/* A photo and roster profile: what one agency accepts (templates/profiles/
 * NAME.ini).  Loaded from a path, or by name from the data directory. */
typedef struct gp_profile gp_profile;

/** The profile used when none is named. */
#define GP_DEFAULT_PROFILE "xinhua-shandong"

/** Load a profile by name (looked up in the data directory) or by path
 *  (anything containing '/' or ending in ".ini").  NULL with err set on
 *  failure.  Free with gp_profile_free. */
GP_API gp_profile *gp_profile_load(const char *name_or_path, gp_error *err);
GP_API void gp_profile_free(gp_profile *profile);
/** The profile's name (owned by the profile). */
GP_API const char *gp_profile_name(const gp_profile *profile);

/** The data directory the library reads templates from: $GRADPACK_DATADIR,
 *  else (Windows only) a templates folder beside the running executable,
 *  the zip's layout, else the installed data directory, else the source
 *  tree's templates/ (each but the first only when it holds
 *  roster-fields.ini).  Static string. */
GP_API const char *gp_datadir(void);

/* ------------------------------------------------------------------ */
/* check: a roster and a photo folder against a profile                 */
/* ------------------------------------------------------------------ */

/* Progress: called with the number of photos done so far and the total
 * (once with done 0 first, then after each photo).  The library serialises
 * the calls (never two at once, done never goes backwards) but they come
 * from worker threads: keep the callback short (e.g. print a line to
 * stderr).  NULL = no progress reports. */
typedef void (*gp_progress_fn)(void *context, size_t done, size_t total);

typedef struct gp_check_options {
    const char *profile;  /* name or path; NULL = GP_DEFAULT_PROFILE */
    const char *encoding; /* roster encoding ("UTF-8", "GB18030"); NULL = detect */
    int threads;          /* worker threads; 0 = one per core */
    gp_progress_fn progress;  /* photos read; NULL = none (pack: photos packed) */
    void *progress_context;
    bool thumbnails;      /* keep a small JPEG of each photo in the report (for
                             gp_report_to_html), made from the inspection's decode */
    const char *sheet;    /* workbook rosters: sheet name or 1-based number; NULL = the
                             first sheet with the required header */
} gp_check_options;

/** Check `roster_path` and every photo in `photo_dir` in one pass.
 *  Returns a report the caller frees (exit status 0 when it holds no error,
 *  1 otherwise), or NULL with err set when an input cannot be opened at all
 *  (exit status 2).  options may be NULL. */
GP_API gp_report *gp_check(const char *roster_path, const char *photo_dir,
                           const gp_check_options *options, gp_error *err);

/** The face landmark model file for the content rules (dlib's 68-point
 *  model).  NULL = the one the profile names ([content] face_model), else
 *  the build's default (meson -Dface_model): Debian's
 *  /usr/share/dlib/shape_predictor_68_face_landmarks.dat, or in the Windows
 *  zip dlib/shape_predictor_68_face_landmarks.dat inside the data directory
 *  (the templates folder beside gradpack.exe).  Applies
 *  to the whole process: the model is loaded once, when the first photo
 *  needs it, so call this before check, pack or verify. */
GP_API void gp_set_face_model(const char *path);

/* ------------------------------------------------------------------ */
/* pack: the workbook, the zip bundle(s) and the cover letter            */
/* ------------------------------------------------------------------ */

typedef struct gp_pack_options {
    gp_check_options check;
    const char *output_dir;    /* required; created if missing */
    const char *name;          /* bundle name; NULL = derived (see docs) */
    const char *station_path;  /* station.ini; NULL = none (warning) */
    uint64_t max_part_bytes;   /* 0 = one bundle */
    bool force;                /* overwrite existing outputs */
    bool encrypt;              /* WinZip AES-256 entries */
    const char *password;      /* with encrypt; NULL = generate */
    char *generated_password;  /* out: set (malloc'd, caller frees) when generated */
    const char *password_file; /* with encrypt and no password: read the password from
                                  this file (first line; a UTF-8 BOM and trailing
                                  whitespace are stripped with an info finding; a
                                  group/other-readable file gets a warning) */
    bool shared;               /* outputs 0644 & ~umask instead of 0600 & ~umask */
} gp_pack_options;

/** Check, then write NAME.xlsx, NAME.zip (or NAME-partK-of-N.zip ...) and
 *  NAME-邮件正文.txt into options->output_dir, atomically.  Data errors:
 *  the report holds them and nothing is written.  Returns a report (caller
 *  frees) or NULL with err set (exit status 2). */
GP_API gp_report *gp_pack(const char *roster_path, const char *photo_dir,
                          gp_pack_options *options, gp_error *err);

/* A station's folder as a clerk drops it on gradpack.exe: the inputs of
 * one gp_pack, found by how such folders look. */
typedef struct gp_station_folder {
    char *roster;   /* the folder's only table (.csv, .xlsx, .xls; not hidden,
                       not Excel's ~$ lock file), or the only one whose name
                       holds 花名册 */
    char *photos;   /* a subfolder named 照片, 相片, 图片, photos or photo
                       (in that order, any case), else the only subfolder
                       with a .jpg among the first 64, else the folder
                       itself */
    char *station;  /* station.ini in the folder (any case), or NULL */
    bool truncated; /* the folder held more than 65,536 names: not all seen
                       (set after a failure too: a table may be among them) */
} gp_station_folder;
/** Find the inputs in folder.  false with err set when the folder cannot
 *  be read, holds no table, or holds several and none (or more than one)
 *  is named 花名册 (the message lists them and says what to do).  Free the
 *  strings with gp_station_folder_clear, also after a failure. */
GP_API bool gp_station_folder_find(const char *folder, gp_station_folder *found, gp_error *err);
GP_API void gp_station_folder_clear(gp_station_folder *found);
/** The folder the drop path packs into: "outbox" beside folder (in its
 *  parent; the root's own when folder is a root).  malloc'd absolute path
 *  with '/' separators; NULL when folder's absolute path cannot be formed. */
#define GP_OUTBOX_NAME "outbox"
GP_API char *gp_outbox_beside(const char *folder);

/** Parse a size such as "20M", "35MB", "650K", "1G" or "123456" (bytes;
 *  K/M/G are powers of 1024).  Returns false when malformed. */
GP_API bool gp_parse_size(const char *text, uint64_t *bytes);

/* ------------------------------------------------------------------ */
/* verify: bundles received from stations                               */
/* ------------------------------------------------------------------ */

/* One line of a passwords file: the bundle (its file name, with or without
 * .zip; a name without -partK-of-N covers every part) or any label such as
 * the station's name, and its password. */
typedef struct gp_password_entry {
    const char *name;
    const char *password;
} gp_password_entry;

typedef struct gp_verify_options {
    const char *master_path;   /* registry export CSV; NULL = none */
    const char *encoding;      /* for roster and master; NULL = detect */
    const char *password;      /* for encrypted bundles; NULL = none */
    int threads;               /* 0 = one per core */
    gp_progress_fn progress;   /* photos verified, per bundle; NULL = none */
    void *progress_context;
    /* Passwords of several stations: the entry named for the bundle is
     * used; when none is, each password (then `password`) is tried on the
     * bundle's first encrypted entry and the first that opens it is used. */
    const gp_password_entry *passwords;
    size_t password_count;
    const char *password_file; /* with password NULL: read it from this file, as
                                  gp_pack_options.password_file */
    /* The office's rules, never the sender's: the profile every bundle is
     * judged by (name or path); NULL = `profile` in [office] of `config`,
     * else of /etc/gradpack/office.ini when present, else
     * GP_DEFAULT_PROFILE.  A bundle.json naming another profile is a
     * bundle.profile_mismatch finding. */
    const char *profile;
    const char *config;        /* office .ini; NULL = /etc/gradpack/office.ini if present */
    long cpu_budget_ms;        /* CPU time for one bundle's photos; 0 = built-in
                                  (docs/limits.md); for tests */
    bool thumbnails;           /* as gp_check_options.thumbnails */
    const char *sheet;         /* a workbook master list: sheet name or number; NULL = first
                                  sheet with the required header */
} gp_verify_options;

/** Verify bundles (zip files or extracted folders).  Nothing is extracted
 *  to disk.  Returns a report with a "bundles" table (caller frees), or
 *  NULL with err set when nothing could be opened at all. */
GP_API gp_report *gp_verify(const char *const *paths, size_t path_count,
                            const gp_verify_options *options, gp_error *err);

/* ------------------------------------------------------------------ */
/* merge: many station bundles into one consolidated submission         */
/* ------------------------------------------------------------------ */

typedef struct gp_merge_options {
    gp_verify_options verify;
    const char *output_dir;    /* required */
    const char *name;          /* NULL = derived */
    bool strict;               /* any bad input fails the whole run */
    /* When any input bundle was encrypted, the output is encrypted too
     * (WinZip AES-256) and no workbook is written beside it, unless
     * no_encrypt.  encrypt forces encryption even for plain inputs. */
    bool no_encrypt;
    bool encrypt;
    const char *output_password;  /* NULL = generate one (or read output_password_file) */
    const char *output_password_file; /* with output_password NULL: read it from this file,
                                         as gp_pack_options.password_file */
    char *generated_password;     /* out: set (malloc'd, caller frees) when generated */
} gp_merge_options;

/** Verify every bundle found in `inputs` (bundle files, or folders holding
 *  bundle files), then merge the good ones into output_dir.  Returns a
 *  report (caller frees) or NULL with err set. */
GP_API gp_report *gp_merge(const char *const *inputs, size_t input_count,
                           gp_merge_options *options, gp_error *err);

/* ------------------------------------------------------------------ */
/* fix: make nonconforming photos conform                               */
/* ------------------------------------------------------------------ */

typedef enum gp_crop { GP_CROP_NONE = 0, GP_CROP_CENTER } gp_crop;

typedef struct gp_fix_options {
    const char *profile;      /* NULL = GP_DEFAULT_PROFILE */
    const char *output_dir;   /* required; must differ from the input folder */
    gp_crop crop;
    bool force;               /* overwrite existing outputs */
    int threads;              /* 0 = one per core */
    gp_progress_fn progress;  /* photos done; NULL = none */
    void *progress_context;
    bool thumbnails;          /* thumbnails before (and after, when changed) */
    bool frame;               /* crop and scale each photo so the head meets the
                                 standard's bands (needs face measurement) */
} gp_fix_options;

/** Write a conforming copy of every photo in photo_dir into output_dir
 *  (conforming photos copied byte for byte).  Originals are never touched.
 *  Returns a report with a "photos" table (caller frees), or NULL with err
 *  set. */
GP_API gp_report *gp_fix(const char *photo_dir, const gp_fix_options *options,
                         gp_error *err);

/* ------------------------------------------------------------------ */
/* template: an empty roster workbook for the clerk                     */
/* ------------------------------------------------------------------ */

/** Write an empty roster workbook (.xlsx) to path, atomically: the nine
 *  columns as text cells, drop-downs for 学历层次, 性别 and the values the
 *  profile pins, frozen header, print setup, a Chinese instructions sheet.
 *  profile: name or path, NULL = GP_DEFAULT_PROFILE.  Without force an
 *  existing file is GP_ERR_EXISTS.  Same profile, same bytes.  Returns
 *  GP_OK, or the status also set in err. */
GP_API gp_status gp_template(const char *path, const char *profile, bool force,
                             gp_error *err);

/* ------------------------------------------------------------------ */
/* Interruption                                                         */
/* ------------------------------------------------------------------ */

/** Remove every temporary output file the library has open.  Async-signal-
 *  safe: call it from a SIGINT/SIGTERM handler before re-raising, so that an
 *  interrupted run leaves the previous outputs and no stray temp files.
 *  Another thread half-way through creating a temporary file or committing
 *  a set of outputs is waited for (POSIX: at most 5 s; Windows: the console
 *  handler already waits for those steps, which hold the lock it takes),
 *  and from this call on no temporary file is created and no set committed
 *  in this process: call it only when the process is about to end. */
GP_API void gp_interrupt_cleanup(void);
/** Install handlers for SIGINT, SIGTERM and SIGHUP (Windows: console
 *  Ctrl-C, Ctrl-Break, close) that call gp_interrupt_cleanup and then end
 *  the process as the signal would.  false when they cannot be installed. */
GP_API bool gp_interrupt_install(void);
/** The same, then hook() (async-signal-safe, e.g. write(2) of a static
 *  line saying what was kept) before the process ends as the signal would.
 *  The library itself prints nothing. */
GP_API bool gp_interrupt_install_hook(void (*hook)(void));

/** Read a small input file the user named (`what` names it in messages,
 *  e.g. "密码表") the way the library reads every input: a regular file
 *  only, opened without blocking (a FIFO or device is refused, never waited
 *  on), at most max bytes.  Returns the bytes, NUL-terminated, malloc'd
 *  (length in *len; len may be NULL), or NULL with err set. */
GP_API char *gp_read_input_file(const char *what, const char *path, size_t max, size_t *len,
                                gp_error *err);

/** Exit status for a report: 0 no error findings, 1 some. */
GP_API int gp_report_exit_status(const gp_report *report);

#ifdef __cplusplus
}
#endif
#endif /* GRADPACK_H */
