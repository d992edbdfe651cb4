/* gradpack pack: check, then write the workbook, the bundle zip(s) and the
 * cover letter.  Orchestration only; each piece has its own file.
 *
 * Order of work: check everything (one read of each photo, hashed and
 * inspected), stop with the report on any error; plan the parts; make sure
 * no output exists (unless --force) before writing any; write every output
 * to a registered temporary file; commit them all only when all are
 * complete.  Photos are read a second time while the zip is written (from
 * the page cache) and must still have the SHA-256 check computed. */
#include "pack_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LETTER_SUFFIX "-邮件正文.txt"
#define MAX_TEMPLATE_BYTES (1u << 20)

typedef struct part_output {
    char *file;       /* NAME.zip or NAME-part1-of-3.zip */
    gp_atomic *zip;
    uint64_t bytes;
    char sha256[65];
} part_output;

typedef struct pack_run {
    gp_pack_options *opt;
    gp_check_state state;
    gp_report *report;
    gp_station station;
    const char *password;

    /* rows in photo-number order, and their photos */
    const gp_student **rows;
    const gp_photo_file **photos;
    const gp_photo_result **results;
    size_t count;
    const char *school_type, *school_code, *school_name;

    char *name, *bundle_id;
    gp_part_range *ranges;
    size_t part_count;
    part_output *parts;
    char *workbook_file, *letter_file;
    gp_atomic *workbook, *letter;
    uint64_t workbook_bytes, letter_bytes;
    char workbook_sha256[65], letter_sha256[65];
} pack_run;

static void run_free(pack_run *run)
{
    for (size_t i = 0; run->parts && i < run->part_count; i++) {
        gp_atomic_abort(run->parts[i].zip);
        free(run->parts[i].file);
    }
    free(run->parts);
    gp_atomic_abort(run->workbook);
    gp_atomic_abort(run->letter);
    free(run->workbook_file);
    free(run->letter_file);
    free(run->ranges);
    free(run->name);
    free(run->bundle_id);
    free(run->rows);
    free(run->photos);
    free(run->results);
    gp_station_clear(&run->station);
    gp_check_state_clear(&run->state);
}

/* The pack report: check's findings and summary under the command "pack". */
static gp_report *report_from_check(gp_report *checked)
{
    gp_report *report = gp_report_new("pack");
    if (!report)
        return NULL;
    gp_report_set_profile(report, gp_report_profile(checked));
    long long v;
    const char *s;
    if (!gp_report_absorb(report, checked, NULL) ||
        (gp_report_get_int(checked, "rows", &v) && !gp_report_set_int(report, "rows", v)) ||
        (gp_report_get_int(checked, "photos", &v) && !gp_report_set_int(report, "photos", v)) ||
        ((s = gp_report_get_str(checked, "encoding")) && !gp_report_set_str(report, "encoding", s))) {
        gp_report_free(report);
        return NULL;
    }
    return report;
}

static int by_seq(const void *a, const void *b)
{
    const gp_student *const *x = a, *const *y = b;
    return strcmp((*x)->seq, (*y)->seq);
}

/* Rows sorted by photo number, each with its photo.  check passed, so every
 * row has exactly one photo and every photo a row. */
static bool collect_rows(pack_run *run, gp_error *err)
{
    const gp_roster *roster = run->state.roster;
    const gp_photo_dir *dir = run->state.photos;
    size_t n = roster->count;
    if (n == 0 || dir->count != n)
        return gp_error_set(err, GP_ERR_INTERNAL, 0, "检查通过但花名册与照片数量不一致（%zu/%zu）",
                            n, dir->count);
    run->rows = calloc(n, sizeof *run->rows);
    run->photos = calloc(n, sizeof *run->photos);
    run->results = calloc(n, sizeof *run->results);
    if (!run->rows || !run->photos || !run->results)
        return gp_error_nomem(err);
    for (size_t i = 0; i < n; i++)
        run->rows[i] = &roster->students[i];
    qsort(run->rows, n, sizeof *run->rows, by_seq);
    for (size_t i = 0; i < n; i++) {
        /* photo files are sorted by number too */
        if (strcmp(dir->files[i].seq, run->rows[i]->seq) != 0 || !run->state.results[i].read_ok)
            return gp_error_set(err, GP_ERR_INTERNAL, 0, "检查通过但拍摄序号 %s 没有对应的照片",
                                run->rows[i]->seq);
        run->photos[i] = &dir->files[i];
        run->results[i] = &run->state.results[i];
    }
    run->count = n;
    const gp_profile *p = run->state.profile;
    const gp_student *first = run->rows[0];
    run->school_type = p->school_type ? p->school_type : first->value[GP_FIELD_SCHOOL_TYPE];
    run->school_code = p->school_code ? p->school_code : first->value[GP_FIELD_SCHOOL_CODE];
    run->school_name = p->school_name ? p->school_name : first->value[GP_FIELD_SCHOOL_NAME];
    return true;
}

