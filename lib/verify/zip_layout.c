/* Every byte of a received zip accounted for.  pack writes local entries
 * back to back from byte 0, then the central directory, then the end
 * records, with no comment.  A prefix (an HTML or JPEG polyglot), bytes
 * between entries (a hidden local entry that streaming extractors such as
 * `bsdtar -xf -` extract although the directory does not list it), trailing
 * data and an archive comment are all findings.  Zip64 end records and
 * extra fields are understood; data descriptors too. */
#include "zip_layout.h"
#include "core/base.h"
#include "core/findings.h"
#include "core/os.h"
#include "verify/reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define EOCD_SIZE 22
#define EOCD64_LOCATOR_SIZE 20
#define CDH_SIZE 46
#define LFH_SIZE 30
#define MAX_CD_BYTES (64u << 20)

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool read_at(int fd, uint64_t offset, void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len) {
        long got = gpi_os_read_offset(fd, p, len, offset);
        if (got <= 0)
            return false;
        p += got;
        len -= (size_t)got;
        offset += (uint64_t)got;
    }
    return true;
}

void zip_layout_clear(zip_layout *layout)
{
    if (!layout)
        return;
    for (size_t i = 0; i < layout->count; i++)
        free(layout->entries[i].raw_name);
    free(layout->entries);
    memset(layout, 0, sizeof *layout);
}

typedef struct span {
    uint64_t start, end; /* [start, end) in the file */
    size_t entry;
} span;

static int compare_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

typedef struct layout_job {
    int fd;
    uint64_t size;
    const char *source;
    gp_report *report;
} layout_job;

static void stray(layout_job *job, uint64_t from, uint64_t to, const char *what)
{
    char actual[96];
    snprintf(actual, sizeof actual, "第 %llu–%llu 字节（%llu 字节）", (unsigned long long)from,
             (unsigned long long)to, (unsigned long long)(to - from));
    gpi_where w = {.source = job->source};
    gpi_report_add(job->report, GP_BUNDLE_STRAY_BYTES, &w, actual, NULL,
                  "%s 的%s有 %llu 字节不属于任何文件（%s）", job->source, what,
                  (unsigned long long)(to - from), actual);
}

/* A gap [from, to): a hidden local entry when it starts with a local file
 * header, stray bytes otherwise. */
static void gap(layout_job *job, uint64_t from, uint64_t to, const char *what)
{
    unsigned char head[LFH_SIZE];
    if (to - from >= LFH_SIZE && read_at(job->fd, from, head, LFH_SIZE) &&
        !memcmp(head, "PK\3\4", 4)) {
        size_t n = le16(head + 26);
        char raw[256] = "", shown[512];
        if (n >= sizeof raw)
            n = sizeof raw - 1;
        if (!read_at(job->fd, from + LFH_SIZE, raw, n))
            n = 0;
        raw[n] = '\0';
        bundle_name_printable_n(raw, n, shown, sizeof shown);
        char at[64];
        snprintf(at, sizeof at, "第 %llu 字节", (unsigned long long)from);
        gpi_where w = {.source = job->source, .file = shown};
        gpi_report_add(job->report, GP_BUNDLE_HIDDEN_ENTRY, &w, at, NULL,
                      "%s 在%s藏有目录未列出的文件 “%s”（%s）", job->source, what, shown, at);
        return;
    }
    stray(job, from, to, what);
}

/* The zip64 extra field of a central header: fields present only where the
 * 32-bit one is 0xFFFFFFFF.  false when the extra field is malformed. */
static bool zip64_extra(const unsigned char *extra, size_t len, uint32_t usize32,
                        uint32_t csize32, uint32_t offset32, uint64_t *csize,
                        uint64_t *offset, bool *zip64)
{
    for (size_t at = 0; at + 4 <= len;) {
        uint16_t id = le16(extra + at), n = le16(extra + at + 2);
        if (at + 4 + n > len)
            return false;
        if (id == 0x0001) {
            const unsigned char *f = extra + at + 4;
            size_t need = 0;
            *zip64 = true;
            if (usize32 == 0xFFFFFFFFu)
                need += 8;
            if (csize32 == 0xFFFFFFFFu) {
                if (need + 8 > n)
                    return false;
                *csize = le64(f + need);
                need += 8;
            }
            if (offset32 == 0xFFFFFFFFu) {
                if (need + 8 > n)
                    return false;
                *offset = le64(f + need);
            }
            return true;
        }
        at += 4 + (size_t)n;
    }
    return true;
}

/* Where the end records of the candidate EOCD at eocd say the directory
 * is.  false when they do not describe a directory that is there (a
 * signature inside a comment or inside data, for instance). */
