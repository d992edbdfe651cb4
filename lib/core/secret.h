/* secret.h — reading a password from a file (pack, verify, merge
 * --password-file). */
#ifndef GPI_CORE_SECRET_H
#define GPI_CORE_SECRET_H

#include "gradpack.h"

#define GPI_PASSWORD_FILE_MAX 4096 /* bytes read from a password file */

/** The password on the first line of the file at path, opened without
 *  blocking (a FIFO or device is refused, never read).  A UTF-8 BOM and
 *  trailing whitespace (spaces, tabs, CR, LF) are stripped, with an info
 *  finding input.password_trimmed; a file group or other users can read
 *  gets a warning input.password_readable.  malloc'd (wipe and free it);
 *  NULL with err set (GP_ERR_OPEN, or GP_ERR_USAGE when the first line is
 *  empty). */
char *gpi_password_file_read(const char *path, gp_report *report, gp_error *err);

/** Overwrite and free a password.  NULL is fine. */
void gpi_password_wipe(char *password);

#endif /* GPI_CORE_SECRET_H */
