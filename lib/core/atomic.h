/* atomic.h — what lib/core/atomic.c and lock.c offer beyond the
 * gp_atomic_* / gp_lock_* declarations of gp_internal.h: output modes,
 * the removal of a dead run's temporary files, and the one call that
 * makes an output folder ours. */
#ifndef GP_CORE_ATOMIC_H
#define GP_CORE_ATOMIC_H

#include "gp_internal.h"

/* Permission bits asked for outputs; the umask always applies on top and
 * is never widened.  Personal data (zip, workbook, letter, fixed photos,
 * merged bundles) is GP_MODE_PRIVATE unless the caller was asked to share
 * (pack --shared). */
#define GP_MODE_PRIVATE 0600u
#define GP_MODE_SHARED 0644u

/** gp_atomic_begin (which uses GP_MODE_PRIVATE) with the temporary file
 *  created with permission bits mode & ~umask; the rename keeps them. */
gp_atomic *gp_atomic_begin_mode(const char *final_path, bool overwrite, unsigned mode,
                                gp_error *err);

/** Whether `name` is one of gradpack's own files in an output folder: a
 *  temporary output (".NAME.tmp-XXXXXX"), the commit journal
 *  (".gradpack-commit") or the lock file (".gradpack.lock").  check's
 *  folder scan ignores these. */
bool gp_atomic_is_own_file(const char *name);

/** Remove every temporary file of gradpack's (".NAME.tmp-XXXXXX") in dir:
 *  only call it holding dir's lock and after gp_atomic_recover, when every
 *  such file belongs to a run that is provably dead.  Returns how many were
 *  removed. */
size_t gp_atomic_remove_stale(const char *dir);

/** Make dir ours for writing: create it, take its lock (GP_ERR_LOCKED when
 *  another live run holds it), finish a dead run's interrupted commit
 *  (gp_atomic_recover) and remove dead runs' temporary files.  NULL with
 *  err set; release with gp_lock_release. */
gp_lock *gp_lock_output(const char *dir, gp_error *err);

/** Register a path for gp_interrupt_cleanup to remove (the lock file), as
 *  temporary files are.  A handle for gp_atomic_unregister_path, or NULL
 *  (out of memory, path too long). */
void *gp_atomic_register_path(const char *path);
void gp_atomic_unregister_path(void *handle);

#endif /* GP_CORE_ATOMIC_H */
