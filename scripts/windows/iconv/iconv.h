/* iconv for the Windows cross build of freexl (scripts/build-windows.sh):
 * Debian 12 has no iconv source package for mingw (no win-iconv, and GNU
 * libiconv is part of glibc there).  Conversions between Windows code pages
 * through UTF-16, with MultiByteToWideChar / WideCharToMultiByte.  Not used
 * by gradpack itself. */
#ifndef GP_WIN_ICONV_H
#define GP_WIN_ICONV_H
#include <stddef.h>
typedef void *iconv_t;
iconv_t iconv_open(const char *to, const char *from);
size_t iconv(iconv_t cd, char **in, size_t *in_left, char **out, size_t *out_left);
int iconv_close(iconv_t cd);
#endif
