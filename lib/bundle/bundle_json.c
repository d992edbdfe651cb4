/* bundle.json written: what a bundle holds, for verify, merge and any other
 * reader (bundle_meta.c reads it back).
 * jansson keeps the keys in insertion order (JSON_PRESERVE_ORDER is the
 * default since 2.8), so the text is reproducible.  No timestamps and no
 * absolute paths: two runs give the same bytes. */
#include "core/base.h"
#include "bundle/bundle.h"
#include "core/fields.h"
#include "core/profile.h"
#include "roster/roster.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const station_keys[GPI_STATION_FIELD_COUNT] = {
    [GPI_STATION_NAME] = "name",       [GPI_STATION_CONTACT] = "contact",
    [GPI_STATION_PHONE] = "phone",     [GPI_STATION_ADDRESS] = "address",
    [GPI_STATION_EMAIL] = "email",
};

const char *gpi_station_key(gpi_station_field field)
{
    return (unsigned)field < GPI_STATION_FIELD_COUNT ? station_keys[field] : "";
}

gpi_school gpi_school_of(const gp_profile *profile, const gpi_student *first)
{
    return (gpi_school){
        .type = profile->school_type ? profile->school_type : first->value[GPI_FIELD_SCHOOL_TYPE],
        .code = profile->school_code ? profile->school_code : first->value[GPI_FIELD_SCHOOL_CODE],
        .name = profile->school_name ? profile->school_name : first->value[GPI_FIELD_SCHOOL_NAME],
    };
}

static json_t *str_or_empty(const char *s)
{
    return json_string(s ? s : "");
}

static json_t *station_object(const gpi_station *station)
{
    if (!station || !station->present)
        return json_null();
    json_t *obj = json_object();
    for (int f = 0; f < GPI_STATION_FIELD_COUNT; f++)
        json_object_set_new(obj, gpi_station_key((gpi_station_field)f),
                            str_or_empty(station->value[f]));
    return obj;
}

char *gpi_bundle_json(const gpi_bundle_info *info, gp_error *err)
{
    json_t *root = json_object();
    json_t *school = json_object();
    if (!root || !school) {
        json_decref(root);
        json_decref(school);
        gpi_error_nomem(err);
        return NULL;
    }
    char generator[64];
    snprintf(generator, sizeof generator, "gradpack %s", gp_version());
    json_object_set_new(root, "format", json_string(GPI_BUNDLE_FORMAT));
    json_object_set_new(root, "format_version", json_integer(GPI_BUNDLE_FORMAT_VERSION));
    json_object_set_new(root, "generator", json_string(generator));
    json_object_set_new(root, "profile", str_or_empty(info->profile));
    json_object_set_new(root, "name", str_or_empty(info->name));
    json_object_set_new(root, "bundle_id", str_or_empty(info->bundle_id));
    json_object_set_new(school, "school_type", str_or_empty(info->school.type));
    json_object_set_new(school, "school_code", str_or_empty(info->school.code));
    json_object_set_new(school, "school_name", str_or_empty(info->school.name));
    json_object_set_new(root, "school", school);
    json_object_set_new(root, "station", station_object(info->station));
    json_object_set_new(root, "part", json_integer(info->part));
    json_object_set_new(root, "parts", json_integer(info->parts));
    json_object_set_new(root, "submission", str_or_empty(info->submission));
    json_object_set_new(root, "rows", json_integer((json_int_t)info->rows));
    json_object_set_new(root, "seq_first", str_or_empty(info->seq_first));
    json_object_set_new(root, "seq_last", str_or_empty(info->seq_last));
    if (info->sources) {
        json_t *sources = json_array();
        for (size_t i = 0; i < info->source_count; i++) {
            json_t *s = json_object();
            json_object_set_new(s, "bundle", str_or_empty(info->sources[i].bundle));
            json_object_set_new(s, "sha256", str_or_empty(info->sources[i].sha256));
            json_object_set_new(s, "name", str_or_empty(info->sources[i].name));
            json_array_append_new(sources, s);
        }
        json_object_set_new(root, "sources", sources);
    }
    /* json_dumps leaves out the trailing newline; the format has one */
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    char *out = text ? gpi_asprintf("%s\n", text) : NULL;
    free(text);
    if (!out)
        gpi_error_nomem(err);
    return out;
}
