/* testhook.h — pauses that let an end-to-end test act at an exact moment
 * (kill the run between two renames, swap a photo for a FIFO after the
 * folder was listed).  Each is an environment variable holding
 * milliseconds; unset (always, outside tests) it costs one getenv. */
#ifndef GPI_CORE_TESTHOOK_H
#define GPI_CORE_TESTHOOK_H

/* Before each rename of a set commit, and before the journal is removed. */
#define GPI_TEST_PAUSE_BETWEEN_RENAMES "GRADPACK_TEST_PAUSE_BETWEEN_RENAMES"
/* After a photo folder or a folder bundle was listed, before any file in
 * it is read. */
#define GPI_TEST_PAUSE_AFTER_SCAN "GRADPACK_TEST_PAUSE_AFTER_SCAN"

/* merge: after every bundle was verified, before the outputs are written
 * (a bundle replaced meanwhile must not slip in). */
#define GPI_TEST_PAUSE_BEFORE_WRITE "GRADPACK_TEST_PAUSE_BEFORE_WRITE"

/** The hook's milliseconds (0 when unset or not a number ≤ 60000). */
unsigned gpi_test_pause_ms(const char *hook);
/** Sleep that long (nothing when unset).  When $GRADPACK_TEST_PAUSE_MARK
 *  names a file, it is created first, so the test knows the run has
 *  reached the pause (machines under load, sanitizer builds). */
void gpi_test_pause(const char *hook);

#endif /* GPI_CORE_TESTHOOK_H */
