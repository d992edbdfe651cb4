/* The station file: who sends the submission.  The agency asks that the
 * email name a contact person, phone and mailing address, so a missing file
 * or field is a warning and leaves a visible placeholder in the letter. */
#include "core/base.h"
#include "core/escape.h"
#include "core/files.h"
#include "core/ini_text.h"
#include "core/findings.h"
#include "bundle/bundle.h"
#include "pack_internal.h"
#include "core/messages.h"
#include "core/os_text.h"

#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

/* The keys are bundle.json's (gpi_station_key); these are for people. */
static const struct {
    const char *label, *placeholder;
} fields[GPI_STATION_FIELD_COUNT] = {
    [GPI_STATION_NAME] = {"函授站名称", "【请填写函授站名称】"},
    [GPI_STATION_CONTACT] = {"联系人", "【请填写联系人】"},
    [GPI_STATION_PHONE] = {"联系电话", "【请填写联系电话】"},
    [GPI_STATION_ADDRESS] = {"邮寄地址", "【请填写邮寄地址】"},
    [GPI_STATION_EMAIL] = {"电子邮箱", "【请填写电子邮箱】"},
};

/* "【请填写联系人】": visible in the letter until the clerk fills it in */
static const char *placeholder(gpi_station_field field)
{
    return (unsigned)field < GPI_STATION_FIELD_COUNT ? fields[field].placeholder : "";
}

const char *gpi_station_value_or_placeholder(const gpi_station *station, gpi_station_field field)
{
    const char *v = station && station->present ? station->value[field] : NULL;
    return v && *v ? v : placeholder(field);
}


typedef struct parse_state {
    gpi_station *station;
    gp_report *report;
    const char *label;
    bool not_utf8;
    bool nomem;
    /* a value with a control or invisible character (it would reach
     * bundle.json and the letter, where verify refuses it): its label and
     * the value escaped */
    const char *hidden_label;
    gpi_buf hidden_value;
    char last_section[64]; /* an unknown section is reported once */
} parse_state;

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    parse_state *st = user;
    if (strcmp(section, "station") != 0) {
        if (strcmp(st->last_section, section) != 0) {
            snprintf(st->last_section, sizeof st->last_section, "%s", section);
            if (!gpi_report_add(st->report, GP_PACK_STATION_UNKNOWN,
                               &(gpi_where){.file = st->label}, section, "[station]",
                               "%s 中的 [%s] 不认识，其中的设置没有使用（应写在 [station] 下）",
                               st->label, section))
                st->nomem = true;
        }
        return 1;
    }
    bool known = false;
    for (int f = 0; f < GPI_STATION_FIELD_COUNT; f++)
        known = known || strcmp(key, gpi_station_key((gpi_station_field)f)) == 0;
    if (!known && !gpi_report_add(st->report, GP_PACK_STATION_UNKNOWN,
                                 &(gpi_where){.file = st->label}, key,
                                 "name、contact、phone、address、email",
                                 "%s 的 [station] 中“%s”不认识，没有使用（可能是拼写错误）",
                                 st->label, key))
        st->nomem = true;
    for (int f = 0; f < GPI_STATION_FIELD_COUNT; f++) {
        if (strcmp(key, gpi_station_key((gpi_station_field)f)) != 0)
            continue;
        if (!gpi_utf8_valid(value, strlen(value))) {
            st->not_utf8 = true;
            return 0;
        }
        if (gpi_needs_escape(value, strlen(value))) {
            if (!st->hidden_label) { /* inih goes on after an error: name the first */
                st->hidden_label = fields[f].label;
                gpi_escape_terminal(&st->hidden_value, value, strlen(value));
            }
            return 0;
        }
        char *copy = strdup(value);
        if (!copy) {
            st->nomem = true;
            return 0;
        }
        gpi_trim(copy);
        free(st->station->value[f]);
        st->station->value[f] = copy;
    }
    return 1;
}

/* The file as UTF-8: as it is when valid UTF-8 (a BOM is dropped), else
 * converted from GB18030, which Notepad's "ANSI" is on a Chinese Windows.
 * malloc'd and NUL-terminated; NULL when neither (or on OOM, *nomem). */