static bool choose_name(pack_run *run, gp_error *err)
{
    const char *given = run->opt->name;
    if (given) {
        run->name = gp_safe_file_name(given);
        if (run->name && strcmp(run->name, given) != 0)
            return gp_error_set(err, GP_ERR_USAGE, 0,
                                "--name '%s' 不能用作 Windows 文件名（不能含 \\ / : * ? \" < > | "
                                "和控制字符，不能以点或空格结尾，不能是 CON、PRN、AUX、NUL、COM1 等），"
                                "可以改用 '%s'",
                                given, run->name);
    } else {
        const char *station = run->station.present ? run->station.value[GP_STATION_NAME] : NULL;
        run->name = gp_default_bundle_name(run->school_code, station, run->rows[0]->seq,
                                           run->rows[run->count - 1]->seq);
    }
    if (!run->name || !(run->bundle_id = gp_bundle_id_from_name(run->name)))
        return gp_error_nomem(err);
    return true;
}

static size_t text_bytes(const pack_run *run)
{
    size_t n = strlen(run->name) + strlen(run->bundle_id) + strlen(run->state.profile->name);
    const char *school[] = {run->school_type, run->school_code, run->school_name};
    for (size_t i = 0; i < GP_ARRAY_LEN(school); i++)
        n += school[i] ? strlen(school[i]) : 0;
    for (int f = 0; f < GP_STATION_FIELD_COUNT; f++)
        n += run->station.value[f] ? strlen(run->station.value[f]) : 0;
    return n;
}

static size_t row_value_bytes(const gp_student *row)
{
    size_t n = 0;
    for (int f = 0; f < GP_FIELD_COUNT; f++)
        n += row->value[f] ? strlen(row->value[f]) : 0;
    return n + sizeof row->seq;
}

/* Returns false with err set on failure; true with findings added when a
 * photo alone exceeds the part size. */
static bool plan_parts(pack_run *run, gp_error *err)
{
    uint64_t limit = run->opt->max_part_bytes;
    size_t id_len = strlen(run->bundle_id) + sizeof "-part9999-of-9999";
    uint64_t fixed = gp_part_fixed_cost(id_len, text_bytes(run));
    uint64_t *cost = malloc(run->count * sizeof *cost);
    if (!cost)
        return gp_error_nomem(err);
    for (size_t i = 0; i < run->count; i++)
        cost[i] = gp_part_row_cost(id_len, run->results[i]->size, row_value_bytes(run->rows[i]));
    bool planned = gp_plan_parts(cost, run->count, fixed, limit, &run->ranges, &run->part_count);
    if (!planned && run->part_count == SIZE_MAX) {
        free(cost);
        run->part_count = 0;
        return gp_error_nomem(err);
    }
    for (size_t i = 0; !planned && i < run->count; i++) {
        if (cost[i] <= limit && fixed <= limit - cost[i])
            continue;
        char actual[32], expected[48];
        snprintf(actual, sizeof actual, "%llu", (unsigned long long)run->results[i]->size);
        snprintf(expected, sizeof expected, "--max-part-size ≥ %llu",
                 (unsigned long long)(fixed + cost[i]));
        gp_report_add(run->report, GP_PACK_PHOTO_TOO_LARGE,
                      &(gp_where){.seq = run->rows[i]->seq, .row = run->rows[i]->row,
                                  .file = run->photos[i]->name},
                      actual, expected,
                      "照片 %s 有 %llu 字节，连同花名册等文件放不进 %llu 字节的分卷", run->photos[i]->name,
                      (unsigned long long)run->results[i]->size, (unsigned long long)limit);
    }
    free(cost);
    if (!planned)
        run->part_count = 0;
    return true;
}

