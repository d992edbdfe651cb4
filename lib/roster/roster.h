/*
 * roster.h — what lib/roster offers the others: the roster read and
 * judged, and the resident ID number rules.
 */
#ifndef GPI_ROSTER_H
#define GPI_ROSTER_H

#include "core/fields.h"

/* Limits (docs/limits.md). */
#define GPI_MAX_ROWS 9999                      /* photo numbers 0001-9999 */
#define GPI_MAX_ROSTER_BYTES (64u << 20)       /* a 9999-row roster is < 5 MB */
#define GPI_MAX_FIELD_BYTES 1024               /* longest cell accepted */
#define GPI_MAX_COLUMNS 256

typedef struct gpi_student {
    int row;                       /* spreadsheet row (header = 1) */
    char seq[5];                   /* normalised "0007"; "" when invalid */
    char *value[GPI_FIELD_COUNT];   /* normalised values, never NULL ("" when empty) */
    bool has_error;                /* an error finding concerns this row */
    unsigned damaged;              /* 1 << field: Excel destroyed the value (reported once) */
} gpi_student;

typedef struct gpi_roster {
    gpi_student *students;          /* in file order */
    size_t count;
    char *encoding;                /* "UTF-8", "UTF-8-BOM" or "GB18030" */
    bool usable;                   /* false: file-level errors, no rows read */
} gpi_roster;

/** Parse roster CSV bytes (any accepted encoding; `encoding` NULL =
 *  detect).  `file_label` names the file in findings.  File-level problems
 *  become findings and return a roster with usable = false; NULL only with
 *  err set (out of memory).  Does not apply field rules. */
gpi_roster *gpi_roster_parse(const char *data, size_t len, const char *file_label,
                           const char *encoding, const gp_profile *profile,
                           gp_report *report, gp_error *err);
/** Read the file (bounded by GPI_MAX_ROSTER_BYTES) and parse it.  NULL with
 *  err set when it cannot be opened or read (GP_ERR_OPEN). */
gpi_roster *gpi_roster_read(const char *path, const char *encoding,
                          const gp_profile *profile, gp_report *report, gp_error *err);
/** Apply every field rule: normalise values in place (padding, full-width,
 *  level mapping, upper-case X) and add findings; set has_error. */
void gpi_roster_apply_rules(gpi_roster *roster, const gp_profile *profile,
                           const char *file_label, gp_report *report);
void gpi_roster_free(gpi_roster *roster);
/** The student with photo number seq, or NULL (first one when duplicated). */
const gpi_student *gpi_roster_find_seq(const gpi_roster *roster, const char *seq);

typedef enum gpi_id_verdict {
    GPI_ID_OK,
    GPI_ID_SCIENTIFIC, /* Excel turned it into 3.70303E+17 */
    GPI_ID_FORMAT,     /* not 17 digits + check character */
    GPI_ID_CHECKSUM,   /* wrong check character */
    GPI_ID_BIRTHDATE   /* not a real date, or in the future */
} gpi_id_verdict;

/** Validate an upper-cased, half-width ID number.  today is YYYYMMDD.
 *  On GPI_ID_CHECKSUM, *expected_check is the right character. */
gpi_id_verdict gpi_id_validate(const char *id, int today, char *expected_check);
/** ISO 7064 MOD 11-2 check character for 17 digits. */
char gpi_id_check_char(const char *first17);
/** 1 male, 2 female (from the 17th digit), 0 when not derivable. */
int gpi_id_sex(const char *id);
/** Today's date as YYYYMMDD (local time; SOURCE_DATE_EPOCH not used). */
int gpi_today(void);

#endif