static bool read_end(layout_job *job, uint64_t eocd, const unsigned char *e,
                     uint64_t *cd_offset, uint64_t *cd_size, uint64_t *entries,
                     uint64_t *cd_end, uint64_t *zip64_gap_from, uint64_t *zip64_gap_to)
{
    *entries = le16(e + 10);
    *cd_size = le32(e + 12);
    *cd_offset = le32(e + 16);
    *cd_end = eocd;
    *zip64_gap_from = *zip64_gap_to = 0;
    /* zip64: the locator just before the EOCD names the zip64 end record */
    unsigned char loc[EOCD64_LOCATOR_SIZE], rec[56];
    if (eocd >= EOCD64_LOCATOR_SIZE &&
        read_at(job->fd, eocd - EOCD64_LOCATOR_SIZE, loc, sizeof loc) &&
        !memcmp(loc, "PK\6\7", 4)) {
        uint64_t at = le64(loc + 8);
        if (at > eocd - EOCD64_LOCATOR_SIZE || eocd - EOCD64_LOCATOR_SIZE - at < sizeof rec ||
            !read_at(job->fd, at, rec, sizeof rec) || memcmp(rec, "PK\6\6", 4) != 0)
            return false;
        uint64_t rec_end = at + 12 + le64(rec + 4);
        if (rec_end < at || rec_end > eocd - EOCD64_LOCATOR_SIZE)
            return false;
        *zip64_gap_from = rec_end;
        *zip64_gap_to = eocd - EOCD64_LOCATOR_SIZE;
        *entries = le64(rec + 32);
        *cd_size = le64(rec + 40);
        *cd_offset = le64(rec + 48);
        *cd_end = at;
    }
    if (*cd_size > *cd_end)
        return false;
    unsigned char sig[4];
    if (*entries == 0)
        return *cd_size == 0;
    return read_at(job->fd, *cd_end - *cd_size, sig, 4) && !memcmp(sig, "PK\1\2", 4);
}

/* The end records: where the directory is and how many entries it has.
 * The last EOCD signature that describes a real directory wins, so a fake
 * one inside a comment does not hide the comment.  *cd_end is where the
 * directory must end (the zip64 record or the EOCD). */
static bool find_end(layout_job *job, uint64_t *cd_offset, uint64_t *cd_size,
                     uint64_t *entries, uint64_t *cd_end)
{
    uint64_t tail = job->size < 65535 + EOCD_SIZE ? job->size : 65535 + EOCD_SIZE;
    if (tail < EOCD_SIZE)
        return false;
    unsigned char *buf = malloc(tail);
    if (!buf || !read_at(job->fd, job->size - tail, buf, tail)) {
        free(buf);
        return false;
    }
    uint64_t eocd = 0, gap_from = 0, gap_to = 0;
    uint16_t comment = 0;
    bool found = false;
    /* an empty directory is easy to fake: tried only when no other fits */
    for (int pass = 0; pass < 2 && !found; pass++)
        for (long i = (long)(tail - EOCD_SIZE); i >= 0 && !found; i--) {
            if (memcmp(buf + i, "PK\5\6", 4) != 0)
                continue;
            eocd = job->size - tail + (uint64_t)i;
            comment = le16(buf + i + 20);
            found = read_end(job, eocd, buf + i, cd_offset, cd_size, entries, cd_end, &gap_from,
                             &gap_to) &&
                    (pass == 1 || *entries > 0);
        }
    free(buf);
    if (!found)
        return false;
    if (comment)
        stray(job, eocd + EOCD_SIZE,
              eocd + EOCD_SIZE + comment < job->size ? eocd + EOCD_SIZE + comment : job->size,
              "注释");
    if (eocd + EOCD_SIZE + comment < job->size)
        stray(job, eocd + EOCD_SIZE + comment, job->size, "末尾");
    if (gap_from < gap_to)
        gap(job, gap_from, gap_to, "结尾记录之间");
    return true;
}

/* The directory's entries, offsets shifted by delta (bytes prepended to a
 * zip after it was written move everything). */
static bool read_directory(layout_job *job, zip_layout *layout, uint64_t cd_start,
                           uint64_t cd_size, uint64_t count, bool *oom)
{
    unsigned char *cd = malloc(cd_size ? cd_size : 1);
    if (!cd) {
        *oom = true;
        return false;
    }
    layout->entries = calloc(count ? count : 1, sizeof *layout->entries);
    if (!layout->entries) {
        free(cd);
        *oom = true;
        return false;
    }
    bool ok = read_at(job->fd, cd_start, cd, cd_size);
    size_t at = 0;
    for (uint64_t i = 0; ok && i < count; i++) {
        if (at + CDH_SIZE > cd_size || memcmp(cd + at, "PK\1\2", 4) != 0) {
            ok = false;
            break;
        }
        const unsigned char *h = cd + at;
        size_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
        if (at + CDH_SIZE + name_len + extra_len + comment_len > cd_size) {
            ok = false;
            break;
        }
        zip_layout_entry *e = &layout->entries[layout->count];
        e->made_by = le16(h + 4);
        e->flags = le16(h + 8);
        e->compressed_size = le32(h + 20);
        e->external = le32(h + 38);
        e->local_offset = le32(h + 42);
        bool zip64 = false;
        if (!zip64_extra(h + CDH_SIZE + name_len, extra_len, le32(h + 24), le32(h + 20),
                         le32(h + 42), &e->compressed_size, &e->local_offset, &zip64)) {
            ok = false;
            break;
        }
        e->name_len = name_len;
        if (!(e->raw_name = malloc(name_len + 1))) {
            *oom = true;
            ok = false;
            break;
        }
        memcpy(e->raw_name, h + CDH_SIZE, name_len);
        e->raw_name[name_len] = '\0';
        layout->count++;
        at += CDH_SIZE + name_len + extra_len + comment_len;
    }
    if (ok && at != cd_size)
        ok = false; /* the directory holds more than its entries */
    free(cd);
    return ok;
}