static char *as_utf8(const unsigned char *data, size_t len, bool *converted, bool *nomem)
{
    *converted = false;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
        data += 3;
        len -= 3;
    }
    if (gpi_utf8_valid((const char *)data, len)) {
        char *copy = strndup((const char *)data, len);
        *nomem = copy == NULL;
        return copy;
    }
    gpi_os_text *conv = gpi_os_text_open("GB18030");
    if (!conv)
        return NULL;
    char *out = NULL;
    size_t bad = 0;
    gpi_os_text_status r = gpi_os_text_to_utf8(conv, (const char *)data, len, &out, &bad);
    gpi_os_text_close(conv);
    if (r != GPI_OS_TEXT_OK) {
        *nomem = r == GPI_OS_TEXT_NOMEM;
        return NULL;
    }
    *converted = true;
    return out;
}

#define GPI_STATION_MAX_BYTES (1u << 20) /* a station file is a few hundred bytes */

bool gpi_station_load(const char *path, gpi_station *station, gp_report *report, gp_error *err)
{
    memset(station, 0, sizeof *station);
    if (!path) {
        gpi_report_add(report, GP_PACK_STATION_MISSING, &(gpi_where){0}, NULL, "station.ini",
                      "没有提供函授站信息文件（--station），邮件正文中的联系人、电话和地址将是占位符");
        return true;
    }
    parse_state st = {.station = station, .report = report, .label = gpi_path_base(path)};
    unsigned char *raw = NULL;
    size_t raw_len = 0;
    /* opened without blocking: a FIFO given as --station is refused */
    if (!gpi_read_input("函授站信息文件", path, GPI_STATION_MAX_BYTES, &raw, &raw_len, err))
        return false;
    /* the bytes as read (the UTF-8 copy below would end at a NUL), then the
     * text inih gets (GB18030 grows by half in UTF-8) */
    if (!gpi_ini_text_check("函授站信息文件", path, (const char *)raw, raw_len, GP_ERR_OPEN, NULL,
                            err)) {
        free(raw);
        return false;
    }
    bool converted = false, nomem = false;
    char *text = as_utf8(raw, raw_len, &converted, &nomem);
    free(raw);
    if (!text && nomem)
        return gpi_error_nomem(err);
    if (text && !gpi_ini_text_check("函授站信息文件", path, text, strlen(text), GP_ERR_OPEN,
                                    NULL, err)) {
        free(text);
        return false;
    }
    int rc = text ? ini_parse_string(text, on_entry, &st) : 0;
    st.not_utf8 = text == NULL;
    free(text);
    if (st.nomem || rc == -2) {
        gpi_buf_free(&st.hidden_value);
        gpi_station_clear(station);
        return gpi_error_nomem(err);
    }
    if (rc != 0 || st.not_utf8) {
        if (st.not_utf8)
            gpi_error_set(err, GP_ERR_OPEN, 0,
                         "函授站信息文件 '%s' 既不是 UTF-8 也不是 GBK 编码：请用记事本打开，"
                         "“另存为”时编码选 UTF-8", path);
        else if (st.hidden_label)
            gpi_error_set(err, GP_ERR_OPEN, 0,
                         "函授站信息文件 '%s' 中的“%s”含有控制字符或看不见的字符"
                         "（零宽空格、改变文字方向等）：%s。请在记事本里重新输入这一项（不要粘贴）",
                         path, st.hidden_label,
                         st.hidden_value.data ? st.hidden_value.data : "");
        else
            gpi_error_set(err, GP_ERR_OPEN, 0, "函授站信息文件 '%s' 第 %d 行格式不对（应为 键 = 值）",
                         path, rc);
        gpi_buf_free(&st.hidden_value);
        gpi_station_clear(station);
        return false;
    }
    station->present = true;
    const char *label = gpi_path_base(path);
    for (int f = 0; f < GPI_STATION_FIELD_COUNT; f++) {
        if (!station->value[f] && !(station->value[f] = strdup(""))) {
            gpi_station_clear(station);
            return gpi_error_nomem(err);
        }
        if (!station->value[f][0])
            gpi_report_add(report, GP_PACK_STATION_FIELD,
                          &(gpi_where){.file = label, .field = fields[f].label}, "",
                          gpi_station_key((gpi_station_field)f),
                          "%s 的 [station] 中“%s”（%s）为空，邮件正文中将显示“%s”", label,
                          fields[f].label, gpi_station_key((gpi_station_field)f),
                          fields[f].placeholder);
    }
    return true;
}

void gpi_station_clear(gpi_station *station)
{
    if (!station)
        return;
    for (int f = 0; f < GPI_STATION_FIELD_COUNT; f++)
        free(station->value[f]);
    memset(station, 0, sizeof *station);
}
