/* error.h — passing a gp_error on. */
#ifndef GPI_CORE_ERROR_H
#define GPI_CORE_ERROR_H

#include "gradpack.h"

/** Copy `from` into `into` when `into` is not NULL and still GP_OK and
 *  `from` holds a failure: the first failure wins, as with gpi_error_set.
 *  Either may be NULL.  Always returns false, so callers can
 *  `return gpi_error_propagate(err, &inner);`. */
bool gpi_error_propagate(gp_error *into, const gp_error *from);

/** Set err from a failed gpi_os_open_read* of an input: says whether it was
 *  missing, a link, or not a regular file (a FIFO, a device: never read,
 *  so never a hang).  `what` names the input in Chinese ("花名册",
 *  "密码文件").  Always returns false. */
struct gpi_os_stat;
bool gpi_error_open_input(gp_error *err, const char *what, const char *path, int sys_errno,
                         const struct gpi_os_stat *st);

/** The check every top-level function makes once before it returns a
 *  report: when the report lost anything (gp_report_failed), set err to
 *  GP_ERR_NOMEM and return false, so an allocation failure can never turn
 *  a fail into a pass.  true when the report is complete (or NULL). */
bool gpi_report_complete(const gp_report *report, gp_error *err);

#endif /* GPI_CORE_ERROR_H */