/* Where entry e's bytes end: local header, name, extra, data and data
 * descriptor.  false when its local header is not where the directory
 * says, or names another file. */
static bool entry_end(layout_job *job, const zip_layout_entry *e, uint64_t start, uint64_t *end,
                      char *local_name, size_t local_size)
{
    unsigned char h[LFH_SIZE];
    if (!read_at(job->fd, start, h, LFH_SIZE) || memcmp(h, "PK\3\4", 4) != 0)
        return false;
    size_t n = le16(h + 26), extra = le16(h + 28);
    size_t shown = n < local_size - 1 ? n : local_size - 1;
    if (!read_at(job->fd, start + LFH_SIZE, local_name, shown))
        return false;
    local_name[shown] = '\0';
    uint64_t data = start + LFH_SIZE + n + extra;
    if (e->compressed_size > job->size || data > job->size - e->compressed_size)
        return false; /* also keeps the sum from wrapping around */
    *end = data + e->compressed_size;
    if (n != e->name_len || memcmp(local_name, e->raw_name, shown) != 0)
        return false;
    if (e->flags & 0x0008) { /* a data descriptor follows the data */
        unsigned char d[24] = {0};
        uint64_t avail = job->size - *end < sizeof d ? job->size - *end : sizeof d;
        if (!read_at(job->fd, *end, d, (size_t)avail))
            return false;
        size_t sig = memcmp(d, "PK\7\10", 4) == 0 ? 4 : 0;
        bool wide = e->compressed_size > 0xFFFFFFFFu ||
                    (sig + 20 <= avail && le64(d + sig + 4) == e->compressed_size &&
                     le32(d + sig + 4) != e->compressed_size);
        *end += sig + (wide ? 20 : 12);
    }
    return true;
}

bool zip_layout_read(int fd, uint64_t file_size, const char *source, gp_report *report,
                     zip_layout *layout, gp_error *err)
{
    memset(layout, 0, sizeof *layout);
    layout_job job = {.fd = fd, .size = file_size, .source = source, .report = report};
    uint64_t cd_offset = 0, cd_size = 0, count = 0, cd_end = 0;
    if (!find_end(&job, &cd_offset, &cd_size, &count, &cd_end))
        return true;
    if (cd_size > MAX_CD_BYTES || count > GPI_BUNDLE_MAX_ENTRIES ||
        count * CDH_SIZE > cd_size)
        return true; /* libzip refuses it or the entry count is reported */
    uint64_t cd_start = cd_end - cd_size;
    if (cd_start < cd_offset)
        return true; /* offsets point past the file: not a zip we can read */
    uint64_t delta = cd_start - cd_offset;
    bool oom = false;
    if (!read_directory(&job, layout, cd_start, cd_size, count, &oom)) {
        zip_layout_clear(layout);
        return oom ? gpi_error_nomem(err) : true;
    }
    span *spans = malloc((layout->count ? layout->count : 1) * sizeof *spans);
    if (!spans) {
        zip_layout_clear(layout);
        return gpi_error_nomem(err);
    }
    size_t n = 0;
    for (size_t i = 0; i < layout->count; i++) {
        zip_layout_entry *e = &layout->entries[i];
        uint64_t start = e->local_offset + delta, end = 0;
        char local[256];
        if (start >= cd_start || !entry_end(&job, e, start, &end, local, sizeof local) ||
            end > cd_start) {
            char shown[512], at[64];
            bundle_name_printable_n(e->raw_name, e->name_len, shown, sizeof shown);
            snprintf(at, sizeof at, "第 %llu 字节", (unsigned long long)start);
            gpi_where w = {.source = source, .file = shown};
            gpi_report_add(report, GP_BUNDLE_HIDDEN_ENTRY, &w, at, shown,
                          "%s 中 “%s” 的本地文件头与目录不符（位置、名称或长度不同），"
                          "不同的解压工具会解出不同的内容",
                          source, shown);
            continue;
        }
        spans[n++] = (span){start, end, i};
    }
    qsort(spans, n, sizeof *spans, compare_span);
    uint64_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (spans[i].start > pos)
            gap(&job, pos, spans[i].start, pos == 0 ? "开头" : "文件之间");
        else if (spans[i].start < pos)
            stray(&job, spans[i].start, pos, "文件数据互相重叠处");
        if (spans[i].end > pos)
            pos = spans[i].end;
    }
    if (pos < cd_start)
        gap(&job, pos, cd_start, n ? "最后一个文件之后" : "开头");
    free(spans);
    layout->parsed = true;
    return true;
}
