/* Profiles: what one agency accepts, read from templates/profiles/NAME.ini
 * (inih) and the roster-fields file it names.  Data, not code: a new agency
 * is a new file. */
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/ini_text.h"
#include "core/profile.h"
#include "core/messages.h"
#include "os.h"
#include "photo/content.h"

#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifndef GPI_INSTALLED_DATADIR
#define GPI_INSTALLED_DATADIR "/usr/local/share/gradpack"
#endif
#ifndef GPI_SOURCE_DATADIR
#define GPI_SOURCE_DATADIR "templates"
#endif

/* A file that is there (links followed) and regular. */
static bool readable(const char *path)
{
    gpi_os_stat st;
    return gpi_os_stat_path(path, true, &st) == 0 && st.type == GPI_OS_REGULAR;
}

/* Whether folder holds the templates (its roster-fields.ini is there). */
static bool holds_templates(const char *folder)
{
    char *probe = gpi_path_join(folder, "roster-fields.ini");
    bool found = probe && readable(probe);
    free(probe);
    return found;
}

/* "templates" beside the running executable, when it holds the templates:
 * the Windows zip's layout (gradpack.exe, templates/), wherever the clerk
 * unpacked it.  Looked up once; NULL when there is none. */
static char *beside_exe;
static pthread_once_t beside_exe_once = PTHREAD_ONCE_INIT;

static void find_beside_exe(void)
{
    if (!gpi_os_data_beside_exe())
        return;
    char *exe = gpi_os_exe_path();
    char *slash = exe ? strrchr(exe, '/') : NULL;
    if (slash) {
        slash[1] = '\0';
        char *dir = gpi_path_join(exe, "templates");
        if (dir && holds_templates(dir))
            beside_exe = dir;
        else
            free(dir);
    }
    free(exe);
}

const char *gp_datadir(void)
{
    const char *env = getenv("GRADPACK_DATADIR");
    if (env && *env)
        return env;
    pthread_once(&beside_exe_once, find_beside_exe);
    if (beside_exe)
        return beside_exe;
    static const char *const candidates[] = {GPI_INSTALLED_DATADIR, GPI_SOURCE_DATADIR};
    for (size_t i = 0; i < GPI_ARRAY_LEN(candidates); i++)
        if (holds_templates(candidates[i]))
            return candidates[i];
    return GPI_SOURCE_DATADIR;
}

static void list_free(gpi_string_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    *list = (gpi_string_list){0};
}

void gp_profile_free(gp_profile *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->title);
    free(p->path);
    free(p->agency);
    free(p->cover_letter);
    free(p->school_type);
    free(p->school_code);
    free(p->school_name);
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        list_free(&p->header_aliases[f]);
    list_free(&p->levels);
    list_free(&p->sexes);
    for (size_t i = 0; i < p->level_map_count; i++) {
        free(p->level_map[i].from);
        free(p->level_map[i].to);
    }
    free(p->level_map);
    gpi_content_profile_free(p->content);
    free(p);
}

const char *gp_profile_name(const gp_profile *profile)
{
    return profile ? profile->name : NULL;
}

void gpi_profile_size_window(const gp_profile *p, char *buf, size_t size)
{
    snprintf(buf, size, "%" PRIu64 "–%" PRIu64, p->min_bytes, p->max_bytes);
}

/* Parsing state: the first problem is kept with its line. */
typedef struct parse_state {
    gp_profile *profile;
    char *fields_file;
    char problem[256];
} parse_state;

static void note_problem(parse_state *st, const char *fmt, const char *a, const char *b)
{
    if (!st->problem[0])
        snprintf(st->problem, sizeof st->problem, fmt, a, b);
}

static bool parse_uint(const char *value, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (errno || end == value || *end || v > max || value[0] == '-')
        return false;
    *out = v;
    return true;
}

static bool parse_bool(const char *value, bool *out)
{
    if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
        return *out = true, true;
    if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
        return *out = false, true;
    return false;
}

/* Split "a, b, c" into a list (appending). */
static bool split_list(const char *value, gpi_string_list *list)
{
    char *copy = strdup(value);
    if (!copy)
        return false;
    bool ok = true;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); ok && tok;
         tok = strtok_r(NULL, ",", &save)) {
        gpi_trim(tok);
        if (!*tok)
            continue;
        char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
        char *item = strdup(tok);
        if (!grown || !item) {
            free(item);
            if (grown)
                list->items = grown;
            ok = false;
            break;
        }
        list->items = grown;
        list->items[list->count++] = item;
    }
    free(copy);
    return ok;
}

