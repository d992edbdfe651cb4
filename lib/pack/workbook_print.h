/* workbook_print.h — the print setup every roster sheet shares: pack's
 * workbook (lib/pack/workbook.c) and the clerk's template
 * (lib/pack/template.c).  Needs libxlsxwriter's types. */
#ifndef GPI_WORKBOOK_PRINT_H
#define GPI_WORKBOOK_PRINT_H

#include "core/atomic.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/profile.h"
#include "pack/bundle.h"
#include "roster/roster.h"

#include <xlsxwriter.h>

/** A4 landscape, all columns fitted to one page wide, row 1 repeated on
 *  every printed page. */
void gpi_workbook_print_setup(lxw_worksheet *ws);

struct gp_profile;
/** The clerk's template (template.c) written to path (a temp path). */
bool gpi_template_write(const char *path, const struct gp_profile *profile, gp_error *err);

#endif
