/* Reading bundle.json back (jansson).  The file comes from anyone, so every
 * member is type-checked; what is missing or malformed is a bundle.metadata
 * finding naming the key.  Cross-checks against the contents happen in
 * lib/verify, once the roster has been read. */
#include "bundle/bundle.h"
#include "core/base.h"
#include "core/escape.h"
#include "core/findings.h"
#include "roster/roster.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void gpi_bundle_meta_clear(gpi_bundle_meta *meta)
{
    if (!meta)
        return;
    free(meta->profile);
    free(meta->name);
    free(meta->bundle_id);
    free(meta->station_name);
    free(meta->school_code);
    free(meta->school_type);
    free(meta->school_name);
    memset(meta, 0, sizeof *meta);
    meta->rows = -1;
}

typedef struct meta_reader {
    json_t *root;
    const char *source;
    gp_report *report;
} meta_reader;

static void bad(meta_reader *r, const char *key, const char *actual, const char *expected)
{
    gpi_where w = {.source = r->source, .file = GPI_ENTRY_META, .field = key};
    gpi_report_add(r->report, GP_BUNDLE_METADATA, &w, actual, expected,
                  "bundle.json 中的 \"%s\" 缺失或不对（应为 %s）", key, expected);
}

/* Whether a text member is printable; reported when not.  pack never writes
 * a control character, line break, bidi override or non-character (its
 * names are Windows file names, its roster values pass roster.field.control),
 * and such a text shown in verify's and merge's messages could rewrite the
 * clerk's terminal or hide one name as another. */
static bool printable_member(meta_reader *r, const char *key, const char *value)
{
    if (!gpi_needs_escape(value, strlen(value)))
        return true;
    gpi_buf shown = {0};
    gpi_escape_terminal(&shown, value, strlen(value));
    bad(r, key, shown.data ? shown.data : "", "只含可见字符的文字");
    gpi_buf_free(&shown);
    return false;
}

/* A string member; "" (reported) when absent, not a string or not
 * printable. */
static char *member_string(meta_reader *r, json_t *obj, const char *key, const char *expected)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v)) {
        bad(r, key, v ? "类型不对" : "缺失", expected);
        return strdup("");
    }
    if (!printable_member(r, key, json_string_value(v)))
        return strdup("");
    return strdup(json_string_value(v));
}

static long long member_int(meta_reader *r, const char *key, long long lo, long long hi)
{
    json_t *v = json_object_get(r->root, key);
    char expected[64];
    snprintf(expected, sizeof expected, "%lld 到 %lld 的整数", lo, hi);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char actual[32] = "缺失";
        if (json_is_integer(v))
            snprintf(actual, sizeof actual, "%lld", (long long)json_integer_value(v));
        else if (v)
            snprintf(actual, sizeof actual, "类型不对");
        bad(r, key, actual, expected);
        return -1;
    }
    return json_integer_value(v);
}

/* A profile name is looked up in the data directory: only a plain name,
 * never a path, may come from an untrusted file. */
static bool plain_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
            return false;
    return true;
}

static void seq_member(meta_reader *r, const char *key, char out[5])
{
    json_t *v = json_object_get(r->root, key);
    if (json_is_string(v) && gpi_seq_valid(json_string_value(v))) {
        memcpy(out, json_string_value(v), 5);
        return;
    }
    bad(r, key, json_is_string(v) ? json_string_value(v) : v ? "类型不对" : "缺失",
        "0001–9999 的四位数字");
}

