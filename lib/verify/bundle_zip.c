/* The zip back end of the bundle reader (libzip).  The central directory is
 * walked once at open to judge every name and type; each reader then opens
 * the archive for itself, because a zip_t must not be shared by threads. */
#include "bundle_internal.h"
#include "core/base.h"
#include "core/findings.h"
#include "verify/reader.h"
#include "core/messages.h"
#include "core/os.h"
#include "zip_layout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h> /* S_ISLNK: mode bits of a zip entry, not a platform call */
#include <zip.h>

static gpi_bundle *refuse(gpi_bundle *bundle, zip_t *za)
{
    if (za)
        zip_discard(za);
    gpi_bundle_close(bundle);
    return NULL;
}

static void report_not_zip(const char *source, gp_report *report, const char *why)
{
    gpi_where w = {.source = source};
    gpi_report_add(report, GP_BUNDLE_NOT_ZIP, &w, why, NULL,
                  "%s 不是完整的 zip 压缩包（%s）", source, why);
}

/* What the external attributes say about the entry's type.  Every host
 * that carries Unix modes puts them in the high 16 bits (Info-ZIP honours
 * them for UNIX, VMS, ATARI, BeOS, AtheOS, QDOS, ...), so the mode is read
 * whatever the "made by" host says: a file-type field there that is not a
 * regular file (or a folder, for a name ending in '/') is refused. */
static gp_code type_verdict(uint32_t attributes, bool folder)
{
    mode_t mode = (mode_t)(attributes >> 16);
    mode_t type = mode & S_IFMT;
    if (type == 0 || type == S_IFREG || (folder && type == S_IFDIR))
        return GP_CODE_COUNT;
    return type == S_IFLNK ? GP_BUNDLE_SYMLINK : GP_BUNDLE_SPECIAL_FILE;
}

/* Judge one central-directory entry; add it to the list when acceptable.
 * raw/raw_len are the directory's own bytes for the name (libzip's copy
 * stops at a NUL).  Returns false only when the archive itself cannot be
 * read further. */
