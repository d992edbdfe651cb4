/* Passwords of several stations: each station's generated password
 * differs, so verify and merge take a list (gp_verify_options.passwords)
 * and pick the one for each bundle, by name or by trying them. */
#include "passwords.h"
#include "core/files.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* "NAME-part2-of-5" -> length of "NAME"; else the whole length. */
static size_t stem_length(const char *name, size_t len)
{
    const char *p = NULL;
    for (const char *q = name; (q = strstr(q, "-part")) && q < name + len; q++)
        p = q;
    if (!p)
        return len;
    int part = 0, parts = 0, used = 0;
    if (sscanf(p, "-part%d-of-%d%n", &part, &parts, &used) == 2 && p + used == name + len &&
        part > 0 && parts > 0)
        return (size_t)(p - name);
    return len;
}

static bool names_bundle(const char *entry, const char *base)
{
    size_t len = strlen(base);
    if (len > 4 && !strcmp(base + len - 4, ".zip"))
        len -= 4;
    size_t elen = strlen(entry);
    if (elen > 4 && !strcmp(entry + elen - 4, ".zip"))
        elen -= 4;
    if (elen == len && !strncmp(entry, base, len))
        return true;
    size_t stem = stem_length(base, len);
    return elen == stem && !strncmp(entry, base, stem);
}

/* 1: the password opens the first encrypted entry (AES password verifier
 * or traditional PKWARE check); 0: it does not; -1: no encrypted entry or
 * not a zip. */
static int opens(zip_t *za, const char *password)
{
    zip_int64_t n = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0 ||
            !(st.valid & ZIP_STAT_ENCRYPTION_METHOD) || st.encryption_method == ZIP_EM_NONE)
            continue;
        zip_file_t *f = zip_fopen_index_encrypted(za, (zip_uint64_t)i, 0, password);
        if (!f)
            return 0;
        char byte;
        zip_int64_t got = zip_fread(f, &byte, st.size ? 1 : 0);
        zip_fclose(f);
        return got >= 0 ? 1 : 0;
    }
    return -1;
}

bool gpi_zip_has_encrypted_entry(const char *path)
{
    int error = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &error);
    if (!za)
        return false;
    int r = opens(za, "");
    zip_discard(za);
    return r != -1;
}

const char *gpi_verify_choose_password(const gp_verify_options *options, const char *path)
{
    if (!options)
        return NULL;
    if (!options->password_count)
        return options->password;
    const char *base = gpi_path_base(path);
    for (size_t i = 0; i < options->password_count; i++)
        if (options->passwords[i].name && names_bundle(options->passwords[i].name, base))
            return options->passwords[i].password;
    int error = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &error);
    if (!za)
        return options->password;
    const char *chosen = options->password;
    for (size_t i = 0; i <= options->password_count; i++) {
        const char *pw = i < options->password_count ? options->passwords[i].password
                                                     : options->password;
        if (!pw)
            continue;
        int r = opens(za, pw);
        if (r == 1) {
            chosen = pw;
            break;
        }
        if (r == -1)
            break; /* nothing encrypted: any password will do */
    }
    zip_discard(za);
    return chosen;
}
