/* ini_text.h — what every .ini the tool reads is checked for before inih
 * sees it. */
#ifndef GPI_CORE_INI_TEXT_H
#define GPI_CORE_INI_TEXT_H

#include "core/base.h"

/** The longest line inih reads as one line, in bytes without the line
 *  break (Debian builds inih with a 200-byte line buffer). */
int gpi_ini_max_line(void);

/** Refuse text inih would misread: a NUL byte (inih stops there) or a line
 *  longer than gpi_ini_max_line() (inih reads its tail as a line of its own,
 *  so the tail of a long comment would be obeyed).  `what` names the file
 *  ("规格文件"), `hint` (may be NULL) says how to shorten a line.  false
 *  with err set (status) naming the line. */
bool gpi_ini_text_check(const char *what, const char *path, const char *text, size_t len,
                        gp_status status, const char *hint, gp_error *err);

#endif
