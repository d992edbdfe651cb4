/* Names a clerk recognises and every system accepts.  NAME (the outputs'
 * file-name stem) may hold Chinese, but must be a valid Windows file name,
 * since the files are mailed to and opened on Windows; BUNDLE_ID (the top
 * folder inside the zip) is plain ASCII, because Windows' built-in unzip
 * reads entry names in the OEM code page. */
#include "core/base.h"
#include "bundle/bundle.h"
#include "core/escape.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Room for "-part12-of-12.zip" or "-邮件正文.txt" after NAME within the
 * 255-byte file-name limit of common file systems. */
#define MAX_NAME_BYTES 160

static bool is_forbidden(unsigned char c)
{
    return c < 0x20 || c == 0x7f || strchr("\\/:*?\"<>|", c) != NULL;
}

/* CON, PRN, AUX, NUL, COM1-9, LPT1-9, also followed by an extension. */
static bool is_reserved(const char *name)
{
    static const char *const plain[] = {"CON", "PRN", "AUX", "NUL"};
    size_t stem = strcspn(name, ".");
    for (size_t i = 0; i < GPI_ARRAY_LEN(plain); i++)
        if (stem == 3 && !strncasecmp(name, plain[i], 3))
            return true;
    if (stem == 4 && (!strncasecmp(name, "COM", 3) || !strncasecmp(name, "LPT", 3)) &&
        name[3] >= '1' && name[3] <= '9')
        return true;
    return false;
}


char *gpi_safe_file_name(const char *text)
{
    size_t n = text ? strlen(text) : 0;
    char *out = malloc(n + 2 + sizeof "gradpack");
    if (!out)
        return NULL;
    size_t len = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t step = gpi_utf8_next(text + i, n - i, &cp);
        /* a control or invisible character (U+200B, U+202E …) would make
         * one name look like another; a stray byte is kept as it is */
        bool drop = step ? gpi_codepoint_unsafe(cp) : false;
        if (!step)
            step = 1;
        if (drop || (step == 1 && is_forbidden((unsigned char)text[i]))) {
            i += step;
            continue;
        }
        if (len + step > MAX_NAME_BYTES)
            break;
        memcpy(out + len, text + i, step);
        len += step;
        i += step;
    }
    out[len] = '\0';
    /* Windows drops trailing dots and spaces; leading spaces confuse people */
    while (len > 0 && (out[len - 1] == '.' || out[len - 1] == ' '))
        out[--len] = '\0';
    size_t lead = strspn(out, " ");
    memmove(out, out + lead, len - lead + 1);
    len -= lead;
    if (len == 0)
        strcpy(out, "gradpack");
    else if (is_reserved(out)) {
        /* "CON" → "CON_": insert before any extension */
        size_t stem = strcspn(out, ".");
        memmove(out + stem + 1, out + stem, len - stem + 1);
        out[stem] = '_';
    }
    return out;
}

char *gpi_default_bundle_name(const char *school_code, const char *station_name,
                             const char *seq_first, const char *seq_last)
{
    const char *parts[3] = {school_code, station_name, NULL};
    gpi_buf buf = {0};
    for (size_t i = 0; i < 2; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (buf.len)
            gpi_buf_puts(&buf, "-");
        gpi_buf_puts(&buf, parts[i]);
    }
    if (seq_first && *seq_first) {
        if (buf.len)
            gpi_buf_puts(&buf, "-");
        gpi_buf_puts(&buf, seq_first);
        if (seq_last && *seq_last && strcmp(seq_first, seq_last) != 0)
            gpi_buf_printf(&buf, "-%s", seq_last);
    }
    char *raw = gpi_buf_take(&buf);
    if (!raw)
        return NULL;
    char *safe = gpi_safe_file_name(raw);
    free(raw);
    return safe;
}

char *gpi_bundle_id_from_name(const char *name)
{
    size_t n = strlen(name);
    char *out = malloc(n + sizeof "bundle");
    if (!out)
        return NULL;
    size_t len = 0;
    bool pending_dash = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isalnum(c) || c == '.' || c == '_' || c == '-') {
            if (pending_dash && len > 0 && out[len - 1] != '-')
                out[len++] = '-';
            pending_dash = false;
            if (c == '-' && len > 0 && out[len - 1] == '-')
                continue;
            out[len++] = (char)c;
        } else {
            pending_dash = true;
        }
    }
    /* no leading or trailing separators, no hidden or "." / ".." folder */
    while (len > 0 && (out[len - 1] == '-' || out[len - 1] == '.'))
        len--;
    out[len] = '\0';
    size_t lead = strspn(out, "-.");
    memmove(out, out + lead, len - lead + 1);
    if (!out[0])
        strcpy(out, "bundle");
    return out;
}

char *gpi_part_stem(const char *name, int part, int parts)
{
    if (parts <= 1)
        return strdup(name);
    return gpi_asprintf("%s-part%d-of-%d", name, part, parts);
}

char *gpi_choose_name(const char *given, const char *school_code, const char *station_name,
                      const char *seq_first, const char *seq_last, gp_error *err)
{
    char *name = given ? gpi_safe_file_name(given)
                       : gpi_default_bundle_name(school_code, station_name, seq_first, seq_last);
    if (!name) {
        gpi_error_nomem(err);
        return NULL;
    }
    /* a --name is used as given or not at all: the clerk typed it and
     * will look for exactly that file */
    if (given && strcmp(name, given) != 0) {
        gpi_error_set(err, GP_ERR_USAGE, 0,
                      "--name '%s' 不能用作 Windows 文件名（不能含 \\ / : * ? \" < > | "
                      "和控制字符，不能以点或空格结尾，不能是 CON、PRN、AUX、NUL、COM1 等），"
                      "可以改用 '%s'",
                      given, name);
        free(name);
        return NULL;
    }
    return name;
}
