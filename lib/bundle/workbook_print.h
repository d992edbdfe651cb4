/* workbook_print.h — the print setup every roster sheet shares: the
 * bundle's workbook (lib/bundle/workbook.c) and the clerk's template
 * (lib/pack/template.c).  Needs libxlsxwriter's types. */
#ifndef GPI_WORKBOOK_PRINT_H
#define GPI_WORKBOOK_PRINT_H

#include <xlsxwriter.h>

/** A4 landscape, all columns fitted to one page wide, row 1 repeated on
 *  every printed page. */
void gpi_workbook_print_setup(lxw_worksheet *ws);

#endif
