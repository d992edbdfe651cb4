/* What the files of lib/merge share: the inputs found, the students
 * considered, the decisions about them, and the renumbering map. */
#ifndef GPI_MERGE_INTERNAL_H
#define GPI_MERGE_INTERNAL_H

#include "core/atomic.h"

#include "verify/reader.h"

/* A consolidated bundle holds at most this many students (0001–9999). */
#define MERGE_MAX_PER_BUNDLE GPI_MAX_ROWS

/* ---- inputs (inputs.c) --------------------------------------------------- */

typedef struct merge_input {
    char *path;   /* as given or as found in a folder */
    char *name;   /* its file name: the "bundle name" of the renumbering order */
} merge_input;

typedef struct merge_inputs {
    merge_input *items;
    size_t count;
} merge_inputs;

/** Bundle files from the arguments: a file is taken as it is; a folder
 *  contributes the *.zip files (any case) directly inside it, without
 *  recursion and without hidden files.  The same file named twice counts
 *  once.  The list is sorted by file name (bytewise), then by path.
 *  false with err set when an argument does not exist or a folder cannot
 *  be read, or when a folder is `output_dir` itself (it would merge its
 *  own outputs). */
bool merge_find_inputs(const char *const *args, size_t count, const char *output_dir,
                       merge_inputs *out, gp_error *err);
void merge_inputs_clear(merge_inputs *inputs);

/* ---- students and decisions (students.c) --------------------------------- */

typedef enum merge_fate {
    MERGE_KEEP,      /* goes into the consolidated bundle */
    MERGE_ABSORBED,  /* an identical copy (re-sent) of a kept student */
    MERGE_HELD       /* conflicting copies: held back for a person */
} merge_fate;

typedef struct merge_student {
    size_t bundle;               /* position in the sorted input list */
    const char *source;          /* that bundle's file name */
    const gpi_student *row;
    unsigned char sha256[32];    /* the photo's, as verify hashed it */
    uint64_t photo_size;
    size_t photo_entry;          /* the photo's entry in its bundle */
    merge_fate fate;
    size_t output;               /* kept: which consolidated bundle (0-based) */
    char new_seq[5];             /* kept: its number there */
} merge_student;

/** The renumbering order: bundle position (inputs are sorted by file name),
 *  then the original photo number.  qsort comparator on merge_student. */
int merge_compare_order(const void *a, const void *b);

/** Sort students into the renumbering order, then decide every student
 *  whose 身份证号 appears in more than one bundle: when all copies have the
 *  same values (photo number aside) and the same photo SHA-256, the first
 *  in the order is kept and the others are absorbed (merge.resent, info);
 *  otherwise every copy is held back (merge.duplicate_student, naming the
 *  other sources).  Then kept students of different 身份证号 that share a
 *  学号 (merge.duplicate_student_no) or a photo (merge.duplicate_photo) are
 *  all held back.  false only on OOM. */
bool merge_decide(merge_student *students, size_t count, gp_report *report);

/** Number the kept students 0001… in order, starting again at 0001 after
 *  every MERGE_MAX_PER_BUNDLE (`per_bundle`, for tests).  Returns the
 *  number of consolidated bundles. */
size_t merge_renumber(merge_student *students, size_t count, size_t per_bundle);

/* ---- the renumbering map (mapping.c) -------------------------------------- */

#define MERGE_MAPPING_COLUMNS 5

/** Column labels: 新拍摄序号, 来源压缩包, 原拍摄序号, 学号, 身份证号. */
const char *const *merge_mapping_headers(void);
/** One map row's cells for a kept student (pointers into the student). */
void merge_mapping_row(const merge_student *student, const char *cells[MERGE_MAPPING_COLUMNS]);
/** mapping.csv bytes for these students: UTF-8 BOM, CRLF, roster.csv's
 *  quoting.  malloc'd (length in *len), NULL on OOM. */
char *merge_mapping_csv(const merge_student *const *students, size_t count, size_t *len);

/* ---- writing (merge_write.c) ------------------------------------------------ */

/* One consolidated bundle and its workbook, written to temporary files. */
typedef struct merge_output {
    char *stem;                   /* NAME, or NAME-2 when there are several */
    char *zip_file, *xlsx_file;   /* file names in the output folder */
    gpi_atomic *zip, *xlsx;        /* the temporaries until committed */
    uint64_t zip_bytes, xlsx_bytes;
    char zip_sha256[65], xlsx_sha256[65];
    size_t rows;
    bool zip_replaced, xlsx_replaced; /* after commit: false = identical file kept */
    bool workbook_inside_only;    /* encrypted: no plain workbook beside the zip */
    const merge_student *changed; /* a photo not what verify read (merge.photo_changed) */
} merge_output;

/* What every consolidated bundle shares. */
typedef struct merge_plan {
    const char *output_dir;
    const char *profile;
    gpi_school school;                   /* bundle.json's school block */
    gpi_verified *const *verified;        /* per input position */
    const gpi_bundle_source *sources;     /* bundle.json "sources" */
    size_t source_count;
    const char *password;                /* encrypt the output (WinZip AES-256); NULL = plain */
} merge_plan;

/** Write out->stem's workbook (mapping as a second sheet) and bundle
 *  (bundle.json, roster.csv, roster.xlsx, mapping.csv, photos/NNNN.jpg
 *  copied from the received bundles one at a time and checked against
 *  verify's SHA-256, MANIFEST.sha256) to temporary files in the output
 *  folder.  students: this bundle's, in order.  false with err set, or
 *  with err untouched and out->changed set when a photo was not what
 *  verify read (the run then reports merge.photo_changed). */
bool merge_write_output(const merge_plan *plan, merge_output *out,
                        const merge_student *const *students, size_t count, gp_error *err);
/** Put every output in place, zips first, then workbooks: an output whose
 *  bytes equal the existing file's is discarded and the file left alone
 *  (not even its mtime changes).  false with err set at the first failure. */
bool merge_commit_outputs(const char *dir, merge_output *outputs, size_t count, gp_error *err);
void merge_output_clear(merge_output *out);

#endif
