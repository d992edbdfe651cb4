/* Strings from a bundle, a roster or a file name made safe to show: what a
 * terminal (or a person) would take for a command or a different text is
 * written as a visible escape.  Reusable by every renderer (text report,
 * HTML report before its own HTML escaping, entry names in findings). */
#ifndef GPI_ESCAPE_H
#define GPI_ESCAPE_H

#include "core/base.h"
#include <stdint.h>

/** Whether code point cp must never reach a terminal or a cell as it is:
 *  C0 and C1 controls, DEL, bidirectional formatting characters (U+061C,
 *  U+200E/F, U+202A–U+202E, U+2066–U+2069), line/paragraph separators
 *  (U+2028/9), non-characters (U+FDD0–U+FDEF, U+xxFFFE/F) and invisible
 *  characters (soft hyphen U+00AD, zero-width U+200B–U+200D, U+2060–U+2064,
 *  U+FEFF, the fillers U+115F/U+1160/U+3164/U+FFA0, U+034F, U+17B4/5,
 *  U+180E, U+206A–U+206F, U+FFF9–U+FFFB, tags U+E0000–U+E007F). */
bool gpi_codepoint_unsafe(uint32_t cp);

/** Decode one UTF-8 sequence at s (at most len bytes): its length and *cp,
 *  or 0 when the bytes there are not valid UTF-8 (overlong, surrogate, out
 *  of range, truncated). */
size_t gpi_utf8_next(const char *s, size_t len, uint32_t *cp);

/** Append s[0..len) to buf with every unsafe code point written as \uXXXX
 *  (C1, bidi, invisible, non-characters; five hex digits above U+FFFF) or
 *  \xNN (C0, DEL, bytes that are not UTF-8).  Other text, Chinese
 *  included, is kept as it is. */
void gpi_escape_terminal(gpi_buf *buf, const char *s, size_t len);

/** Whether gpi_escape_terminal would change s. */
bool gpi_needs_escape(const char *s, size_t len);

#endif
