/* Which students go into the consolidated bundle, in which order, with
 * which new number.
 *
 * Order (documented in docs/merge.md): the input bundles sorted by file
 * name (bytewise, then by path), and within one bundle by its original
 * photo number.  The same 身份证号 in two bundles is never merged silently:
 * only identical copies (a re-sent bundle: the nine values photo number
 * aside, and the photo's SHA-256) collapse into the earliest one.  Two
 * different students sharing a 学号 or a photo are held back too, so the
 * consolidated roster passes check's duplicate rules. */
#include "merge_internal.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/files.h"
#include "core/findings.h"

#include <stdlib.h>
#include <string.h>

int merge_compare_order(const void *a, const void *b)
{
    const merge_student *x = a, *y = b;
    if (x->bundle != y->bundle)
        return x->bundle < y->bundle ? -1 : 1;
    return strcmp(x->row->seq, y->row->seq);
}

static const char *id_of(const merge_student *s)
{
    return s->row->value[GPI_FIELD_ID_NUMBER];
}

/* Positions sorted by 身份证号, then by the renumbering order. */
static int compare_by_id(const void *a, const void *b, void *context)
{
    const merge_student *students = context;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(id_of(&students[i]), id_of(&students[j]));
    return c ? c : (i > j) - (i < j);
}

static bool same_copy(const merge_student *a, const merge_student *b)
{
    if (a->photo_size != b->photo_size || memcmp(a->sha256, b->sha256, 32) != 0)
        return false;
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        if (f != GPI_FIELD_SEQ && strcmp(a->row->value[f], b->row->value[f]) != 0)
            return false;
    return true;
}

/* "甲.zip 的 0003、乙.zip 的 0001" — every copy but `except`. */
static char *other_copies(const merge_student *students, const size_t *group, size_t n,
                          size_t except)
{
    gpi_buf buf = {0};
    for (size_t k = 0; k < n; k++) {
        if (group[k] == except)
            continue;
        const merge_student *s = &students[group[k]];
        gpi_buf_printf(&buf, "%s%s 的 %s", buf.len ? "、" : "", s->source, s->row->seq);
    }
    return gpi_buf_take(&buf);
}

static bool decide_group(merge_student *students, const size_t *group, size_t n,
                         gp_report *report)
{
    bool identical = true;
    for (size_t k = 1; k < n && identical; k++)
        identical = same_copy(&students[group[0]], &students[group[k]]);
    const merge_student *first = &students[group[0]];
    for (size_t k = 0; k < n; k++) {
        merge_student *s = &students[group[k]];
        if (identical && k == 0)
            continue;
        char *others = other_copies(students, group, n, group[k]);
        if (!others)
            return false;
        gpi_where w = {.source = s->source, .row = s->row->row, .seq = s->row->seq,
                      .field = gpi_field_label(GPI_FIELD_ID_NUMBER), .file = GPI_ENTRY_ROSTER};
        bool added;
        if (identical) {
            s->fate = MERGE_ABSORBED;
            added = gpi_report_add(report, GP_MERGE_RESENT, &w, id_of(s), first->source,
                                  "%s（%s）与 %s 的 %s 完全相同（重复发送），只合并 %s 中的一份",
                                  s->row->value[GPI_FIELD_NAME], id_of(s), first->source,
                                  first->row->seq, first->source);
        } else {
            s->fate = MERGE_HELD;
            added = gpi_report_add(report, GP_MERGE_DUPLICATE_STUDENT, &w, id_of(s), others,
                                  "%s（%s）同时出现在 %s 和 %s 中，且信息或照片不同，"
                                  "各份都暂不合并，请人工确认",
                                  s->row->value[GPI_FIELD_NAME], id_of(s), s->source, others);
        }
        free(others);
        if (!added)
            return false;
    }
    return true;
}

/* ---- different students sharing a 学号 or a photo ------------------------ */

typedef enum shared_key { KEY_STUDENT_NO, KEY_PHOTO } shared_key;

typedef struct key_sort {
    const merge_student *students;
    shared_key key;
} key_sort;

static int compare_key(const merge_student *x, const merge_student *y, shared_key key)
{
    if (key == KEY_PHOTO)
        return memcmp(x->sha256, y->sha256, 32);
    return strcmp(x->row->value[GPI_FIELD_STUDENT_NO], y->row->value[GPI_FIELD_STUDENT_NO]);
}

