/* atomic.h — outputs written whole or not at all (lib/core/atomic.c), the
 * output-folder lock (lock.c), output modes, the removal of a dead run's
 * temporary files, the one call that makes an output folder ours, and the
 * fixed time outputs carry. */
#ifndef GPI_CORE_ATOMIC_H
#define GPI_CORE_ATOMIC_H

#include "core/base.h"

/* Atomic outputs: written to a temporary file in the target folder and
 * renamed into place on commit.  Temporary files are registered so that
 * gp_interrupt_cleanup() (called from a signal handler) removes them. */
typedef struct gpi_atomic gpi_atomic;

/** Start writing final_path.  When !overwrite and final_path exists, fails
 *  with GP_ERR_EXISTS.  NULL with err set on failure. */
gpi_atomic *gpi_atomic_begin(const char *final_path, bool overwrite, gp_error *err);
/** The temporary file's path. */
const char *gpi_atomic_temp_path(const gpi_atomic *file);
/** The name to give a library that writes the temporary file by name
 *  (libxlsxwriter opens it only when it closes the workbook): on Linux
 *  /proc/self/fd/N, which reaches the file even after an interrupt's
 *  cleanup removed its name, so the library can never create the name
 *  again in the output folder; elsewhere the temporary path.  Valid until
 *  commit or abort; never after gpi_atomic_stream. */
const char *gpi_atomic_library_path(const gpi_atomic *file);
/** An open stream on the temporary file (opened on first call). */
FILE *gpi_atomic_stream(gpi_atomic *file, gp_error *err);
/** fsync and rename into place; frees file.  false with err set (the
 *  temporary file is removed). */
bool gpi_atomic_commit(gpi_atomic *file, gp_error *err);
/** Remove the temporary file and free file.  NULL is fine. */
void gpi_atomic_abort(gpi_atomic *file);
/** Commit several files in `dir` as one: either all of them replace the
 *  old outputs or, if the run dies half-way, gpi_atomic_recover in the next
 *  run finishes the job (a roll-forward journal, DIR/.gradpack-commit).
 *  NULL entries are skipped.  Takes every file (each slot is set to NULL),
 *  on success and on failure.  false with err set. */
bool gpi_atomic_commit_set(gpi_atomic **files, size_t count, const char *dir, gp_error *err);
/** Finish a set commit that a killed run left half done (call with the
 *  folder locked, before writing anything).  *recovered (may be NULL) says
 *  whether there was one.  false with err set. */
bool gpi_atomic_recover(const char *dir, bool *recovered, gp_error *err);

typedef struct gpi_lock gpi_lock;

/** Lock `dir` (which must exist) against other gradpack runs.  A lock held
 *  by a dead process is free again.  NULL with err GP_ERR_LOCKED when
 *  another live run holds it. */
gpi_lock *gpi_lock_acquire(const char *dir, gp_error *err);
void gpi_lock_release(gpi_lock *lock);

/** SOURCE_DATE_EPOCH when set and valid, else the fixed epoch
 *  2000-01-01T00:00:00Z (outputs never carry the current time). */
int64_t gpi_reproducible_time(void);

/* Permission bits asked for outputs; the umask always applies on top and
 * is never widened.  Personal data (zip, workbook, letter, fixed photos,
 * merged bundles) is GPI_MODE_PRIVATE unless the caller was asked to share
 * (pack --shared). */
#define GPI_MODE_PRIVATE 0600u
#define GPI_MODE_SHARED 0644u

/** gpi_atomic_begin (which uses GPI_MODE_PRIVATE) with the temporary file
 *  created with permission bits mode & ~umask; the rename keeps them. */
gpi_atomic *gpi_atomic_begin_mode(const char *final_path, bool overwrite, unsigned mode,
                                gp_error *err);

/** Whether `name` is one of gradpack's own files in an output folder: a
 *  temporary output (".NAME.tmp-XXXXXX"), the commit journal
 *  (".gradpack-commit") or the lock file (".gradpack.lock").  check's
 *  folder scan ignores these. */
bool gpi_atomic_is_own_file(const char *name);

/** Remove every temporary file of gradpack's (".NAME.tmp-XXXXXX") in dir:
 *  only call it holding dir's lock and after gpi_atomic_recover, when every
 *  such file belongs to a run that is provably dead.  Returns how many were
 *  removed. */
size_t gpi_atomic_remove_stale(const char *dir);

/** Make dir ours for writing: create it, take its lock (GP_ERR_LOCKED when
 *  another live run holds it), finish a dead run's interrupted commit
 *  (gpi_atomic_recover) and remove dead runs' temporary files.  NULL with
 *  err set; release with gpi_lock_release. */
gpi_lock *gpi_lock_output(const char *dir, gp_error *err);

/** Register a path for gp_interrupt_cleanup to remove (the lock file), as
 *  temporary files are.  A handle for gpi_atomic_unregister_path, or NULL
 *  (out of memory, path too long). */
void *gpi_atomic_register_path(const char *path);
void gpi_atomic_unregister_path(void *handle);

#endif /* GPI_CORE_ATOMIC_H */
