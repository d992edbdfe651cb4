/* The POSIX side of lib/core/os_text.h: code pages with iconv (glibc's on
 * Linux), NFC with ICU.  Contracts are in os_text.h. */
#include "os_text.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

gpi_os_text *gpi_os_text_open(const char *from)
{
    iconv_t cd = iconv_open("UTF-8", from);
    return cd == (iconv_t)-1 ? NULL : (gpi_os_text *)cd;
}

gpi_os_text_status gpi_os_text_to_utf8(gpi_os_text *conv, const char *in, size_t len,
                                       char **out, size_t *bad_offset)
{
    *out = NULL;
    /* GB18030 grows at most 3/2 into UTF-8; UTF-8 stays the same */
    size_t cap = len + len / 2 + 4;
    char *buf = malloc(cap);
    if (!buf)
        return GPI_OS_TEXT_NOMEM;
    iconv_t cd = (iconv_t)conv;
    iconv(cd, NULL, NULL, NULL, NULL);
    char *inp = (char *)in, *outp = buf;
    size_t in_left = len, out_left = cap - 1;
    while (in_left) {
        if (iconv(cd, &inp, &in_left, &outp, &out_left) != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            size_t used = (size_t)(outp - buf);
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                return GPI_OS_TEXT_NOMEM;
            }
            buf = grown;
            outp = buf + used;
            out_left += cap;
            cap *= 2;
            continue;
        }
        /* EILSEQ: an invalid sequence; EINVAL: one cut off at the end */
        *bad_offset = (size_t)(inp - in);
        free(buf);
        return GPI_OS_TEXT_INVALID;
    }
    *outp = '\0';
    *out = buf;
    return GPI_OS_TEXT_OK;
}

void gpi_os_text_close(gpi_os_text *conv)
{
    if (conv)
        iconv_close((iconv_t)conv);
}

int gpi_os_nfc(const char *utf8, char **out)
{
    *out = NULL;
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    int32_t len16 = 0;
    u_strFromUTF8(NULL, 0, &len16, utf8, -1, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) {
        errno = EILSEQ;
        return -1;
    }
    status = U_ZERO_ERROR;
    UChar *in = malloc(((size_t)len16 + 1) * sizeof *in);
    /* NFC of a string is at most 3x as long in UTF-16 */
    size_t cap = (size_t)len16 * 3 + 1;
    UChar *nf = malloc(cap * sizeof *nf);
    char *key = NULL;
    bool nomem = !in || !nf;
    if (!nomem) {
        u_strFromUTF8(in, len16 + 1, NULL, utf8, -1, &status);
        int32_t n = unorm2_normalize(nfc, in, len16, nf, (int32_t)cap, &status);
        int32_t len8 = 0;
        if (U_SUCCESS(status)) {
            u_strToUTF8(NULL, 0, &len8, nf, n, &status);
            status = status == U_BUFFER_OVERFLOW_ERROR ? U_ZERO_ERROR : status;
        }
        if (U_SUCCESS(status)) {
            key = malloc((size_t)len8 + 1);
            nomem = key == NULL;
        }
        if (key) {
            u_strToUTF8(key, len8 + 1, NULL, nf, n, &status);
            if (U_FAILURE(status)) {
                free(key);
                key = NULL;
            }
        }
    }
    free(in);
    free(nf);
    if (!key) {
        errno = nomem ? ENOMEM : EIO;
        return -1;
    }
    *out = key;
    return 0;
}
