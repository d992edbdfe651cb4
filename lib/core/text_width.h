/* Display width of UTF-8 text in a terminal (CJK and full-width forms take
 * two columns), and the compression of photo numbers into ranges, for the
 * text renderer.  Internal to lib/core and its tests. */
#ifndef GPI_CORE_TEXT_WIDTH_H
#define GPI_CORE_TEXT_WIDTH_H

#include <stddef.h>
#include <stdint.h>

struct gpi_buf;

/** Columns one code point takes: 0 for combining marks and controls, 2 for
 *  East Asian wide and full-width characters, 1 otherwise. */
int gpi_codepoint_width(uint32_t cp);
/** Columns `text` (UTF-8) takes; a malformed byte counts as one column. */
size_t gpi_text_width(const char *text);
/** Append `text` then spaces up to `columns` display columns. */
void gpi_buf_put_padded(struct gpi_buf *buf, const char *text, size_t columns);

/** Append sorted, de-duplicated numbers as ranges: "0001–0300、0302、0305–0306"
 *  (each number printed with `digits` digits, zero-padded; at most
 *  `max_ranges` ranges, then "等").  numbers is sorted in place. */
void gpi_buf_put_ranges(struct gpi_buf *buf, long *numbers, size_t count, int digits,
                       size_t max_ranges);

#endif
