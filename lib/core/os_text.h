/*
 * os_text.h — text services of the platform layer (os.h's sibling): code
 * page conversion to UTF-8 and Unicode normalisation (NFC).
 *
 * Implementations: os_text_posix.c (iconv, ICU) and os_text_win32.c
 * (MultiByteToWideChar, NormalizeString); meson picks one.  Like os.h,
 * nothing here prints or allocates a gp_error: callers word the message.
 */
#ifndef GPI_OS_TEXT_H
#define GPI_OS_TEXT_H

#include <stddef.h>

/* ---- code pages to UTF-8 ------------------------------------------------- */

typedef struct gpi_os_text gpi_os_text;

typedef enum gpi_os_text_status {
    GPI_OS_TEXT_OK,
    GPI_OS_TEXT_INVALID, /* *bad_offset: first byte that cannot be converted */
    GPI_OS_TEXT_NOMEM
} gpi_os_text_status;

/** A converter from `from` ("GB18030" or "UTF-8") to UTF-8: UTF-8 to UTF-8
 *  checks the text.  NULL with errno (ENOMEM; anything else: the system
 *  cannot convert from that encoding).  Close with gpi_os_text_close.
 *  Windows: never fails (no handle is kept); GB18030 is code page 54936,
 *  or 936 (GBK, its 2-byte part) where that is missing (Wine). */
gpi_os_text *gpi_os_text_open(const char *from);
/** Convert len bytes of in into a malloc'd NUL-terminated UTF-8 string
 *  (*out).  GPI_OS_TEXT_INVALID with *bad_offset at an invalid or cut-off
 *  sequence (Windows: 0 when the code page refuses text whose sequences
 *  are each well-formed). */
gpi_os_text_status gpi_os_text_to_utf8(gpi_os_text *conv, const char *in, size_t len,
                                       char **out, size_t *bad_offset);
/** Close a converter; NULL is ignored. */
void gpi_os_text_close(gpi_os_text *conv);

/* ---- normalisation ------------------------------------------------------- */

/** The NFC form of the NUL-terminated UTF-8 text `utf8`, malloc'd in *out.
 *  0, or -1 with errno: EILSEQ when ICU takes the text for no UTF-8 or
 *  has no NFC data (POSIX; Windows turns invalid bytes into U+FFFD
 *  instead), ENOMEM or EIO. */
int gpi_os_nfc(const char *utf8, char **out);

#endif
