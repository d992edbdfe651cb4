/* Writing a bundle zip (libzip).  Reproducible: entries in the caller's
 * order, a fixed DOS time converted in UTC (zip_file_set_mtime would use
 * local time), fixed attributes, no directory entries.
 *
 * libzip writes an archive only at zip_close, normally into a temporary
 * file of its own beside the target.  That file would escape our Ctrl-C
 * clean-up, so the archive is written through a small write-capable source
 * straight into the caller's (already registered) temporary file.
 *
 * Photos and the manifest are fetched at zip_close, one item at a
 * time in entry order, through a source that serves the fetched buffer:
 * pack takes each from its reading pipeline (the bytes it inspected and
 * hashed), merge copies each out of a received bundle and has the source
 * hash what it serves and fail when the bytes are not the ones verified. */
#include "core/atomic.h"
#include "core/base.h"
#include "bundle/bundle.h"
#include "core/messages.h"
#include "core/os.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zip.h>

/* ---- the archive itself: a writable source over a file descriptor ---- */

typedef struct out_file {
    int fd;
    zip_uint64_t offset, end;
    zip_error_t error;
} out_file;

static zip_int64_t out_fail(out_file *out, int ze, int se)
{
    zip_error_set(&out->error, ze, se);
    return -1;
}

static zip_int64_t out_callback(void *user, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    out_file *out = user;
    switch (cmd) {
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
            ZIP_SOURCE_SUPPORTS, ZIP_SOURCE_BEGIN_WRITE, ZIP_SOURCE_COMMIT_WRITE,
            ZIP_SOURCE_ROLLBACK_WRITE, ZIP_SOURCE_SEEK_WRITE, ZIP_SOURCE_TELL_WRITE,
            ZIP_SOURCE_WRITE, ZIP_SOURCE_REMOVE, -1);
    case ZIP_SOURCE_STAT:
        /* a new archive: libzip then starts from nothing */
        return out_fail(out, ZIP_ER_READ, ENOENT);
    case ZIP_SOURCE_OPEN:
    case ZIP_SOURCE_CLOSE:
        out->offset = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        long got = gpi_os_read_offset(out->fd, data, len, out->offset);
        if (got < 0)
            return out_fail(out, ZIP_ER_READ, errno);
        out->offset += (zip_uint64_t)got;
        return got;
    }
    case ZIP_SOURCE_SEEK:
    case ZIP_SOURCE_SEEK_WRITE: {
        zip_int64_t to = zip_source_seek_compute_offset(out->offset, out->end, data, len,
                                                        &out->error);
        if (to < 0)
            return -1;
        out->offset = (zip_uint64_t)to;
        return 0;
    }
    case ZIP_SOURCE_TELL:
    case ZIP_SOURCE_TELL_WRITE:
        return (zip_int64_t)out->offset;
    case ZIP_SOURCE_BEGIN_WRITE:
    case ZIP_SOURCE_ROLLBACK_WRITE:
    case ZIP_SOURCE_REMOVE:
        if (gpi_os_truncate_fd(out->fd, 0) != 0)
            return out_fail(out, ZIP_ER_WRITE, errno);
        out->offset = out->end = 0;
        return 0;
    case ZIP_SOURCE_WRITE: {
        if (gpi_os_pwrite_all(out->fd, data, (size_t)len, out->offset) != 0)
            return out_fail(out, ZIP_ER_WRITE, errno);
        out->offset += len;
        if (out->offset > out->end)
            out->end = out->offset;
        return (zip_int64_t)len;
    }
    case ZIP_SOURCE_COMMIT_WRITE:
        if (gpi_os_truncate_fd(out->fd, out->end) != 0)
            return out_fail(out, ZIP_ER_WRITE, errno);
        return 0;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&out->error, data, len);
    case ZIP_SOURCE_FREE:
        return 0;
    default:
        return out_fail(out, ZIP_ER_OPNOTSUPP, 0);
    }
}

/* ---- a fetched item: bytes asked for at zip_close ---------------------- */

typedef struct photo_reader {
    gpi_zip_item *entry;
    unsigned char *fetched;  /* entry->fetch: the bytes, served from memory */
    size_t fetched_len, fetched_pos;
    EVP_MD_CTX *hash;
    zip_uint64_t seen;
    time_t mtime;
    zip_error_t error;
} photo_reader;

static zip_int64_t photo_fail(photo_reader *r, int ze, int se)
{
    zip_error_set(&r->error, ze, se);
    return -1;
}

static void photo_release(photo_reader *r)
{
    free(r->fetched);
    r->fetched = NULL;
    EVP_MD_CTX_free(r->hash);
    r->hash = NULL;
}

/* At end of file: the bytes archived must be the bytes that were judged. */
static bool photo_unchanged(photo_reader *r)
{
    if (!r->entry->check_sha256)
        return true;
    unsigned char digest[32];
    unsigned int n = 32;
    EVP_DigestFinal_ex(r->hash, digest, &n);
    return r->seen == r->entry->len && memcmp(digest, r->entry->sha256, 32) == 0;
}

