/* The zip back end of the bundle reader (libzip).  The central directory is
 * walked once at open to judge every name and type; each reader then opens
 * the archive for itself, because a zip_t must not be shared by threads. */
#include "bundle_internal.h"
#include "core/os.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h> /* S_ISLNK: mode bits of a zip entry, not a platform call */
#include <zip.h>

static gp_bundle *refuse(gp_bundle *bundle, zip_t *za)
{
    if (za)
        zip_discard(za);
    gp_bundle_close(bundle);
    return NULL;
}

static void report_not_zip(const char *source, gp_report *report, const char *why)
{
    gp_where w = {.source = source};
    gp_report_add(report, GP_BUNDLE_NOT_ZIP, &w, why, NULL,
                  "%s 不是完整的 zip 压缩包（%s）", source, why);
}

/* Judge one central-directory entry; add it to the list when acceptable.
 * Returns false only when the archive itself cannot be read further. */
static bool take_entry(gp_bundle *bundle, zip_t *za, zip_uint64_t i, const char *source,
                       gp_report *report, bool *oom)
{
    const char *raw = zip_get_name(za, i, ZIP_FL_ENC_RAW);
    if (!raw)
        return false;
    char shown[512];
    bundle_name_printable(raw, shown, sizeof shown);
    gp_where w = {.source = source, .file = shown};
    gp_name_verdict verdict = gp_bundle_name_check(raw, strlen(raw));
    if (verdict == GP_NAME_BAD) {
        gp_report_add(report, GP_BUNDLE_BAD_NAME, &w, shown, NULL,
                      "压缩包中的文件名 “%s” 不是 UTF-8 或含有控制字符，已拒绝读取", shown);
        return true;
    }
    if (verdict == GP_NAME_UNSAFE_PATH) {
        gp_report_add(report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "压缩包中的 “%s” 含有绝对路径、“..”、反斜杠或盘符，已拒绝读取", shown);
        return true;
    }
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(za, i, 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX && S_ISLNK((mode_t)(attributes >> 16))) {
        gp_report_add(report, GP_BUNDLE_SYMLINK, &w, shown, NULL,
                      "压缩包中的 “%s” 是符号链接，已拒绝读取", shown);
        return true;
    }
    if (raw[strlen(raw) - 1] == '/')
        return true; /* a folder entry: nothing to read */
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return false;
    gp_bundle_entry fields = {
        .index = i,
        .declared_size = st.size,
        .compressed_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0,
        .compressed = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE,
        .encrypted = (st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
                     st.encryption_method != ZIP_EM_NONE,
    };
    if (!bundle_add_entry(bundle, raw, &fields))
        *oom = true;
    return true;
}

/* Encrypted entries: refused as a whole without a password; with one, the
 * first encrypted entry is opened to test it. */
static bool check_password(gp_bundle *bundle, zip_t *za, const char *source,
                           gp_report *report)
{
    size_t encrypted = 0, first = 0;
    for (size_t i = 0; i < bundle->count; i++)
        if (bundle->entries[i].encrypted && encrypted++ == 0)
            first = i;
    if (!encrypted)
        return true;
    gp_where w = {.source = source};
    if (!bundle->password) {
        char count[32];
        snprintf(count, sizeof count, "%zu", encrypted);
        gp_report_add(report, GP_BUNDLE_ENCRYPTED, &w, count, NULL,
                      "%s 中有 %zu 个加密的文件，没有提供密码，无法核验", source, encrypted);
        return false;
    }
    zip_set_default_password(za, bundle->password);
    zip_file_t *zf = zip_fopen_index(za, bundle->entries[first].index, 0);
    if (!zf) {
        gp_report_add(report, GP_BUNDLE_BAD_PASSWORD, &w, NULL, NULL,
                      "用提供的密码无法解开 %s（%s）", source, zip_strerror(za));
        return false;
    }
    zip_fclose(zf);
    return true;
}

/* The archive is opened like every input (lib/core/os.h): without
 * blocking, a regular file only, so a FIFO swapped in for the zip never
 * hangs libzip's fopen.  zip_fdopen opens read-only and takes only
 * ZIP_CHECKCONS; it closes the fd on success, not on failure. */
static zip_t *open_archive(const char *path, int flags, int *code)
{
    gp_os_stat st;
    int fd = gp_os_open_read(path, true, &st);
    if (fd < 0) {
        *code = ZIP_ER_OPEN;
        return NULL;
    }
    zip_t *za = zip_fdopen(fd, flags & ZIP_CHECKCONS, code);
    if (!za)
        gp_os_close(fd);
    return za;
}

gp_bundle *bundle_zip_open(gp_bundle *bundle, const char *source, gp_report *report,
                           gp_error *err)
{
    gp_os_stat st;
    if (gp_os_stat_path(bundle->path, true, &st) == 0 && st.type == GP_OS_REGULAR &&
        st.size == 0) {
        report_not_zip(source, report, "空文件");
        return refuse(bundle, NULL);
    }
    int code = 0;
    zip_t *za = open_archive(bundle->path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!za && code == ZIP_ER_EXISTS) /* duplicate names: reported one by one below */
        za = open_archive(bundle->path, ZIP_RDONLY, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_MEMORY) {
            gp_error_set(err, code == ZIP_ER_MEMORY ? GP_ERR_NOMEM : GP_ERR_OPEN,
                         zip_error_code_system(&ze), "无法打开压缩包 '%s'：%s", bundle->path,
                         zip_error_strerror(&ze));
        } else {
            report_not_zip(source, report, zip_error_strerror(&ze));
        }
        zip_error_fini(&ze);
        return refuse(bundle, NULL);
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0 || (zip_uint64_t)n > bundle->limits.max_entries) {
        gp_where w = {.source = source};
        char seen[32], limit[32];
        snprintf(seen, sizeof seen, "%lld", (long long)n);
        snprintf(limit, sizeof limit, "%zu", bundle->limits.max_entries);
        gp_report_add(report, GP_BUNDLE_TOO_LARGE, &w, seen, limit,
                      "%s 中有 %lld 个文件，超过上限 %zu 个，未读取", source, (long long)n,
                      bundle->limits.max_entries);
        return refuse(bundle, za);
    }
    bool oom = false;
    for (zip_uint64_t i = 0; i < (zip_uint64_t)n && !oom; i++) {
        if (!take_entry(bundle, za, i, source, report, &oom)) {
            report_not_zip(source, report, zip_strerror(za));
            return refuse(bundle, za);
        }
    }
    if (oom || !bundle_drop_duplicates(bundle, source, report)) {
        gp_error_nomem(err);
        return refuse(bundle, za);
    }
    if (!check_password(bundle, za, source, report))
        return refuse(bundle, za);
    zip_discard(za);
    return bundle;
}

