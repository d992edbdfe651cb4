/* workbook_print.h — the print setup every roster sheet shares: pack's
 * workbook (lib/pack/workbook.c) and the clerk's template
 * (lib/pack/template.c).  Needs libxlsxwriter's types. */
#ifndef GP_WORKBOOK_PRINT_H
#define GP_WORKBOOK_PRINT_H

#include "gp_internal.h"

#include <xlsxwriter.h>

/** A4 landscape, all columns fitted to one page wide, row 1 repeated on
 *  every printed page. */
void gp_workbook_print_setup(lxw_worksheet *ws);

struct gp_profile;
/** The clerk's template (template.c) written to path (a temp path). */
bool gp_template_write(const char *path, const struct gp_profile *profile, gp_error *err);

#endif