/* Every target is named and checked before anything is written. */
static bool prepare_targets(pack_run *run, gp_error *err)
{
    const char *dir = run->opt->output_dir;
    run->parts = calloc(run->part_count, sizeof *run->parts);
    if (!run->parts)
        return gp_error_nomem(err);
    char *names[2] = {gp_asprintf("%s.xlsx", run->name),
                      gp_asprintf("%s%s", run->name, LETTER_SUFFIX)};
    run->workbook_file = names[0];
    run->letter_file = names[1];
    if (!names[0] || !names[1])
        return gp_error_nomem(err);
    for (size_t k = 0; k < run->part_count; k++) {
        char *stem = gp_part_stem(run->name, (int)k + 1, (int)run->part_count);
        run->parts[k].file = stem ? gp_asprintf("%s.zip", stem) : NULL;
        free(stem);
        if (!run->parts[k].file)
            return gp_error_nomem(err);
    }
    size_t total = run->part_count + 2;
    for (size_t i = 0; i < total; i++) {
        const char *file = i < run->part_count ? run->parts[i].file : names[i - run->part_count];
        char *path = gp_path_join(dir, file);
        if (!path)
            return gp_error_nomem(err);
        struct stat st;
        bool exists = lstat(path, &st) == 0;
        if (exists && !S_ISREG(st.st_mode))
            gp_error_set(err, GP_ERR_EXISTS, EEXIST,
                         "输出位置 '%s' 已被文件夹或其他非普通文件占用，没有写出任何文件", path);
        else if (exists && run->opt->force)
            exists = false;
        if (exists)
            gp_error_set(err, GP_ERR_EXISTS, EEXIST,
                         "输出文件 '%s' 已存在，没有写出任何文件。若要覆盖，请加 --force。", path);
        free(path);
        if (exists)
            return false;
    }
    if (!gp_mkdirs(dir, err))
        return false;
    for (size_t i = 0; i < total; i++) {
        const char *file = i < run->part_count ? run->parts[i].file : names[i - run->part_count];
        char *path = gp_path_join(dir, file);
        if (!path)
            return gp_error_nomem(err);
        gp_atomic *a = gp_atomic_begin(path, run->opt->force, err);
        free(path);
        if (!a)
            return false;
        if (i < run->part_count)
            run->parts[i].zip = a;
        else if (i == run->part_count)
            run->workbook = a;
        else
            run->letter = a;
    }
    return true;
}

static gp_workbook_info workbook_info(const pack_run *run)
{
    const char *station = run->station.present && run->station.value[GP_STATION_NAME][0]
                              ? run->station.value[GP_STATION_NAME]
                              : NULL;
    return (gp_workbook_info){.title = run->name, .school = run->school_name, .station = station};
}

/* A part's workbook, written through a temporary file and read back into
 * memory (it is small: 9,999 rows are well under 1 MB). */
static bool part_workbook(pack_run *run, const gp_part_range *range, const char *stem,
                          unsigned char **data, size_t *len, gp_error *err)
{
    char *file = gp_asprintf("%s-roster.xlsx", stem);
    char *path = file ? gp_path_join(run->opt->output_dir, file) : NULL;
    free(file);
    if (!path)
        return gp_error_nomem(err);
    gp_atomic *tmp = gp_atomic_begin(path, true, err);
    free(path);
    if (!tmp)
        return false;
    gp_workbook_info info = workbook_info(run);
    bool ok = gp_workbook_write(gp_atomic_temp_path(tmp), run->rows + range->first, range->count,
                                &info, NULL, err) &&
              gp_read_file(gp_atomic_temp_path(tmp), GP_MAX_ROSTER_BYTES, data, len, err);
    gp_atomic_abort(tmp); /* never an output of its own */
    return ok;
}

/* Returns false with err set; true with a finding added when a photo
 * changed since check (the caller then stops). */