bool bundle_zip_reader_open(gp_bundle_reader *reader, gp_error *err)
{
    int code = 0;
    zip_t *za = open_archive(reader->bundle->path, ZIP_RDONLY, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        gp_error_set(err, GP_ERR_OPEN, zip_error_code_system(&ze), "无法打开压缩包 '%s'：%s",
                     reader->bundle->path, zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return false;
    }
    if (reader->bundle->password)
        zip_set_default_password(za, reader->bundle->password);
    reader->zip = za;
    return true;
}

void bundle_zip_reader_close(gp_bundle_reader *reader)
{
    zip_discard(reader->zip);
    reader->zip = NULL;
}

static gp_read_status status_of(int zip_code)
{
    switch (zip_code) {
    case ZIP_ER_WRONGPASSWD:
    case ZIP_ER_NOPASSWD:
        return GP_READ_BAD_PASSWORD;
    case ZIP_ER_MEMORY:
        return GP_READ_NOMEM;
    default:
        return GP_READ_CORRUPT;
    }
}

void bundle_zip_read(gp_bundle_reader *reader, const gp_bundle_entry *entry,
                     gp_entry_read *out)
{
    bounded_read br;
    if (!bounded_begin(&br, reader->bundle, entry, out))
        return;
    zip_t *za = reader->zip;
    /* the file was opened again by name: make sure it is still the same */
    const char *now = zip_get_name(za, entry->index, ZIP_FL_ENC_RAW);
    if (!now || strcmp(now, entry->name) != 0) {
        bounded_fail(&br, GP_READ_FAILED, "the archive changed while being read");
        return;
    }
    zip_file_t *zf = zip_fopen_index(za, entry->index, 0);
    if (!zf) {
        bounded_fail(&br, status_of(zip_error_code_zip(zip_get_error(za))), "%s",
                     zip_strerror(za));
        return;
    }
    for (;;) {
        size_t room;
        unsigned char *at = bounded_space(&br, &room);
        if (!at)
            break;
        zip_int64_t got = zip_fread(zf, at, room);
        if (got < 0) {
            zip_error_t *ze = zip_file_get_error(zf);
            bounded_fail(&br, status_of(zip_error_code_zip(ze)), "%s", zip_error_strerror(ze));
            break;
        }
        if (got == 0) {
            bounded_finish(&br);
            break;
        }
        if (!bounded_commit(&br, (size_t)got))
            break;
    }
    zip_fclose(zf);
}