/* "高起专 -> 成人专科, 专升本 -> 成人本科" */
static bool parse_level_map(parse_state *st, const char *value)
{
    gpi_string_list pairs = {0};
    if (!split_list(value, &pairs)) {
        list_free(&pairs); /* what was split before the failure */
        return false;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < pairs.count; i++) {
        char *arrow = strstr(pairs.items[i], "->");
        if (!arrow) {
            note_problem(st, "学历层次映射 '%s' 应写成 '原值 -> 新值'%s", pairs.items[i], "");
            ok = false;
            break;
        }
        *arrow = '\0';
        gpi_level_mapping *grown = realloc(st->profile->level_map,
                                          (st->profile->level_map_count + 1) * sizeof *grown);
        if (!grown) {
            ok = false;
            break;
        }
        st->profile->level_map = grown;
        gpi_level_mapping *m = &grown[st->profile->level_map_count++];
        m->from = strdup(gpi_trim(pairs.items[i]));
        m->to = strdup(gpi_trim(arrow + 2));
        ok = m->from && m->to;
    }
    list_free(&pairs);
    return ok;
}

static bool set_string(char **slot, const char *value)
{
    free(*slot);
    *slot = strdup(value);
    return *slot != NULL;
}

static int on_profile_entry(void *user, const char *section, const char *name, const char *value)
{
    parse_state *st = user;
    gp_profile *p = st->profile;
    uint64_t v;
    bool ok = true;
    if (!strcmp(section, "profile")) {
        if (!strcmp(name, "title"))
            ok = set_string(&p->title, value);
        else if (!strcmp(name, "agency"))
            ok = set_string(&p->agency, value);
        else if (!strcmp(name, "cover_letter"))
            ok = set_string(&p->cover_letter, value);
        else
            note_problem(st, "未知设置 [profile] %s%s", name, "");
    } else if (!strcmp(section, "mail")) {
        if (!strcmp(name, "attachment_limit") &&
            (!strcmp(value, "0") || !strcmp(value, "none")))
            p->mail_attachment_limit = 0;
        else if (!strcmp(name, "attachment_limit") &&
                 gp_parse_size(value, &p->mail_attachment_limit) && p->mail_attachment_limit)
            ;
        else
            note_problem(st, "[mail] 的设置 %s 无效：%s", name, value);
    } else if (!strcmp(section, "photo")) {
        if (!strcmp(name, "width") && parse_uint(value, 65535, &v))
            p->width = (int)v;
        else if (!strcmp(name, "height") && parse_uint(value, 65535, &v))
            p->height = (int)v;
        else if (!strcmp(name, "min_bytes") && parse_uint(value, UINT32_MAX, &v))
            p->min_bytes = v;
        else if (!strcmp(name, "max_bytes") && parse_uint(value, UINT32_MAX, &v))
            p->max_bytes = v;
        else if (!strcmp(name, "dpi") && parse_uint(value, 10000, &v))
            p->dpi = (int)v;
        else if (!strcmp(name, "components") && parse_uint(value, 4, &v))
            p->components = (int)v;
        else if (!strcmp(name, "bits") && parse_uint(value, 16, &v))
            p->bits = (int)v;
        else if (!strcmp(name, "allow_srgb_icc") && parse_bool(value, &p->allow_srgb_icc))
            ;
        else
            note_problem(st, "[photo] %s = %s 无法识别", name, value);
    } else if (!strcmp(section, "school")) {
        if (!strcmp(name, "school_type"))
            ok = set_string(&p->school_type, value);
        else if (!strcmp(name, "school_code"))
            ok = set_string(&p->school_code, value);
        else if (!strcmp(name, "school_name"))
            ok = set_string(&p->school_name, value);
        else
            note_problem(st, "未知设置 [school] %s%s", name, "");
    } else if (!strcmp(section, "roster")) {
        if (!strcmp(name, "fields"))
            ok = set_string(&st->fields_file, value);
        else
            note_problem(st, "未知设置 [roster] %s%s", name, "");
    } else if (!strcmp(section, "content") || !strcmp(section, "severity")) {
        /* the content rules' settings (lib/photo/content.c) */
        if (!p->content) {
            p->content = malloc(sizeof *p->content);
            if (!p->content)
                return 0;
            gpi_content_profile_defaults(p->content);
        }
        char problem[200];
        int taken = gpi_content_profile_set(p->content, section, name, value, problem,
                                           sizeof problem);
        if (taken < 0)
            return 0;
        if (!taken)
            note_problem(st, "%s%s", problem, "");
    } else {
        note_problem(st, "未知的节 [%s]%s", section, "");
    }
    return ok; /* 0 stops inih: only on OOM */
}