static bool write_part(pack_run *run, size_t k, gp_error *err)
{
    const gp_part_range *range = &run->ranges[k];
    const gp_student **rows = run->rows + range->first;
    int part = (int)k + 1, parts = (int)run->part_count;
    char *part_id = gp_part_stem(run->bundle_id, part, parts);
    char *stem = gp_part_stem(run->name, part, parts);
    size_t n_items = range->count + 4;
    gp_zip_item *items = calloc(n_items, sizeof *items);
    char (*photo_names)[24] = calloc(range->count, sizeof *photo_names);
    gp_manifest manifest = {0};
    unsigned char *xlsx = NULL;
    size_t xlsx_len = 0, csv_len = 0, manifest_len = 0;
    char *csv = NULL, *json = NULL, *manifest_text = NULL;
    bool ok = false;
    if (!part_id || !stem || !items || !photo_names) {
        gp_error_nomem(err);
        goto done;
    }
    if (!part_workbook(run, range, stem, &xlsx, &xlsx_len, err))
        goto done;
    csv = gp_roster_csv(rows, range->count, &csv_len);
    gp_bundle_info info = {
        .profile = run->state.profile->name, .name = run->name, .bundle_id = part_id,
        .school_type = run->school_type, .school_code = run->school_code,
        .school_name = run->school_name, .station = &run->station,
        .part = part, .parts = parts, .rows = range->count,
        .seq_first = rows[0]->seq, .seq_last = rows[range->count - 1]->seq,
    };
    json = gp_bundle_json(&info, err);
    if (!csv || !json) {
        gp_error_nomem(err);
        goto done;
    }
    items[0] = (gp_zip_item){.name = "bundle.json", .data = json, .len = strlen(json)};
    items[1] = (gp_zip_item){.name = "roster.csv", .data = csv, .len = csv_len};
    items[2] = (gp_zip_item){.name = "roster.xlsx", .data = xlsx, .len = xlsx_len, .store = true};
    bool added = true;
    for (size_t i = 0; i < 3; i++) {
        gp_sha256(items[i].data, items[i].len, items[i].sha256);
        added = added && gp_manifest_add(&manifest, items[i].name, items[i].sha256);
    }
    for (size_t i = 0; i < range->count; i++) {
        const gp_photo_result *res = run->results[range->first + i];
        snprintf(photo_names[i], sizeof photo_names[i], "photos/%s.jpg", rows[i]->seq);
        gp_zip_item *it = &items[3 + i];
        *it = (gp_zip_item){.name = photo_names[i], .file = run->photos[range->first + i]->path,
                            .len = (size_t)res->size, .check_sha256 = true, .store = true};
        memcpy(it->sha256, res->sha256, 32);
        added = added && gp_manifest_add(&manifest, it->name, it->sha256);
    }
    manifest_text = added ? gp_manifest_format(&manifest, &manifest_len) : NULL;
    if (!manifest_text) {
        gp_error_nomem(err);
        goto done;
    }
    items[n_items - 1] = (gp_zip_item){.name = "MANIFEST.sha256", .data = manifest_text,
                                       .len = manifest_len};

    part_output *out = &run->parts[k];
    const char *zip_path = gp_atomic_temp_path(out->zip);
    gp_error write_err = {0};
    if (!gp_bundle_write(zip_path, part_id, items, n_items, run->password, &write_err)) {
        bool changed = false;
        for (size_t i = 3; i < n_items - 1; i++) {
            if (!items[i].changed)
                continue;
            changed = true;
            const gp_student *row = rows[i - 3];
            char expected[65];
            gp_hex(items[i].sha256, 32, expected);
            gp_report_add(run->report, GP_PACK_PHOTO_CHANGED,
                          &(gp_where){.seq = row->seq, .row = row->row,
                                      .file = run->photos[range->first + i - 3]->name},
                          NULL, expected, "照片 %s 在检查之后、打包之时内容变了，没有写出任何文件",
                          run->photos[range->first + i - 3]->name);
        }
        if (!changed && err && err->status == GP_OK)
            *err = write_err;
        ok = changed;
        goto done;
    }
    if (!gp_file_digest(zip_path, &out->bytes, out->sha256, err))
        goto done;
    uint64_t limit = run->opt->max_part_bytes;
    if (limit && out->bytes > limit) {
        gp_error_set(err, GP_ERR_INTERNAL, 0,
                     "分卷 %s 实际大小 %llu 字节超过了上限 %llu 字节（分卷估算有误，请报告此问题）",
                     out->file, (unsigned long long)out->bytes, (unsigned long long)limit);
        goto done;
    }
    ok = true;
done:
    gp_manifest_clear(&manifest);
    free(manifest_text);
    free(json);
    free(csv);
    free(xlsx);
    free(photo_names);
    free(items);
    free(stem);
    free(part_id);
    return ok;
}