static zip_int64_t photo_callback(void *user, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    photo_reader *r = user;
    switch (cmd) {
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              ZIP_SOURCE_SUPPORTS, -1);
    case ZIP_SOURCE_OPEN:
        r->fetched_pos = 0;
        if (!r->entry->fetch(r->entry->fetch_context, &r->fetched, &r->fetched_len))
            return photo_fail(r, ZIP_ER_READ, EIO);
        r->hash = EVP_MD_CTX_new();
        if (!r->hash || !EVP_DigestInit_ex(r->hash, EVP_sha256(), NULL)) {
            photo_release(r);
            return photo_fail(r, ZIP_ER_MEMORY, 0);
        }
        r->seen = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t left = r->fetched_len - r->fetched_pos;
        size_t got = len < left ? (size_t)len : left;
        memcpy(data, r->fetched + r->fetched_pos, got);
        r->fetched_pos += got;
        r->seen += (zip_uint64_t)got;
        if (r->entry->check_sha256) {
            if (r->seen > r->entry->len) {
                r->entry->changed = true;
                return photo_fail(r, ZIP_ER_INCONS, 0);
            }
            EVP_DigestUpdate(r->hash, data, got);
            if (got == 0 && !photo_unchanged(r)) {
                r->entry->changed = true;
                return photo_fail(r, ZIP_ER_INCONS, 0);
            }
        }
        return (zip_int64_t)got;
    }
    case ZIP_SOURCE_CLOSE:
        photo_release(r);
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->size = r->entry->len;
        st->mtime = r->mtime;
        st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&r->error, data, len);
    case ZIP_SOURCE_FREE:
        photo_release(r);
        return 0;
    default:
        return photo_fail(r, ZIP_ER_OPNOTSUPP, 0);
    }
}

/* ---- the archive ----------------------------------------------------- */

static void dos_time(int64_t t, zip_uint16_t *dtime, zip_uint16_t *ddate)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (tm.tm_year < 80)
        tm = (struct tm){.tm_year = 80, .tm_mon = 0, .tm_mday = 1};
    *dtime = (zip_uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    *ddate = (zip_uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

static bool zip_failed(zip_t *za, const char *path, const char *what, gp_error *err)
{
    return gpi_error_set(err, GP_ERR_WRITE, zip_error_code_system(zip_get_error(za)),
                        "无法写出压缩包 '%s'（%s）：%s", path, what,
                        gpi_zip_error_text(zip_get_error(za)));
}

static bool add_entry(zip_t *za, const char *bundle_id, gpi_zip_item *e, photo_reader *reader,
                      const char *password, zip_uint16_t dtime, zip_uint16_t ddate,
                      const char *path, gp_error *err)
{
    zip_source_t *src = e->fetch ? zip_source_function(za, photo_callback, reader)
                                : zip_source_buffer(za, e->data, e->len, 0);
    if (!src)
        return zip_failed(za, path, e->name, err);
    char *name = gpi_asprintf("%s/%s", bundle_id, e->name);
    if (!name) {
        zip_source_free(src);
        return gpi_error_nomem(err);
    }
    zip_int64_t idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
    free(name);
    if (idx < 0) {
        zip_source_free(src);
        return zip_failed(za, path, e->name, err);
    }
    zip_uint64_t i = (zip_uint64_t)idx;
    if (zip_set_file_compression(za, i, e->store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) != 0 ||
        zip_file_set_dostime(za, i, dtime, ddate, 0) != 0 ||
        zip_file_set_external_attributes(za, i, 0, ZIP_OPSYS_UNIX,
                                         (zip_uint32_t)(S_IFREG | 0644) << 16) != 0 ||
        (password && zip_file_set_encryption(za, i, ZIP_EM_AES_256, password) != 0))
        return zip_failed(za, path, e->name, err);
    return true;
}

bool gpi_bundle_write(const char *path, const char *bundle_id, gpi_zip_item *entries,
                     size_t count, const char *password, gp_error *err)
{
    out_file out = {.fd = gpi_os_open_rw(path)};
    if (out.fd < 0)
        return gpi_error_set(err, GP_ERR_WRITE, errno, "无法写出压缩包 '%s'：%s", path,
                            gpi_errno_text(errno));
    zip_error_init(&out.error);
    photo_reader *readers = calloc(count ? count : 1, sizeof *readers);
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *target = readers ? zip_source_function_create(out_callback, &out, &zerr) : NULL;
    zip_t *za = target ? zip_open_from_source(target, ZIP_CREATE | ZIP_TRUNCATE, &zerr) : NULL;
    bool ok = za != NULL;
    if (!ok) {
        if (!readers)
            gpi_error_nomem(err);
        else
            gpi_error_set(err, GP_ERR_WRITE, zip_error_code_system(&zerr),
                         "无法创建压缩包 '%s'：%s", path, gpi_zip_error_text(&zerr));
        zip_source_free(target);
    }
    zip_error_fini(&zerr);

    int64_t when = gpi_reproducible_time();
    zip_uint16_t dtime, ddate;
    dos_time(when, &dtime, &ddate);
    for (size_t i = 0; ok && i < count; i++) {
        entries[i].changed = false;
        readers[i] = (photo_reader){.entry = &entries[i], .mtime = (time_t)when};
        zip_error_init(&readers[i].error);
        ok = add_entry(za, bundle_id, &entries[i], &readers[i], password, dtime, ddate, path, err);
    }
    if (ok && zip_close(za) != 0) {
        ok = false;
        for (size_t i = 0; i < count; i++)
            if (entries[i].changed)
                gpi_error_set(err, GP_ERR_WRITE, 0, "'%s' 在检查之后被改动，已放弃写出 '%s'",
                             entries[i].name, path);
        zip_failed(za, path, "zip_close", err);
    }
    if (!ok && za)
        zip_discard(za);
    for (size_t i = 0; readers && i < count; i++) {
        photo_release(&readers[i]);
        zip_error_fini(&readers[i].error);
    }
    free(readers);
    zip_error_fini(&out.error);
    if (gpi_os_close_checked(out.fd) != 0 && ok)
        ok = gpi_error_set(err, GP_ERR_WRITE, errno, "无法写出压缩包 '%s'：%s", path,
                          gpi_errno_text(errno));
    return ok;
}
