/*
 * findings.h — adding findings to a report (the areas that judge data).
 */
#ifndef GPI_FINDINGS_H
#define GPI_FINDINGS_H

#include "core/base.h"

/* Where a finding is.  Every member may be 0/NULL. */
typedef struct gpi_where {
    const char *source;
    int row;
    const char *seq;
    const char *field;
    const char *file;
} gpi_where;

/** Add a finding with the code's default severity.  Strings are copied.
 *  fmt (may be NULL = the code's title) is the one-sentence Chinese message.
 *  Returns false only when out of memory. */
bool gpi_report_add(gp_report *report, gp_code code, const gpi_where *where,
                   const char *actual, const char *expected, const char *fmt, ...)
    GPI_PRINTF(6, 7);
bool gpi_report_add_severity(gp_report *report, gp_severity severity, gp_code code,
                            const gpi_where *where, const char *actual,
                            const char *expected, const char *fmt, ...)
    GPI_PRINTF(7, 8);
bool gpi_report_addv(gp_report *report, gp_severity severity, gp_code code,
                    const gpi_where *where, const char *actual, const char *expected,
                    const char *fmt, va_list ap);
/** Set the profile name shown in the report. */
bool gpi_report_set_profile(gp_report *report, const char *profile_name);
/** Order findings for people and for reproducible output: by source, then
 *  file-level findings, then spreadsheet row, then photo number, keeping
 *  insertion order among equals. */
void gp_report_sort(gp_report *report);
/** Move all findings, summary values excluded, from `from` into `into`,
 *  setting their source when they have none.  `from` is left empty. */
bool gpi_report_absorb(gp_report *into, gp_report *from, const char *source);

#endif
