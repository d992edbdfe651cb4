/* The office config: a small .ini (inih) the office keeps, e.g.
 *
 *   [office]
 *   profile = xinhua-shandong
 *
 * Only the office's own files choose the rules; bundle.json's "profile" is
 * compared with the choice (bundle.profile_mismatch), never obeyed. */
#include "office.h"
#include "core/base.h"
#include "core/error.h"
#include "core/files.h"
#include "core/ini_text.h"
#include "core/messages.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct office_config {
    char *profile;
    bool oom;
    bool unknown;
    char unknown_key[64];
} office_config;

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    office_config *c = user;
    if (!strcmp(section, "office") && !strcmp(name, "profile")) {
        free(c->profile);
        c->profile = strdup(value);
        c->oom = c->profile == NULL;
        return !c->oom;
    }
    c->unknown = true;
    snprintf(c->unknown_key, sizeof c->unknown_key, "[%s] %s", section, name);
    return 0;
}

/* Read path; false with err set when it cannot be read or is malformed.
 * True with nothing read when optional and the file is missing. */
static bool read_config(const char *path, bool optional, office_config *c, gp_error *err)
{
    unsigned char *text = NULL;
    size_t len = 0;
    gp_error read_err = {0};
    if (!gpi_read_input("单位配置文件", path, 1u << 20, &text, &len, &read_err)) {
        if (optional && read_err.sys_errno == ENOENT)
            return true;
        return gpi_error_propagate(err, &read_err);
    }
    if (!gpi_ini_text_check("单位配置文件", path, (const char *)text, len, GP_ERR_USAGE, NULL,
                            err)) {
        free(text);
        return false;
    }
    int line = ini_parse_string((const char *)text, on_entry, c);
    free(text);
    if (c->oom)
        return gpi_error_nomem(err);
    if (c->unknown)
        return gpi_error_set(err, GP_ERR_USAGE, 0,
                            "单位配置文件 '%s' 中有不认识的设置 %s（只认 [office] profile）",
                            path, c->unknown_key);
    if (line != 0)
        return gpi_error_set(err, GP_ERR_USAGE, 0, "单位配置文件 '%s' 第 %d 行格式不对", path,
                            line);
    return true;
}

char *gpi_office_profile(const gp_verify_options *options, gp_error *err)
{
    if (options && options->profile && options->profile[0]) {
        char *name = strdup(options->profile);
        if (!name)
            gpi_error_nomem(err);
        return name;
    }
    office_config c = {0};
    bool given = options && options->config && options->config[0];
    if (!read_config(given ? options->config : GPI_OFFICE_CONFIG, !given, &c, err)) {
        free(c.profile);
        return NULL;
    }
    if (c.profile && c.profile[0])
        return c.profile;
    free(c.profile);
    char *name = strdup(GP_DEFAULT_PROFILE);
    if (!name)
        gpi_error_nomem(err);
    return name;
}
