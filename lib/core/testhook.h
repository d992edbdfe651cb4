/* testhook.h — pauses that let an end-to-end test act at an exact moment
 * (kill the run between two renames, swap a photo for a FIFO after the
 * folder was listed).  Each is an environment variable holding
 * milliseconds; unset (always, outside tests) it costs one getenv. */
#ifndef GPI_CORE_TESTHOOK_H
#define GPI_CORE_TESTHOOK_H

/* Before each rename of a set commit, and before the journal is removed. */
#define GPI_TEST_PAUSE_BETWEEN_RENAMES "GRADPACK_TEST_PAUSE_BETWEEN_RENAMES"
/* Inside gpi_atomic_begin, between registering a temporary file and
 * creating it (an interrupt then must wait for the creation). */
#define GPI_TEST_PAUSE_IN_CREATE "GRADPACK_TEST_PAUSE_IN_CREATE"
/* After a photo folder or a folder bundle was listed, before any file in
 * it is read. */
#define GPI_TEST_PAUSE_AFTER_SCAN "GRADPACK_TEST_PAUSE_AFTER_SCAN"

/* merge: after every bundle was verified, before the outputs are written
 * (a bundle replaced meanwhile must not slip in). */
#define GPI_TEST_PAUSE_BEFORE_WRITE "GRADPACK_TEST_PAUSE_BEFORE_WRITE"

/* Windows: an isolated child (os_isolate_win32.c) misbehaves on purpose,
 * while its temporary copy of the input exists (gpi_os_memory_file), so
 * that the Wine tests see the parent's side of each failure: "crash"
 * (an access violation), "spin" (CPU until the limit), "sleep" (until the
 * wall clock), "hog" (2 GiB of memory, then the work: the job's 1 GiB
 * stops it), "flood" (more output than the parent takes), "foreign"
 * (prints something else and exits, as a host program that does not call
 * gp_run_isolated_child).  Not a pause: a word. */
#define GPI_TEST_ISOLATED_CHILD "GRADPACK_TEST_ISOLATED_CHILD"

/** The hook's milliseconds (0 when unset or not a number ≤ 60000). */
unsigned gpi_test_pause_ms(const char *hook);
/** Sleep that long (nothing when unset).  When $GRADPACK_TEST_PAUSE_MARK
 *  names a file, it is created first, so the test knows the run has
 *  reached the pause (machines under load, sanitizer builds). */
void gpi_test_pause(const char *hook);

#endif /* GPI_CORE_TESTHOOK_H */
