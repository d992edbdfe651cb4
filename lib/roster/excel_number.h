/* How Excel shows a long number it took for a number: the one test shared
 * by the ID rules (idnumber.c) and the other digit columns (rules.c). */
#ifndef GPI_ROSTER_EXCEL_NUMBER_H
#define GPI_ROSTER_EXCEL_NUMBER_H

#include <stdbool.h>

/** Whether s is scientific notation as Excel writes it: 3.70303E+17,
 *  3.70303e17, 370303E+12 (digits, optionally "." and digits, then E/e,
 *  an optional "+" and digits, nothing else). */
bool gpi_excel_scientific(const char *s);

#endif