static int on_fields_entry(void *user, const char *section, const char *name, const char *value)
{
    parse_state *st = user;
    gp_profile *p = st->profile;
    if (!strcmp(section, "headers")) {
        for (int f = 0; f < GPI_FIELD_COUNT; f++)
            if (!strcmp(name, gpi_field_key((gpi_field)f)))
                return split_list(value, &p->header_aliases[f]);
        note_problem(st, "[headers] 中未知的字段 %s%s", name, "");
    } else if (!strcmp(section, "level")) {
        if (!strcmp(name, "values"))
            return split_list(value, &p->levels);
        if (!strcmp(name, "map"))
            return parse_level_map(st, value);
        note_problem(st, "未知设置 [level] %s%s", name, "");
    } else if (!strcmp(section, "sex")) {
        if (!strcmp(name, "values"))
            return split_list(value, &p->sexes);
        note_problem(st, "未知设置 [sex] %s%s", name, "");
    } else {
        note_problem(st, "未知的节 [%s]%s", section, "");
    }
    return 1;
}

static bool load_ini(const char *path, ini_handler handler, parse_state *st, gp_error *err)
{
    unsigned char *text = NULL;
    size_t len = 0;
    if (!gpi_read_input("规格文件", path, 1u << 20, &text, &len, err))
        return false;
    if (!gpi_ini_text_check("规格文件", path, (const char *)text, len, GP_ERR_USAGE,
                            "。很长的列表可以分几行写：接续的行以空格开头，写其余的值（用逗号分隔）",
                            err)) {
        free(text);
        return false;
    }
    int line = ini_parse_string((const char *)text, handler, st);
    free(text);
    if (line < 0)
        return gpi_error_nomem(err);
    if (line > 0 && !st->problem[0])
        snprintf(st->problem, sizeof st->problem, "第 %d 行无法识别", line);
    if (st->problem[0])
        return gpi_error_set(err, GP_ERR_USAGE, 0, "规格文件 '%s' 有误：%s", path, st->problem);
    return true;
}

static bool is_path(const char *name)
{
    size_t n = strlen(name);
    return strchr(name, '/') || (n > 4 && !strcmp(name + n - 4, ".ini"));
}

static char *profile_name_from_path(const char *path)
{
    const char *base = gpi_path_base(path);
    size_t n = strlen(base);
    if (n > 4 && !strcmp(base + n - 4, ".ini"))
        n -= 4;
    return strndup(base, n);
}

static bool validate(const gp_profile *p, gp_error *err)
{
    const char *missing = !p->width ? "[photo] width" : !p->height ? "[photo] height"
                          : !p->max_bytes ? "[photo] max_bytes" : !p->dpi ? "[photo] dpi"
                          : !p->components ? "[photo] components" : !p->bits ? "[photo] bits"
                          : !p->levels.count ? "[level] values" : !p->sexes.count ? "[sex] values"
                          : NULL;
    for (int f = 0; !missing && f < GPI_FIELD_COUNT; f++)
        if (!p->header_aliases[f].count)
            missing = "[headers]";
    if (missing)
        return gpi_error_set(err, GP_ERR_USAGE, 0, "规格 '%s' 缺少设置 %s", p->name, missing);
    if (p->min_bytes > p->max_bytes)
        return gpi_error_set(err, GP_ERR_USAGE, 0, "规格 '%s'：min_bytes 大于 max_bytes", p->name);
    return true;
}

/* "generic、xinhua-shandong": the profiles in the data directory, sorted;
 * malloc'd ("" when none), NULL on OOM. */