static bool take_entry(gpi_bundle *bundle, zip_t *za, zip_uint64_t i, const char *raw,
                       size_t raw_len, const char *source, gp_report *report, bool *oom)
{
    char shown[512];
    bundle_name_printable_n(raw, raw_len, shown, sizeof shown);
    gpi_where w = {.source = source, .file = shown};
    gpi_name_verdict verdict = gpi_bundle_name_check(raw, raw_len);
    if (verdict == GPI_NAME_BAD) {
        gpi_report_add(report, GP_BUNDLE_BAD_NAME, &w, shown, NULL,
                      "压缩包中的文件名 “%s” 不是 UTF-8 或含有控制字符，已拒绝读取", shown);
        return true;
    }
    if (verdict == GPI_NAME_UNSAFE_PATH) {
        gpi_report_add(report, GP_BUNDLE_UNSAFE_PATH, &w, shown, NULL,
                      "压缩包中的 “%s” 含有绝对路径、“..”、反斜杠或盘符，已拒绝读取", shown);
        return true;
    }
    bool folder = raw[raw_len - 1] == '/';
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(za, i, 0, &opsys, &attributes) == 0) {
        gp_code type = type_verdict(attributes, folder);
        if (type == GP_BUNDLE_SYMLINK) {
            gpi_report_add(report, GP_BUNDLE_SYMLINK, &w, shown, NULL,
                          "压缩包中的 “%s” 是符号链接（制作系统代码 %u），已拒绝读取", shown,
                          (unsigned)opsys);
            return true;
        }
        if (type == GP_BUNDLE_SPECIAL_FILE) {
            char mode[32];
            snprintf(mode, sizeof mode, "%06o", (unsigned)(attributes >> 16));
            gpi_report_add(report, GP_BUNDLE_SPECIAL_FILE, &w, mode, NULL,
                          "压缩包中的 “%s” 不是普通文件（类型 %s），已拒绝读取", shown, mode);
            return true;
        }
    }
    if (folder)
        return true; /* a folder entry: nothing to read */
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return false;
    gpi_bundle_entry fields = {
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

/* libzip refuses a whole archive (ZIP_ER_INCONS) for one name flagged
 * UTF-8 that is not; the names are judged from the directory instead, so
 * that the finding says which name.  true when some name was bad. */
static bool report_bad_names(const zip_layout *layout, const char *source, gp_report *report)
{
    bool any = false;
    for (size_t i = 0; layout->parsed && i < layout->count; i++) {
        const zip_layout_entry *e = &layout->entries[i];
        if (gpi_bundle_name_check(e->raw_name, e->name_len) != GPI_NAME_BAD)
            continue;
        char shown[512];
        bundle_name_printable_n(e->raw_name, e->name_len, shown, sizeof shown);
        gpi_where w = {.source = source, .file = shown};
        gpi_report_add(report, GP_BUNDLE_BAD_NAME, &w, shown, NULL,
                      "压缩包中的文件名 “%s” 不是 UTF-8 或含有控制字符，已拒绝读取", shown);
        any = true;
    }
    return any;
}

/* Encrypted entries: refused as a whole without a password; with one, the
 * first encrypted entry is opened to test it. */
static bool check_password(gpi_bundle *bundle, zip_t *za, const char *source,
                           gp_report *report)
{
    size_t encrypted = 0, first = 0;
    for (size_t i = 0; i < bundle->count; i++)
        if (bundle->entries[i].encrypted && encrypted++ == 0)
            first = i;
    if (!encrypted)
        return true;
    gpi_where w = {.source = source};
    if (!bundle->password) {
        char count[32];
        snprintf(count, sizeof count, "%zu", encrypted);
        gpi_report_add(report, GP_BUNDLE_ENCRYPTED, &w, count, NULL,
                      "%s 中有 %zu 个加密的文件，没有提供密码，无法核验", source, encrypted);
        return false;
    }
    zip_set_default_password(za, bundle->password);
    zip_file_t *zf = zip_fopen_index(za, bundle->entries[first].index, 0);
    if (!zf) {
        gpi_report_add(report, GP_BUNDLE_BAD_PASSWORD, &w, NULL, NULL,
                      "用提供的密码无法解开 %s（%s）", source, gpi_zip_error_text(zip_get_error(za)));
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
    gpi_os_stat st;
    int fd = gpi_os_open_read(path, true, &st);
    if (fd < 0) {
        *code = ZIP_ER_OPEN;
        return NULL;
    }
    zip_t *za = zip_fdopen(fd, flags & ZIP_CHECKCONS, code);
    if (!za)
        gpi_os_close(fd);
    return za;
}

/* The byte layout (zip_layout.c) read from the file libzip will open. */
static bool read_layout(gpi_bundle *bundle, const char *source, gp_report *report,
                        zip_layout *layout, gp_error *err)
{
    memset(layout, 0, sizeof *layout);
    gpi_os_stat st;
    int fd = gpi_os_open_read(bundle->path, true, &st);
    if (fd < 0)
        return true; /* zip_open says why */
    bool ok = zip_layout_read(fd, st.size, source, report, layout, err);
    gpi_os_close(fd);
    return ok;
}

gpi_bundle *bundle_zip_open(gpi_bundle *bundle, const char *source, gp_report *report,
                           gp_error *err)
{
    gpi_os_stat st;
    if (gpi_os_stat_path(bundle->path, true, &st) == 0 && st.type == GPI_OS_REGULAR &&
        st.size == 0) {
        report_not_zip(source, report, "空文件");
        return refuse(bundle, NULL);
    }
    zip_layout layout;
    if (!read_layout(bundle, source, report, &layout, err))
        return refuse(bundle, NULL);
    int code = 0;
    zip_t *za = open_archive(bundle->path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!za && code == ZIP_ER_EXISTS) /* duplicate names: reported one by one below */
        za = open_archive(bundle->path, ZIP_RDONLY, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_MEMORY) {
            gpi_error_set(err, code == ZIP_ER_MEMORY ? GP_ERR_NOMEM : GP_ERR_OPEN,
                         zip_error_code_system(&ze), "无法打开压缩包 '%s'：%s", bundle->path,
                         gpi_zip_error_text(&ze));
        } else if (!report_bad_names(&layout, source, report)) {
            report_not_zip(source, report, gpi_zip_error_text(&ze));
        }
        zip_error_fini(&ze);
        zip_layout_clear(&layout);
        return refuse(bundle, NULL);
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0 || (zip_uint64_t)n > bundle->limits.max_entries) {
        gpi_where w = {.source = source};
        char seen[32], limit[32];
        snprintf(seen, sizeof seen, "%lld", (long long)n);
        snprintf(limit, sizeof limit, "%zu", bundle->limits.max_entries);
        gpi_report_add(report, GP_BUNDLE_TOO_LARGE, &w, seen, limit,
                      "%s 中有 %lld 个文件，超过上限 %zu 个，未读取", source, (long long)n,
                      bundle->limits.max_entries);
        zip_layout_clear(&layout);
        return refuse(bundle, za);
    }
    /* the directory's own name bytes when they line up with libzip's list */
    bool own_names = layout.parsed && layout.count == (size_t)n;
    bool oom = false;
    for (zip_uint64_t i = 0; i < (zip_uint64_t)n && !oom; i++) {
        const char *raw = own_names ? layout.entries[i].raw_name
                                    : zip_get_name(za, i, ZIP_FL_ENC_RAW);
        size_t raw_len = own_names ? layout.entries[i].name_len : raw ? strlen(raw) : 0;
        if (!raw || !take_entry(bundle, za, i, raw, raw_len, source, report, &oom)) {
            report_not_zip(source, report, gpi_zip_error_text(zip_get_error(za)));
            zip_layout_clear(&layout);
            return refuse(bundle, za);
        }
    }
    zip_layout_clear(&layout);
    if (oom || !bundle_drop_duplicates(bundle, source, report)) {
        gpi_error_nomem(err);
        return refuse(bundle, za);
    }
    if (!check_password(bundle, za, source, report))
        return refuse(bundle, za);
    zip_discard(za);
    return bundle;
}

bool bundle_zip_reader_open(gpi_bundle_reader *reader, gp_error *err)
{
    int code = 0;
    zip_t *za = open_archive(reader->bundle->path, ZIP_RDONLY, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        gpi_error_set(err, GP_ERR_OPEN, zip_error_code_system(&ze), "无法打开压缩包 '%s'：%s",
                     reader->bundle->path, gpi_zip_error_text(&ze));
        zip_error_fini(&ze);
        return false;
    }
    if (reader->bundle->password)
        zip_set_default_password(za, reader->bundle->password);
    reader->zip = za;
    return true;
}

void bundle_zip_reader_close(gpi_bundle_reader *reader)
{
    zip_discard(reader->zip);
    reader->zip = NULL;
}

static gpi_read_status status_of(int zip_code)
{
    switch (zip_code) {
    case ZIP_ER_WRONGPASSWD:
    case ZIP_ER_NOPASSWD:
        return GPI_READ_BAD_PASSWORD;
    case ZIP_ER_MEMORY:
        return GPI_READ_NOMEM;
    default:
        return GPI_READ_CORRUPT;
    }
}

static long long read_chunk(void *context, bounded_read *br, unsigned char *at, size_t room)
{
    zip_file_t *zf = context;
    zip_int64_t got = zip_fread(zf, at, room);
    if (got < 0) {
        zip_error_t *ze = zip_file_get_error(zf);
        bounded_fail(br, status_of(zip_error_code_zip(ze)), "%s", gpi_zip_error_text(ze));
    }
    return got;
}

void bundle_zip_read(gpi_bundle_reader *reader, const gpi_bundle_entry *entry,
                     gpi_entry_read *out)
{
    bounded_read br;
    if (!bounded_begin(&br, reader->bundle, entry, out))
        return;
    zip_t *za = reader->zip;
    /* the file was opened again by name: make sure it is still the same */
    const char *now = zip_get_name(za, entry->index, ZIP_FL_ENC_RAW);
    if (!now || strcmp(now, entry->name) != 0) {
        bounded_fail(&br, GPI_READ_FAILED, "the archive changed while being read");
        return;
    }
    zip_file_t *zf = zip_fopen_index(za, entry->index, 0);
    if (!zf) {
        bounded_fail(&br, status_of(zip_error_code_zip(zip_get_error(za))), "%s",
                     gpi_zip_error_text(zip_get_error(za)));
        return;
    }
    bounded_fill(&br, read_chunk, zf);
    zip_fclose(zf);
}