bool gpi_bundle_meta_parse(const char *data, size_t len, gpi_bundle_meta *meta,
                       const char *source, gp_report *report, gp_error *err)
{
    gpi_bundle_meta_clear(meta);
    json_error_t jerr;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
    gpi_where w = {.source = source, .file = GPI_ENTRY_META};
    if (!json_is_object(root)) {
        char where[64];
        snprintf(where, sizeof where, "第 %d 行", jerr.line);
        gpi_report_add(report, GP_BUNDLE_METADATA, &w, root ? "不是 JSON 对象" : jerr.text,
                      "JSON 对象", "bundle.json 无法读取（%s：%s）", root ? "顶层" : where,
                      root ? "不是 JSON 对象" : jerr.text);
        json_decref(root);
        return true;
    }
    meta->present = true;
    meta_reader r = {.root = root, .source = source, .report = report};
    json_t *format = json_object_get(root, "format");
    if (!json_is_string(format) || strcmp(json_string_value(format), GPI_BUNDLE_FORMAT) != 0)
        bad(&r, "format", json_is_string(format) ? json_string_value(format) : "缺失",
            GPI_BUNDLE_FORMAT);
    json_t *version = json_object_get(root, "format_version");
    if (!json_is_integer(version) || json_integer_value(version) != GPI_BUNDLE_FORMAT_VERSION)
        bad(&r, "format_version", json_is_integer(version) ? "其他版本" : "缺失", "1");
    meta->profile = member_string(&r, root, "profile", "规格名称");
    if (meta->profile && meta->profile[0] && !plain_name(meta->profile)) {
        bad(&r, "profile", meta->profile, "只含字母、数字、- 和 _ 的规格名称");
        meta->profile[0] = '\0';
    }
    meta->name = member_string(&r, root, "name", "提交名称");
    meta->bundle_id = member_string(&r, root, "bundle_id", "压缩包内的文件夹名");
    json_t *school = json_object_get(root, "school");
    meta->school_code = json_is_object(school)
                            ? member_string(&r, school, "school_code", "院校代码")
                            : strdup("");
    meta->school_type = json_is_object(school)
                            ? member_string(&r, school, "school_type", "所在校别")
                            : strdup("");
    meta->school_name = json_is_object(school)
                            ? member_string(&r, school, "school_name", "学校名称")
                            : strdup("");
    json_t *station = json_object_get(root, "station");
    json_t *station_name = json_is_object(station) ? json_object_get(station, "name") : NULL;
    if (station_name && !json_is_string(station_name))
        bad(&r, "station.name", "类型不对", "文字");
    const char *station_text = json_is_string(station_name) ? json_string_value(station_name) : "";
    meta->station_name =
        strdup(printable_member(&r, "station.name", station_text) ? station_text : "");
    if (station && !json_is_object(station) && !json_is_null(station))
        bad(&r, "station", "类型不对", "对象或 null");
    json_t *sources = json_object_get(root, "sources");
    meta->merged = json_is_array(sources) && json_array_size(sources) > 0;
    long long part = member_int(&r, "part", 1, 999);
    long long parts = member_int(&r, "parts", 1, 999);
    meta->part = part > 0 ? (int)part : 0;
    meta->parts = parts > 0 ? (int)parts : 0;
    if (meta->part && meta->parts && meta->part > meta->parts) {
        char actual[32];
        snprintf(actual, sizeof actual, "%d/%d", meta->part, meta->parts);
        bad(&r, "part", actual, "不大于 parts");
    }
    /* binds the parts of one submission (docs/bundle-format.md); a bundle
     * of one part may leave it out */
    json_t *submission = json_object_get(root, "submission");
    const char *sub = json_is_string(submission) ? json_string_value(submission) : NULL;
    if (sub && strlen(sub) == 64 && strspn(sub, "0123456789abcdef") == 64)
        memcpy(meta->submission, sub, 65);
    else if (submission || meta->parts > 1)
        bad(&r, "submission", sub ? sub : submission ? "类型不对" : "缺失",
            "64 位小写十六进制（花名册的 SHA-256）");
    meta->rows = member_int(&r, "rows", 0, GPI_MAX_ROWS);
    if (meta->rows > 0) {
        seq_member(&r, "seq_first", meta->seq_first);
        seq_member(&r, "seq_last", meta->seq_last);
    }
    json_decref(root);
    if (!meta->profile || !meta->name || !meta->bundle_id || !meta->station_name ||
        !meta->school_code || !meta->school_type || !meta->school_name)
        return gpi_error_nomem(err);
    return true;
}