static char *available_profiles(void)
{
    char *folder = gpi_path_join(gp_datadir(), "profiles");
    int d = folder ? gpi_os_dir_open(folder, true) : -1;
    free(folder);
    char **all = NULL;
    size_t count = 0;
    bool truncated = false;
    if (d >= 0 && gpi_os_dir_list(d, 1024, &all, &count, &truncated) != 0)
        all = NULL, count = 0;
    if (d >= 0)
        gpi_os_close(d);
    gpi_buf out = {0};
    gpi_buf_puts(&out, "");
    size_t shown = 0;
    for (size_t i = 0; i < count; i++) {
        const char *name = all[i];
        size_t len = strlen(name);
        if (name[0] != '.' && len > 4 && !strcmp(name + len - 4, ".ini"))
            gpi_buf_printf(&out, "%s%.*s", shown++ ? "、" : "", (int)(len - 4), name);
    }
    gpi_os_names_free(all, count);
    return gpi_buf_take(&out);
}

gp_profile *gp_profile_load(const char *name_or_path, gp_error *err)
{
    if (!name_or_path || !*name_or_path)
        name_or_path = GP_DEFAULT_PROFILE;
    gp_profile *p = calloc(1, sizeof *p);
    if (!p) {
        gpi_error_nomem(err);
        return NULL;
    }
    /* QQ Mail and 企业微信 refuse attachments over 50 MB; base64 makes a
     * file 4/3 larger in the mail, so 35 MB of zip is 46.7 MB on the wire */
    p->mail_attachment_limit = GPI_DEFAULT_MAIL_ATTACHMENT_LIMIT;
    parse_state st = {.profile = p};
    char *dir = NULL;
    if (is_path(name_or_path)) {
        p->path = strdup(name_or_path);
        const char *base = gpi_path_base(name_or_path);
        dir = strndup(name_or_path, (size_t)(base - name_or_path));
    } else {
        char *file = gpi_asprintf("profiles/%s.ini", name_or_path);
        p->path = file ? gpi_path_join(gp_datadir(), file) : NULL;
        free(file);
        dir = strdup(gp_datadir());
    }
    p->name = p->path ? profile_name_from_path(p->path) : NULL;
    if (!p->path || !p->name || !dir) {
        gpi_error_nomem(err);
        goto fail;
    }
    if (!is_path(name_or_path) && !readable(p->path)) {
        char *known = available_profiles();
        gpi_error_set(err, GP_ERR_USAGE, ENOENT, "没有名为 '%s' 的规格。可用的规格：%s（在 %s）",
                     name_or_path, known && *known ? known : "（没有找到任何规格文件）", dir);
        free(known);
        goto fail;
    }
    if (!load_ini(p->path, on_profile_entry, &st, err))
        goto fail;
    /* the fields file is looked up beside the data directory, or the
     * profile's own folder for a profile given by path */
    const char *fields = st.fields_file ? st.fields_file : "roster-fields.ini";
    char *fields_path = NULL;
    if (fields[0] == '/')
        fields_path = strdup(fields);
    else {
        char *beside = gpi_path_join(*dir ? dir : ".", fields);
        if (beside && readable(beside))
            fields_path = beside;
        else {
            free(beside);
            fields_path = gpi_path_join(gp_datadir(), fields);
        }
    }
    if (!fields_path) {
        gpi_error_nomem(err);
        goto fail;
    }
    bool loaded = load_ini(fields_path, on_fields_entry, &st, err);
    free(fields_path);
    if (!loaded || !validate(p, err))
        goto fail;
    if (!p->title && !(p->title = strdup(p->name))) {
        gpi_error_nomem(err);
        goto fail;
    }
    if (!p->agency && !(p->agency = strdup("收件单位"))) {
        gpi_error_nomem(err);
        goto fail;
    }
    {
        /* the cover letter template: beside the profile, else in the data
         * directory (as the fields file) */
        const char *letter = p->cover_letter ? p->cover_letter : "cover-letter.txt";
        char *letter_path = NULL;
        if (letter[0] == '/')
            letter_path = strdup(letter);
        else {
            char *beside = gpi_path_join(*dir ? dir : ".", letter);
            if (beside && readable(beside))
                letter_path = beside;
            else {
                free(beside);
                letter_path = gpi_path_join(gp_datadir(), letter);
            }
        }
        if (!letter_path) {
            gpi_error_nomem(err);
            goto fail;
        }
        free(p->cover_letter);
        p->cover_letter = letter_path;
    }
    free(st.fields_file);
    free(dir);
    return p;
fail:
    free(st.fields_file);
    free(dir);
    gp_profile_free(p);
    return NULL;
}
