/* System and library error texts in Chinese for a clerk, the original in
 * parentheses (for a technician or a search engine): errno values, libzip
 * error codes, libjpeg message numbers.  Internal. */
#ifndef GPI_CORE_MESSAGES_H
#define GPI_CORE_MESSAGES_H

#include <stddef.h>

/** "没有这个文件或文件夹（No such file or directory）".  The text lives in
 *  a per-thread buffer until this thread's next call of a gp_*_text
 *  function: use it once per format call. */
const char *gpi_errno_text(int errnum);
/** The same for a libzip error (zip_error_t *, as void * so that this
 *  header needs no libzip). */
const char *gpi_zip_error_text(void *zip_error);
/** libjpeg's message number `code` and its formatted English text ->
 *  "照片数据提前结束（文件不完整）（Premature end of JPEG file）" in out. */
void gpi_jpeg_message_text(int code, const char *english, char *out, size_t size);

#endif