static char *format_size(uint64_t bytes)
{
    if (bytes < 1024 * 1024)
        return gp_asprintf("%.1f KB（%llu 字节）", (double)bytes / 1024.0,
                           (unsigned long long)bytes);
    return gp_asprintf("%.1f MB（%llu 字节）", (double)bytes / (1024.0 * 1024.0),
                       (unsigned long long)bytes);
}

static bool write_letter(pack_run *run, gp_error *err)
{
    char *template_path = gp_path_join(gp_datadir(), "cover-letter.txt");
    unsigned char *tpl = NULL;
    size_t tpl_len = 0;
    bool ok = template_path && gp_read_file(template_path, MAX_TEMPLATE_BYTES, &tpl, &tpl_len, err);
    free(template_path);
    if (!ok)
        return template_path ? false : gp_error_nomem(err);

    gp_buf list = {0};
    for (size_t k = 0; k < run->part_count; k++) {
        const gp_part_range *r = &run->ranges[k];
        char *size = format_size(run->parts[k].bytes);
        gp_buf_printf(&list, "  %zu. %s\n     ", k + 1, run->parts[k].file);
        if (run->part_count > 1)
            gp_buf_printf(&list, "第 %zu 卷（共 %zu 卷），", k + 1, run->part_count);
        gp_buf_printf(&list, "%zu 人，拍摄序号 %s–%s，%s\n     SHA-256：%s\n", r->count,
                      run->rows[r->first]->seq, run->rows[r->first + r->count - 1]->seq,
                      size ? size : "", run->parts[k].sha256);
        free(size);
    }
    if (!run->password) {
        char *size = format_size(run->workbook_bytes);
        gp_buf_printf(&list, "  %zu. %s（花名册工作簿，与压缩包内的 roster.xlsx 内容相同）\n     %s\n",
                      run->part_count + 1, run->workbook_file, size ? size : "");
        free(size);
    }
    char *attachments = gp_buf_take(&list);
    char rows[32], parts[32];
    snprintf(rows, sizeof rows, "%zu", run->count);
    snprintf(parts, sizeof parts, "%zu", run->part_count);
    const gp_station *st = &run->station;
    gp_letter_value values[] = {
        {"name", run->name},
        {"school_type", run->school_type},
        {"school_code", run->school_code},
        {"school_name", run->school_name},
        {"station_name", gp_station_value_or_placeholder(st, GP_STATION_NAME)},
        {"contact", gp_station_value_or_placeholder(st, GP_STATION_CONTACT)},
        {"phone", gp_station_value_or_placeholder(st, GP_STATION_PHONE)},
        {"address", gp_station_value_or_placeholder(st, GP_STATION_ADDRESS)},
        {"email", gp_station_value_or_placeholder(st, GP_STATION_EMAIL)},
        {"rows", rows},
        {"seq_first", run->rows[0]->seq},
        {"seq_last", run->rows[run->count - 1]->seq},
        {"parts", parts},
        {"attachments", attachments},
        {"encryption_note",
         run->password ? "压缩包已加密（WinZip AES-256，可用 7-Zip、WinRAR、Bandizip 打开），"
                         "密码将通过电话或短信另行告知，请勿回复本邮件索取。"
                       : "压缩包未加密。"},
    };
    size_t len = 0;
    char *text = attachments ? gp_letter_fill((const char *)tpl, tpl_len, values,
                                              GP_ARRAY_LEN(values), &len)
                             : NULL;
    free(attachments);
    free(tpl);
    if (!text)
        return gp_error_nomem(err);
    FILE *f = gp_atomic_stream(run->letter, err);
    ok = f && fwrite(text, 1, len, f) == len;
    unsigned char sha[32];
    gp_sha256(text, len, sha);
    gp_hex(sha, 32, run->letter_sha256);
    run->letter_bytes = len;
    free(text);
    if (f && !ok)
        gp_error_set(err, GP_ERR_WRITE, errno, "无法写出邮件正文 '%s'", run->letter_file);
    return ok;
}

