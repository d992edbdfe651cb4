/* The station file: who sends the submission.  The agency asks that the
 * email name a contact person, phone and mailing address, so a missing file
 * or field is a warning and leaves a visible placeholder in the letter. */
#include "gp_internal.h"
#include "core/files.h"

#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *key, *label, *placeholder;
} fields[GP_STATION_FIELD_COUNT] = {
    [GP_STATION_NAME] = {"name", "函授站名称", "【请填写函授站名称】"},
    [GP_STATION_CONTACT] = {"contact", "联系人", "【请填写联系人】"},
    [GP_STATION_PHONE] = {"phone", "联系电话", "【请填写联系电话】"},
    [GP_STATION_ADDRESS] = {"address", "邮寄地址", "【请填写邮寄地址】"},
    [GP_STATION_EMAIL] = {"email", "电子邮箱", "【请填写电子邮箱】"},
};

const char *gp_station_key(gp_station_field field)
{
    return (unsigned)field < GP_STATION_FIELD_COUNT ? fields[field].key : "";
}

/* "【请填写联系人】": visible in the letter until the clerk fills it in */
static const char *placeholder(gp_station_field field)
{
    return (unsigned)field < GP_STATION_FIELD_COUNT ? fields[field].placeholder : "";
}

const char *gp_station_value_or_placeholder(const gp_station *station, gp_station_field field)
{
    const char *v = station && station->present ? station->value[field] : NULL;
    return v && *v ? v : placeholder(field);
}

typedef struct parse_state {
    gp_station *station;
    bool not_utf8;
    bool nomem;
} parse_state;

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    parse_state *st = user;
    if (strcmp(section, "station") != 0)
        return 1;
    for (int f = 0; f < GP_STATION_FIELD_COUNT; f++) {
        if (strcmp(key, fields[f].key) != 0)
            continue;
        if (!gp_utf8_valid(value, strlen(value))) {
            st->not_utf8 = true;
            return 0;
        }
        char *copy = strdup(value);
        if (!copy) {
            st->nomem = true;
            return 0;
        }
        gp_trim(copy);
        free(st->station->value[f]);
        st->station->value[f] = copy;
    }
    return 1; /* unknown keys are ignored: the template may grow */
}

#define GP_STATION_MAX_BYTES (1u << 20) /* a station file is a few hundred bytes */

bool gp_station_load(const char *path, gp_station *station, gp_report *report, gp_error *err)
{
    memset(station, 0, sizeof *station);
    if (!path) {
        gp_report_add(report, GP_PACK_STATION_MISSING, &(gp_where){0}, NULL, "station.ini",
                      "没有提供函授站信息文件（--station），邮件正文中的联系人、电话和地址将是占位符");
        return true;
    }
    parse_state st = {.station = station};
    unsigned char *text = NULL;
    size_t len = 0;
    /* opened without blocking: a FIFO given as --station is refused */
    if (!gp_read_input("函授站信息文件", path, GP_STATION_MAX_BYTES, &text, &len, err))
        return false;
    int rc = ini_parse_string((const char *)text, on_entry, &st);
    free(text);
    if (st.nomem || rc == -2) {
        gp_station_clear(station);
        return gp_error_nomem(err);
    }
    if (rc != 0 || st.not_utf8) {
        if (st.not_utf8)
            gp_error_set(err, GP_ERR_OPEN, 0,
                         "函授站信息文件 '%s' 不是 UTF-8 编码：请用记事本“另存为”，编码选 UTF-8", path);
        else
            gp_error_set(err, GP_ERR_OPEN, 0, "函授站信息文件 '%s' 第 %d 行格式不对（应为 键 = 值）",
                         path, rc);
        gp_station_clear(station);
        return false;
    }
    station->present = true;
    const char *label = gp_path_base(path);
    for (int f = 0; f < GP_STATION_FIELD_COUNT; f++) {
        if (!station->value[f] && !(station->value[f] = strdup(""))) {
            gp_station_clear(station);
            return gp_error_nomem(err);
        }
        if (!station->value[f][0])
            gp_report_add(report, GP_PACK_STATION_FIELD,
                          &(gp_where){.file = label, .field = fields[f].label}, "",
                          fields[f].key,
                          "%s 的 [station] 中“%s”（%s）为空，邮件正文中将显示“%s”", label,
                          fields[f].label, fields[f].key, fields[f].placeholder);
    }
    return true;
}

void gp_station_clear(gp_station *station)
{
    if (!station)
        return;
    for (int f = 0; f < GP_STATION_FIELD_COUNT; f++)
        free(station->value[f]);
    memset(station, 0, sizeof *station);
}
