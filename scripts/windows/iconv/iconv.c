/* iconv.h: whole-buffer conversions between code pages (see iconv.h). */
#include "iconv.h"

#include <windows.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct converter {
    UINT from, to; /* 1200 = UTF-16LE */
} converter;

static UINT code_page(const char *name)
{
    static const struct { const char *name; UINT cp; } names[] = {
        {"UTF-8", CP_UTF8}, {"UTF8", CP_UTF8}, {"UTF-16LE", 1200}, {"UTF-16", 1200},
        {"ASCII", 20127}, {"US-ASCII", 20127}, {"MACROMAN", 10000}, {"MACINTOSH", 10000},
        {"GBK", 936}, {"GB2312", 936}, {"GB18030", 54936}, {"BIG5", 950},
        {"SHIFT_JIS", 932}, {"SJIS", 932}, {"EUC-KR", 949}, {"ISO-8859-1", 28591},
        {"LATIN1", 28591}, {"KOI8-R", 20866},
    };
    char up[32];
    size_t n = strlen(name);
    if (n >= sizeof up)
        return 0;
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)toupper((unsigned char)name[i]);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(up, names[i].name))
            return names[i].cp;
    const char *digits = !strncmp(up, "CP", 2) ? up + 2 : !strncmp(up, "WINDOWS-", 8) ? up + 8 : NULL;
    if (digits && *digits) {
        char *end;
        unsigned long cp = strtoul(digits, &end, 10);
        if (!*end && cp > 0 && cp < 65536)
            return (UINT)cp;
    }
    return 0;
}

iconv_t iconv_open(const char *to, const char *from)
{
    UINT t = code_page(to), f = code_page(from);
    if (!t || !f || (t != 1200 && !IsValidCodePage(t)) || (f != 1200 && !IsValidCodePage(f))) {
        errno = EINVAL;
        return (iconv_t)-1;
    }
    converter *c = malloc(sizeof *c);
    if (!c) {
        errno = ENOMEM;
        return (iconv_t)-1;
    }
    c->from = f;
    c->to = t;
    return c;
}

int iconv_close(iconv_t cd)
{
    free(cd);
    return 0;
}

/* The whole input is converted at once (as freexl calls it): on success all
 * of it is consumed; nothing is consumed on error (EILSEQ: invalid input;
 * E2BIG: the output does not fit). */
size_t iconv(iconv_t cd, char **in, size_t *in_left, char **out, size_t *out_left)
{
    converter *c = cd;
    if (!in || !*in || !*in_left)
        return 0; /* reset: no state is kept */
    if (*in_left > 0x3FFFFFFF) {
        errno = E2BIG;
        return (size_t)-1;
    }
    int len = (int)*in_left;
    wchar_t *w;
    int wn;
    if (c->from == 1200) {
        if (len % 2) {
            errno = EINVAL;
            return (size_t)-1;
        }
        wn = len / 2;
        w = malloc((size_t)wn * sizeof *w + 1);
        if (!w) {
            errno = ENOMEM;
            return (size_t)-1;
        }
        memcpy(w, *in, (size_t)len);
    } else {
        DWORD flags = c->from == CP_UTF8 || c->from == 54936 ? MB_ERR_INVALID_CHARS : 0;
        wn = MultiByteToWideChar(c->from, flags, *in, len, NULL, 0);
        if (wn <= 0) {
            errno = EILSEQ;
            return (size_t)-1;
        }
        w = malloc((size_t)wn * sizeof *w);
        if (!w) {
            errno = ENOMEM;
            return (size_t)-1;
        }
        MultiByteToWideChar(c->from, flags, *in, len, w, wn);
    }
    int on;
    if (c->to == 1200) {
        on = wn * 2;
    } else {
        on = wn ? WideCharToMultiByte(c->to, 0, w, wn, NULL, 0, NULL, NULL) : 0;
        if (wn && on <= 0) {
            free(w);
            errno = EILSEQ;
            return (size_t)-1;
        }
    }
    if ((size_t)on > *out_left) {
        free(w);
        errno = E2BIG;
        return (size_t)-1;
    }
    if (c->to == 1200)
        memcpy(*out, w, (size_t)on);
    else if (on)
        WideCharToMultiByte(c->to, 0, w, wn, *out, on, NULL, NULL);
    free(w);
    *in += *in_left;
    *in_left = 0;
    *out += on;
    *out_left -= (size_t)on;
    return 0;
}

/* The process's ANSI code page as a name iconv_open takes ("CP936", or
 * "UTF-8" under gradpack's manifest). */
const char *locale_charset(void)
{
    static char name[16];
    UINT cp = GetACP();
    if (cp == CP_UTF8)
        return "UTF-8";
    snprintf(name, sizeof name, "CP%u", cp);
    return name;
}