static void add_output(gp_report *report, const char *file, uint64_t bytes, const char *sha256)
{
    gp_report_table_row(report, "outputs");
    gp_report_cell_str(report, "outputs", "file", file);
    gp_report_cell_int(report, "outputs", "bytes", (long long)bytes);
    gp_report_cell_str(report, "outputs", "sha256", sha256);
}

/* Zips first, then the workbook, then the letter: a letter never names a
 * zip that is not there. */
static bool commit_all(pack_run *run, gp_error *err)
{
    for (size_t k = 0; k < run->part_count; k++) {
        gp_atomic *a = run->parts[k].zip;
        run->parts[k].zip = NULL;
        if (!gp_atomic_commit(a, err))
            return false;
    }
    gp_atomic *w = run->workbook, *l = run->letter;
    run->workbook = run->letter = NULL;
    if (!gp_atomic_commit(w, err)) {
        gp_atomic_abort(l);
        return false;
    }
    return gp_atomic_commit(l, err);
}

static bool write_outputs(pack_run *run, gp_error *err)
{
    if (!prepare_targets(run, err))
        return false;
    gp_workbook_info info = workbook_info(run);
    const char *wb_path = gp_atomic_temp_path(run->workbook);
    if (!gp_workbook_write(wb_path, run->rows, run->count, &info, NULL, err) ||
        !gp_file_digest(wb_path, &run->workbook_bytes, run->workbook_sha256, err))
        return false;
    for (size_t k = 0; k < run->part_count; k++) {
        if (!write_part(run, k, err))
            return false;
        if (gp_report_count_severity(run->report, GP_ERROR) > 0)
            return true; /* a photo changed: nothing is committed */
    }
    if (!write_letter(run, err) || !commit_all(run, err))
        return false;

    gp_report *r = run->report;
    gp_report_set_str(r, "name", run->name);
    gp_report_set_str(r, "bundle_id", run->bundle_id);
    gp_report_set_int(r, "parts", (long long)run->part_count);
    gp_report_set_str(r, "sha256", run->parts[0].sha256);
    gp_report_set_int(r, "encrypted", run->password ? 1 : 0);
    for (size_t k = 0; k < run->part_count; k++)
        add_output(r, run->parts[k].file, run->parts[k].bytes, run->parts[k].sha256);
    add_output(r, run->workbook_file, run->workbook_bytes, run->workbook_sha256);
    add_output(r, run->letter_file, run->letter_bytes, run->letter_sha256);
    return true;
}

gp_report *gp_pack(const char *roster_path, const char *photo_dir, gp_pack_options *options,
                   gp_error *err)
{
    if (!options || !options->output_dir || !*options->output_dir) {
        gp_error_set(err, GP_ERR_USAGE, 0, "需要用 -o 指定输出文件夹");
        return NULL;
    }
    if (options->encrypt && options->password && !*options->password) {
        gp_error_set(err, GP_ERR_USAGE, 0, "密码不能为空");
        return NULL;
    }
    options->generated_password = NULL;
    pack_run run = {.opt = options};
    gp_report *checked = gp_check_run(roster_path, photo_dir, &options->check, &run.state, err);
    if (!checked)
        return NULL;
    run.report = report_from_check(checked);
    gp_report_free(checked);
    if (!run.report) {
        gp_error_nomem(err);
        goto fail;
    }
    if (!gp_station_load(options->station_path, &run.station, run.report, err))
        goto fail;
    if (gp_report_count_severity(run.report, GP_ERROR) > 0)
        goto findings;
    if (!collect_rows(&run, err) || !choose_name(&run, err) || !plan_parts(&run, err))
        goto fail;
    if (gp_report_count_severity(run.report, GP_ERROR) > 0)
        goto findings;
    if (options->encrypt) {
        if (!options->password) {
            options->generated_password = gp_password_generate(GP_PASSWORD_LENGTH);
            if (!options->generated_password) {
                gp_error_set(err, GP_ERR_INTERNAL, 0, "无法生成随机密码（OpenSSL RAND_bytes 失败）");
                goto fail;
            }
        }
        run.password = options->password ? options->password : options->generated_password;
    }
    if (!write_outputs(&run, err))
        goto fail;
findings:
    gp_report_sort(run.report);
    gp_report *report = run.report;
    run_free(&run);
    return report;
fail:
    gp_report_free(run.report);
    run_free(&run);
    free(options->generated_password);
    options->generated_password = NULL;
    return NULL;
}
