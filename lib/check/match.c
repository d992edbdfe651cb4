/* Matching roster rows to photos, and judging each inspected photo.  Shared
 * by check (photos in a folder) and verify (photos inside a zip). */
#include "check/check.h"
#include "core/fields.h"
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"
#include "roster/roster.h"
#include "core/messages.h"
#include "core/os.h"
#include "photo/content.h"

#include <stdlib.h>
#include <string.h>

static int compare_seqs(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether a photo is numbered seq (seqs is sorted). */
static bool has_seq(const char *const *seqs, size_t count, const char *seq)
{
    return count && bsearch(&seq, seqs, count, sizeof *seqs, compare_seqs) != NULL;
}

/* The facts the HTML report's card shows for a student: texts "name",
 * "student_no", "id_number" (unmasked: the renderer masks it) and "row". */
static void record_student(gp_report *report, const char *source, const char *seq,
                           const gpi_student *s)
{
    char row[16];
    snprintf(row, sizeof row, "%d", s->row);
    gp_report_photo_text(report, source, seq, "name", s->value[GPI_FIELD_NAME]);
    gp_report_photo_text(report, source, seq, "student_no", s->value[GPI_FIELD_STUDENT_NO]);
    gp_report_photo_text(report, source, seq, "id_number", s->value[GPI_FIELD_ID_NUMBER]);
    gp_report_photo_text(report, source, seq, "row", row);
}

typedef struct hash_ref {
    const unsigned char *sha256;
    size_t index;
} hash_ref;

static int compare_hash(const void *a, const void *b)
{
    const hash_ref *x = a, *y = b;
    int c = memcmp(x->sha256, y->sha256, 32);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

void gpi_check_match_photos(const gpi_roster *roster, const gp_profile *profile,
                           const char *const *seqs, const char *const *names,
                           const gpi_photo_result *results, size_t count,
                           const char *source, gp_report *report)
{
    /* rows -> photos: photo.missing */
    if (roster) {
        for (size_t r = 0; r < roster->count; r++) {
            const gpi_student *s = &roster->students[r];
            if (!s->seq[0])
                continue; /* an invalid number was reported by the roster rules */
            if (gpi_roster_find_seq(roster, s->seq) != s)
                continue; /* a duplicate number: reported once, on the first row */
            if (!has_seq(seqs, count, s->seq)) {
                gpi_where w = {.source = source, .row = s->row, .seq = s->seq};
                char expected[32];
                snprintf(expected, sizeof expected, "%s.jpg", s->seq);
                gpi_report_add(report, GP_PHOTO_MISSING, &w, NULL, expected,
                              "第 %d 行（%s）的照片 %s.jpg 不在照片文件夹中", s->row,
                              s->value[GPI_FIELD_NAME], s->seq);
                record_student(report, source, s->seq, s);
            }
        }
    }

    /* byte-identical photos under two numbers: photo.duplicate on the later */
    hash_ref *refs = calloc(count ? count : 1, sizeof *refs);
    size_t nrefs = 0;
    for (size_t i = 0; refs && i < count; i++)
        if (results[i].read_ok)
            refs[nrefs++] = (hash_ref){results[i].sha256, i};
    if (refs)
        qsort(refs, nrefs, sizeof *refs, compare_hash);
    size_t *duplicate_of = calloc(count ? count : 1, sizeof *duplicate_of);
    for (size_t i = 1; refs && duplicate_of && i < nrefs; i++) {
        size_t first = i;
        while (first > 0 && memcmp(refs[first - 1].sha256, refs[i].sha256, 32) == 0)
            first--;
        if (first != i)
            duplicate_of[refs[i].index] = refs[first].index + 1; /* 0 = none */
    }

    for (size_t i = 0; i < count; i++) {
        const gpi_student *s = roster ? gpi_roster_find_seq(roster, seqs[i]) : NULL;
        gpi_where w = {.source = source, .row = s ? s->row : 0, .seq = seqs[i], .file = names[i]};
        gp_report_photo_text(report, source, seqs[i], "file", names[i]);
        if (s)
            record_student(report, source, seqs[i], s);
        if (results[i].thumb)
            gp_report_photo_thumbnail(report, source, seqs[i], results[i].thumb,
                                      results[i].thumb_len);
        if (roster && !s)
            gpi_report_add(report, GP_PHOTO_ORPHAN, &w, names[i], NULL,
                          "照片 %s 的拍摄序号 %s 在花名册中不存在", names[i], seqs[i]);
        if (!results[i].read_ok) {
            gpi_report_add(report, GP_PHOTO_UNREADABLE, &w, NULL, NULL, "无法读取 %s：%s",
                          names[i], gpi_os_strerror(results[i].read_errno));
            continue;
        }
        if (duplicate_of && duplicate_of[i]) {
            size_t first = duplicate_of[i] - 1;
            const gpi_student *fs = roster ? gpi_roster_find_seq(roster, seqs[first]) : NULL;
            char row_text[32] = "";
            if (fs)
                snprintf(row_text, sizeof row_text, "（第 %d 行）", fs->row);
            gpi_report_add(report, GP_PHOTO_DUPLICATE, &w, names[i], names[first],
                          "照片 %s 与照片 %s%s 完全相同", names[i], names[first], row_text);
        }
        gpi_photo_judge(&results[i].info, results[i].size, profile, &w, report);
        gpi_content_judge(&results[i].measure, results[i].info.width, results[i].info.height,
                         profile, &w, report);
    }
    free(refs);
    free(duplicate_of);
}
