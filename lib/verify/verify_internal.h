/* What verify's files share: the cost limits, the master list and the
 * workbook comparison. */
#ifndef GPI_VERIFY_INTERNAL_H
#define GPI_VERIFY_INTERNAL_H

#include "verify/reader.h"

/* Bounded cost per photo and per bundle (docs/limits.md has the measured
 * worst case).  A received photo over PIXEL_FACTOR x the profile's pixel
 * count is refused before decoding (photo.oversized); progressive scans are
 * capped; the CPU time spent decoding one bundle's photos, summed over the
 * workers, is capped at CPU_BASE + CPU_PER_PHOTO x photos, after which the
 * remaining photos are not decoded (bundle.too_costly). */
#define GPI_VERIFY_PIXEL_FACTOR 4
#define GPI_VERIFY_MAX_SCANS 64
#define GPI_VERIFY_CPU_BASE_MS 30000
#define GPI_VERIFY_CPU_PER_PHOTO_MS 20

/* The university's registry export (--master). */
typedef struct master_list master_list;

/** Read the master CSV or workbook (.xlsx/.xls; `sheet` as --sheet; encodings as the roster; header names from the
 *  profile's aliases).  File-level problems are findings at its file name;
 *  NULL with err set when it cannot be read at all or on OOM. */
master_list *master_load(const char *path, const char *encoding, const char *sheet,
                         const gp_profile *profile, gp_report *report, gp_error *err);
/** master.unknown_student and master.mismatch for every student of roster. */
void master_compare(const master_list *master, const gpi_roster *roster, const char *source,
                    gp_report *report);
void master_free(master_list *master);

/** roster.xlsx read back (bounded) and compared cell by cell with roster.csv
 *  (and, when mapping is non-NULL, its second sheet with mapping.csv);
 *  formulas refused.  Findings go to report with source set.  false only
 *  when out of memory (err set). */
bool verify_workbook(const char *source, const void *xlsx, size_t xlsx_len, const char *csv,
                     size_t csv_len, const char *mapping, size_t mapping_len, gp_report *report,
                     gp_error *err);

#endif