static int compare_by_key(const void *a, const void *b, void *context)
{
    const key_sort *ks = context;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = compare_key(&ks->students[i], &ks->students[j], ks->key);
    return c ? c : (i > j) - (i < j);
}

static bool hold_shared(merge_student *students, const size_t *group, size_t n, shared_key key,
                        gp_report *report)
{
    for (size_t k = 0; k < n; k++) {
        merge_student *s = &students[group[k]];
        char *others = other_copies(students, group, n, group[k]);
        if (!others)
            return false;
        s->fate = MERGE_HELD;
        char hex[65];
        gpi_hex(s->sha256, 32, hex);
        gpi_where w = {.source = s->source, .row = s->row->row, .seq = s->row->seq};
        bool added;
        if (key == KEY_STUDENT_NO) {
            w.field = gpi_field_label(GPI_FIELD_STUDENT_NO);
            w.file = GPI_ENTRY_ROSTER;
            added = gpi_report_add(report, GP_MERGE_DUPLICATE_STUDENT_NO, &w,
                                  s->row->value[GPI_FIELD_STUDENT_NO], others,
                                  "%s（%s）的学号 %s 与 %s 中另一名学生相同，各份都暂不合并",
                                  s->row->value[GPI_FIELD_NAME], id_of(s),
                                  s->row->value[GPI_FIELD_STUDENT_NO], others);
        } else {
            char file[GPI_PHOTO_ENTRY_SIZE];
            gpi_photo_entry_name(s->row->seq, file);
            w.file = file;
            added = gpi_report_add(report, GP_MERGE_DUPLICATE_PHOTO, &w, hex, others,
                                  "%s（%s）的照片与 %s 中另一名学生的照片完全相同，各份都暂不合并",
                                  s->row->value[GPI_FIELD_NAME], id_of(s), others);
        }
        free(others);
        if (!added)
            return false;
    }
    return true;
}

/* Kept students of different 身份证号 must not share a 学号 or a photo:
 * the consolidated roster would fail check's duplicate rules. */
static bool hold_shared_keys(merge_student *students, size_t count, shared_key key,
                             gp_report *report)
{
    size_t *kept = malloc(count * sizeof *kept);
    if (!kept)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (students[i].fate == MERGE_KEEP &&
            (key == KEY_PHOTO || students[i].row->value[GPI_FIELD_STUDENT_NO][0]))
            kept[n++] = i;
    key_sort ks = {students, key};
    qsort_r(kept, n, sizeof *kept, compare_by_key, &ks);
    bool ok = true;
    for (size_t start = 0; ok && start < n;) {
        size_t end = start + 1;
        while (end < n && !compare_key(&students[kept[start]], &students[kept[end]], key))
            end++;
        if (end - start > 1)
            ok = hold_shared(students, kept + start, end - start, key, report);
        start = end;
    }
    free(kept);
    return ok;
}

bool merge_decide(merge_student *students, size_t count, gp_report *report)
{
    if (count == 0)
        return true;
    qsort(students, count, sizeof *students, merge_compare_order);
    size_t *by_id = malloc(count * sizeof *by_id);
    if (!by_id)
        return false;
    for (size_t i = 0; i < count; i++) {
        students[i].fate = MERGE_KEEP;
        by_id[i] = i;
    }
    qsort_r(by_id, count, sizeof *by_id, compare_by_id, students);
    bool ok = true;
    for (size_t start = 0; ok && start < count;) {
        size_t end = start + 1;
        while (end < count && !strcmp(id_of(&students[by_id[start]]), id_of(&students[by_id[end]])))
            end++;
        /* verify already refuses one number twice within a bundle */
        bool across = students[by_id[start]].bundle != students[by_id[end - 1]].bundle;
        if (end - start > 1 && across && id_of(&students[by_id[start]])[0])
            ok = decide_group(students, by_id + start, end - start, report);
        start = end;
    }
    free(by_id);
    return ok && hold_shared_keys(students, count, KEY_STUDENT_NO, report) &&
           hold_shared_keys(students, count, KEY_PHOTO, report);
}

size_t merge_renumber(merge_student *students, size_t count, size_t per_bundle)
{
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        merge_student *s = &students[i];
        if (s->fate != MERGE_KEEP)
            continue;
        s->output = kept / per_bundle;
        unsigned number = (unsigned)(kept % per_bundle + 1) % 10000u; /* per_bundle <= 9999 */
        gpi_seq_format(number, s->new_seq);
        kept++;
    }
    return kept ? (kept - 1) / per_bundle + 1 : 0;
}
