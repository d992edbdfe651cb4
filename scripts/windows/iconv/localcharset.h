/* locale_charset() for freexl's Windows cross build (see iconv.h). */
#ifndef GP_WIN_LOCALCHARSET_H
#define GP_WIN_LOCALCHARSET_H
const char *locale_charset(void);
#endif
