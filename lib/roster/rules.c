/* Field rules (issue 2, seed 004): every row judged, every value normalised
 * in place where the fix is certain (photo numbers padded, full-width digits
 * made half-width, 高起专 -> 成人专科, lower-case x -> X), each change a
 * warning and each real problem an error on the row that has it.
 *
 * Where a value repeats, the later row carries the error and names the
 * earlier one; the first row stays clean.  School values are compared with
 * the profile's pinned values (roster.school.mismatch) and with the first
 * row that has them (roster.school.inconsistent); a row that carries the
 * pinned value is never called inconsistent. */
#include "core/base.h"
#include "core/fields.h"
#include "core/findings.h"
#include "core/profile.h"
#include "roster/roster.h"
#include "core/escape.h"
#include "excel_number.h"

#include <stdlib.h>
#include <string.h>

typedef struct rules {
    gpi_roster *roster;
    const gp_profile *profile;
    const char *file;
    gp_report *report;
    int today;
    bool id_column_truncated;  /* several 18-digit IDs end in 000: the column was a number */
    size_t student_no_length;  /* the usual length of an all-digit 学号; 0 when no clear one */
} rules;

static void addv(const rules *r, gpi_student *s, gp_code code, int field, const char *actual,
                 const char *expected, const char *fmt, va_list ap) GPI_PRINTF(7, 0);

static void addv(const rules *r, gpi_student *s, gp_code code, int field, const char *actual,
                 const char *expected, const char *fmt, va_list ap)
{
    gpi_where w = {.row = s->row,
                  .seq = s->seq[0] ? s->seq : NULL,
                  .field = field >= 0 ? gpi_field_label((gpi_field)field) : NULL,
                  .file = r->file};
    gp_severity severity = gp_code_severity(code);
    gpi_report_addv(r->report, severity, code, &w, actual, expected, fmt, ap);
    if (severity == GP_ERROR)
        s->has_error = true;
}

static void add(const rules *r, gpi_student *s, gp_code code, int field, const char *actual,
                const char *expected, const char *fmt, ...) GPI_PRINTF(7, 8);

static void add(const rules *r, gpi_student *s, gp_code code, int field, const char *actual,
                const char *expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    addv(r, s, code, field, actual, expected, fmt, ap);
    va_end(ap);
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool in_list(const gpi_string_list *list, const char *value)
{
    for (size_t i = 0; i < list->count; i++)
        if (!strcmp(list->items[i], value))
            return true;
    return false;
}

/* "“成人专科”或“成人本科”": each value in its own quotes. */
static char *list_text(const gpi_string_list *list)
{
    gpi_buf text = {0};
    gpi_buf_puts(&text, "");
    for (size_t i = 0; i < list->count; i++)
        gpi_buf_printf(&text, "%s“%s”", i == 0 ? "" : i + 1 == list->count ? "或" : "、",
                      list->items[i]);
    return gpi_buf_take(&text);
}

/* Full-width digits and letters from Chinese input methods, made half-width. */
static void normalise_fullwidth(const rules *r, gpi_student *s, gpi_field field)
{
    char *value = s->value[field];
    char *original = strdup(value);
    if (gpi_fullwidth_to_ascii(value))
        add(r, s, GP_ROSTER_FIELD_FULLWIDTH, field, original, value,
            "“%s”中的全角字符“%s”已改为半角“%s”", gpi_field_label(field),
            original ? original : "", value);
    free(original);
}

/* Excel drops leading zeros: "7" is photo 0007. */
static void rule_seq(const rules *r, gpi_student *s)
{
    char *original = strdup(s->value[GPI_FIELD_SEQ]);
    bool fullwidth = gpi_fullwidth_to_ascii(s->value[GPI_FIELD_SEQ]);
    const char *value = s->value[GPI_FIELD_SEQ];
    size_t len = strlen(value);
    bool valid = all_digits(value) && len <= 4 && atoi(value) >= 1;
    if (valid)
        snprintf(s->seq, sizeof s->seq, "%04d", atoi(value));
    if (fullwidth)
        add(r, s, GP_ROSTER_FIELD_FULLWIDTH, GPI_FIELD_SEQ, original, value,
            "拍摄序号中的全角字符“%s”已改为半角“%s”", original ? original : "", value);
    free(original);
    if (!valid) {
        add(r, s, GP_ROSTER_SEQ_FORMAT, GPI_FIELD_SEQ, value, "0001–9999",
            "拍摄序号“%s”不是 0001 到 9999 之间的四位数字", value);
        return;
    }
    if (len == 4)
        return;
    char unpadded[5];
    memcpy(unpadded, value, len + 1);
    char *padded = strdup(s->seq);
    if (padded) {
        free(s->value[GPI_FIELD_SEQ]);
        s->value[GPI_FIELD_SEQ] = padded;
    }
    add(r, s, GP_ROSTER_SEQ_PADDED, GPI_FIELD_SEQ, unpadded, s->seq,
        "“%s”已补足为“%s”，照片应命名为 %s.jpg", unpadded, s->seq, s->seq);
}

static void rule_level(const rules *r, gpi_student *s)
{
    const gp_profile *p = r->profile;
    char *value = s->value[GPI_FIELD_LEVEL];
    if (in_list(&p->levels, value))
        return;
    for (size_t i = 0; i < p->level_map_count; i++) {
        if (strcmp(p->level_map[i].from, value) != 0)
            continue;
        char *mapped = strdup(p->level_map[i].to);
        if (!mapped)
            return;
        add(r, s, GP_ROSTER_LEVEL_MAPPED, GPI_FIELD_LEVEL, value, mapped,
            "“%s”已改写为“%s”", value, mapped);
        free(value);
        s->value[GPI_FIELD_LEVEL] = mapped;
        return;
    }
    char *allowed = list_text(&p->levels);
    add(r, s, GP_ROSTER_LEVEL_INVALID, GPI_FIELD_LEVEL, value, allowed,
        "学历层次“%s”不对，只能填%s", value, allowed ? allowed : "");
    free(allowed);
}

static bool rule_sex(const rules *r, gpi_student *s)
{
    const char *value = s->value[GPI_FIELD_SEX];
    if (in_list(&r->profile->sexes, value))
        return true;
    char *allowed = list_text(&r->profile->sexes);
    add(r, s, GP_ROSTER_SEX_INVALID, GPI_FIELD_SEX, value, allowed,
        "性别“%s”不对，只能填%s", value, allowed ? allowed : "");
    free(allowed);
    return false;
}

static void report_id_verdict(const rules *r, gpi_student *s, gpi_id_verdict verdict,
                              char check)
{
    const char *id = s->value[GPI_FIELD_ID_NUMBER];
    char actual[2] = {id[0] ? id[strlen(id) - 1] : '\0', '\0'}, expected[2] = {check, '\0'};
    switch (verdict) {
    case GPI_ID_OK:
        return;
    case GPI_ID_SCIENTIFIC:
        add(r, s, GP_ROSTER_ID_SCIENTIFIC, GPI_FIELD_ID_NUMBER, id, "18 位完整号码（文本格式）",
            "身份证号显示为“%s”，Excel 把它当成数字改成了科学计数法，后几位已经丢失", id);
        return;
    case GPI_ID_FORMAT:
        if (strlen(id) == 15 && all_digits(id))
            add(r, s, GP_ROSTER_ID_FORMAT, GPI_FIELD_ID_NUMBER, id, "18 位",
                "身份证号“%s”是 15 位的旧号码，请换成 18 位的新号码", id);
        else
            add(r, s, GP_ROSTER_ID_FORMAT, GPI_FIELD_ID_NUMBER, id,
                "17 位数字 + 1 位数字或 X",
                "身份证号“%s”不是 18 位（前 17 位数字、最后一位数字或 X）", id);
        return;
    case GPI_ID_CHECKSUM:
        add(r, s, GP_ROSTER_ID_CHECKSUM, GPI_FIELD_ID_NUMBER, actual, expected,
            "身份证号 %s 的最后一位是 %s，按前 17 位算应为 %s，号码中有数字输错了", id,
            actual, expected);
        return;
    case GPI_ID_BIRTHDATE: {
        char date[9];
        memcpy(date, id + 6, 8);
        date[8] = '\0';
        /* a date that passes without the today limit lies in the future */
        bool future = gpi_id_validate(id, 99991231, NULL) != GPI_ID_BIRTHDATE;
        add(r, s, GP_ROSTER_ID_BIRTHDATE, GPI_FIELD_ID_NUMBER, date,
            future ? "不晚于今天的日期" : "真实的日期",
            "身份证号 %s 中的出生日期 %.4s-%.2s-%.2s %s", id, date, date + 4, date + 6,
            future ? "在今天之后" : "不是真实的日期");
        return;
    }
    }
}

static void rule_id(const rules *r, gpi_student *s, bool sex_valid)
{
    char *id = s->value[GPI_FIELD_ID_NUMBER];
    size_t len = strlen(id);
    if (len == 18 && id[17] == 'x') {
        char *original = strdup(id);
        id[17] = 'X';
        add(r, s, GP_ROSTER_ID_LOWERCASE, GPI_FIELD_ID_NUMBER, original, id,
            "身份证号末位的小写 x 已改为大写 X");
        free(original);
    }
    char check = 0;
    gpi_id_verdict verdict = gpi_id_validate(id, r->today, &check);
    report_id_verdict(r, s, verdict, check);
    if (!sex_valid || verdict == GPI_ID_FORMAT || verdict == GPI_ID_SCIENTIFIC)
        return;
    const char *sex = s->value[GPI_FIELD_SEX];
    const char *from_id = gpi_id_sex(id) == 1 ? "男" : "女";
    if ((!strcmp(sex, "男") || !strcmp(sex, "女")) && strcmp(sex, from_id) != 0)
        add(r, s, GP_ROSTER_ID_SEX_MISMATCH, GPI_FIELD_SEX, sex, from_id,
            "性别填的是“%s”，但身份证号 %s 的第 17 位是 %c（%s数为%s），两者不符", sex, id,
            id[16], gpi_id_sex(id) == 1 ? "单" : "双", from_id);
}

static bool rule_school_code(const rules *r, gpi_student *s)
{
    const char *code = s->value[GPI_FIELD_SCHOOL_CODE];
    if (strlen(code) == 5 && all_digits(code))
        return true;
    add(r, s, GP_ROSTER_SCHOOL_CODE_FORMAT, GPI_FIELD_SCHOOL_CODE, code, "5 位数字",
        "院校代码“%s”不是 5 位数字", code);
    return false;
}

/* Characters that break what others open or make a value read as another:
 * C0/C1 controls and line breaks (a cell that is two lines), bidi overrides
 * (U+202E turns "123" around on screen), non-characters (U+FFFE makes the
 * workbook unreadable: "Char 0xFFFE out of allowed range").  Unpaired
 * surrogates never get here: the reader refuses them as roster.encoding. */
static bool rule_characters(const rules *r, gpi_student *s, gpi_field f)
{
    const char *value = s->value[f];
    if (!gpi_needs_escape(value, strlen(value)))
        return true;
    gpi_buf shown = {0};
    gpi_escape_terminal(&shown, value, strlen(value));
    const char *text = shown.data ? shown.data : "";
    add(r, s, GP_ROSTER_FIELD_CONTROL, f, text, "只含可见字符",
        "“%s”中有控制字符、换行、非字符或看不见的字符（零宽空格、改变文字方向等）：%s",
        gpi_field_label(f), text);
    gpi_buf_free(&shown);
    return false;
}

/* A cell starting with = + - @ is a formula to Excel (and to LibreOffice):
 * "=HYPERLINK(...)" in roster.csv runs when someone opens it.  No valid
 * value of the nine fields starts with one, so it is refused, not quoted. */
static void rule_formula(const rules *r, gpi_student *s, gpi_field f)
{
    const char *value = s->value[f];
    if (value[0] != '=' && value[0] != '+' && value[0] != '-' && value[0] != '@')
        return;
    add(r, s, GP_ROSTER_FIELD_FORMULA, f, value, "不以 = + - @ 开头",
        "“%s”以 “%c” 开头，会被电子表格当作公式", gpi_field_label(f), value[0]);
}

/* ---- Excel's damage in the columns that must be digits ---------------- */

static bool damaged(const gpi_student *s, gpi_field field)
{
    return s->damaged & (1u << field);
}

static void mark_damaged(gpi_student *s, gpi_field field)
{
    s->damaged |= 1u << field;
}

/* A value Excel has changed: the finding (its actual is the value), and the
 * field marked so that its own rules do not run.  true, for excel_damage. */
static bool damage(const rules *r, gpi_student *s, gp_code code, gpi_field field,
                   const char *expected, const char *fmt, ...) GPI_PRINTF(6, 7);

static bool damage(const rules *r, gpi_student *s, gp_code code, gpi_field field,
                   const char *expected, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    addv(r, s, code, (int)field, s->value[field], expected, fmt, ap);
    va_end(ap);
    mark_damaged(s, field);
    return true;
}

static const char *digits_run(const char *p, int min, int max)
{
    int n = 0;
    while (*p >= '0' && *p <= '9') {
        p++;
        n++;
    }
    return n >= min && n <= max ? p : NULL;
}

/* 2001/2/3, 2001-02-03, 2001.2.3, 2001年2月3日, 2/3/2001, each optionally
 * followed by a time (0:00:00): what Excel shows for a value it read as a
 * date. */
static bool looks_like_date(const char *s)
{
    const char *p = digits_run(s, 1, 4);
    if (!p)
        return false;
    size_t first = (size_t)(p - s);
    static const char *const seps[] = {"/", "-", ".", "年"};
    for (size_t k = 0; k < GPI_ARRAY_LEN(seps); k++) {
        size_t n = strlen(seps[k]);
        if (strncmp(p, seps[k], n) != 0)
            continue;
        const char *q = digits_run(p + n, 1, 2);
        const char *second_sep = k == 3 ? "月" : seps[k];
        size_t m = strlen(second_sep);
        if (!q || strncmp(q, second_sep, m) != 0)
            return false;
        const char *r = digits_run(q + m, 1, 4);
        if (!r)
            return false;
        size_t last = (size_t)(r - (q + m));
        if (first != 4 && last != 4 && !(first <= 2 && last == 2))
            return false; /* one part is a year (or a 2-digit year last) */
        if (k == 3 && !strncmp(r, "日", strlen("日")))
            r += strlen("日");
        if (*r == ' ' && digits_run(r + 1, 1, 2))
            return true; /* a time after the date */
        return *r == '\0';
    }
    return false;
}

static char *zero_padded(const char *digits, size_t width)
{
    size_t n = strlen(digits);
    char *out = malloc(width + 1);
    if (!out)
        return NULL;
    memset(out, '0', width - n);
    memcpy(out + width - n, digits, n + 1);
    return out;
}

/* One finding per damaged value; true when the field is damaged and its
 * own rules should not run. */
static bool excel_damage(const rules *r, gpi_student *s, gpi_field field)
{
    if (damaged(s, field))
        return true; /* the workbook reader reported it */
    const char *v = s->value[field];
    const char *label = gpi_field_label(field);
    if (!v[0])
        return false;
    if (gpi_excel_scientific(v) && field != GPI_FIELD_ID_NUMBER)
        return damage(r, s, GP_ROSTER_EXCEL_SCIENTIFIC, field, "完整号码（文本格式）",
                      "%s显示为“%s”：Excel 把它当成数字改成了科学计数法，后几位已经丢失；"
                      "请把“%s”列设为“文本”格式后重新输入",
                      label, v, label);
    if (looks_like_date(v))
        return damage(r, s, GP_ROSTER_EXCEL_DATE, field, "号码（文本格式）",
                      "%s“%s”是一个日期：Excel 把输入的号码当成了日期，原来的号码已经改变；"
                      "请把“%s”列设为“文本”格式后重新输入",
                      label, v, label);
    size_t len = strlen(v);
    if (!all_digits(v))
        return false;
    if (field == GPI_FIELD_ID_NUMBER && len == 18 && !strcmp(v + 15, "000")) {
        /* the check character may happen to be right: the evidence is the
         * 000, and the column it sits in */
        bool checksum_ok = gpi_id_validate(v, 99991231, NULL) == GPI_ID_OK;
        gp_severity sev = checksum_ok && !r->id_column_truncated ? GP_WARNING : GP_ERROR;
        gpi_where w = {.row = s->row, .seq = s->seq[0] ? s->seq : NULL, .field = label,
                      .file = r->file};
        gpi_report_add_severity(r->report, sev, GP_ROSTER_EXCEL_TRUNCATED, &w, v,
                               "18 位完整号码（文本格式）",
                               "身份证号“%s”末尾是 000：%s请把“身份证号”列设为“文本”格式，"
                               "对照身份证重新输入完整的 18 位号码",
                               v,
                               sev == GP_ERROR
                                   ? "Excel 把它当成数字只保留了 15 位有效数字，后 3 位已经丢失；"
                                   : "号码虽然能通过校验，但 18 位号码以 000 结尾很少见，"
                                     "多半是 Excel 把它当成数字只保留了前 15 位；");
        if (sev == GP_ERROR)
            s->has_error = true;
        mark_damaged(s, field);
        return true;
    }
    if (field == GPI_FIELD_STUDENT_NO && len >= 16 && strspn(v + 15, "0") == len - 15)
        return damage(r, s, GP_ROSTER_EXCEL_TRUNCATED, field, "完整号码（文本格式）",
                      "学号“%s”有 %zu 位且第 16 位起全是 0：很像 Excel 把它当成数字只保留了 15 位；"
                      "请把“学号”列设为“文本”格式后重新输入",
                      v, len);
    if (field == GPI_FIELD_SCHOOL_CODE && len < 5) {
        char *padded = zero_padded(v, 5);
        damage(r, s, GP_ROSTER_EXCEL_LEADING_ZEROS, field, padded ? padded : "5 位数字",
               "院校代码“%s”只有 %zu 位：很像 Excel 去掉了开头的 0（应为“%s”？）；"
               "请把“院校代码”列设为“文本”格式后重新输入",
               v, len, padded ? padded : "");
        free(padded);
        return true;
    }
    if (field == GPI_FIELD_STUDENT_NO && r->student_no_length && len < r->student_no_length) {
        char *padded = zero_padded(v, r->student_no_length);
        gpi_where w = {.row = s->row, .seq = s->seq[0] ? s->seq : NULL, .field = label,
                      .file = r->file};
        gpi_report_add_severity(r->report, GP_WARNING, GP_ROSTER_EXCEL_LEADING_ZEROS, &w, v,
                               padded ? padded : "", "学号“%s”只有 %zu 位，这一列其他学号都是 %zu 位："
                               "可能是 Excel 去掉了开头的 0（应为“%s”？）；若是，请把“学号”列设为"
                               "“文本”格式后重新输入",
                               v, len, r->student_no_length, padded ? padded : "");
        free(padded);
        return false;
    }
    return false;
}

/* Column evidence, before any row is judged: how many 18-digit IDs end in
 * 000, and the length most all-digit 学号 share. */
static void survey_columns(rules *r)
{
    size_t ids = 0, zeros = 0, numbers = 0;
    size_t length_count[33] = {0};
    for (size_t i = 0; i < r->roster->count; i++) {
        const gpi_student *s = &r->roster->students[i];
        const char *id = s->value[GPI_FIELD_ID_NUMBER];
        if (strlen(id) == 18 && all_digits(id)) {
            ids++;
            zeros += !strcmp(id + 15, "000");
        }
        const char *no = s->value[GPI_FIELD_STUDENT_NO];
        size_t len = strlen(no);
        if (all_digits(no) && len < GPI_ARRAY_LEN(length_count)) {
            length_count[len]++;
            numbers++;
        }
    }
    r->id_column_truncated = zeros >= 2 && zeros * 4 >= ids;
    for (size_t len = 1; len < GPI_ARRAY_LEN(length_count); len++)
        if (numbers >= 3 && length_count[len] * 10 >= numbers * 8)
            r->student_no_length = len;
}

static void judge_row(const rules *r, gpi_student *s, bool *code_ok)
{
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        if (rule_characters(r, s, (gpi_field)f))
            rule_formula(r, s, (gpi_field)f);
    static const gpi_field identifiers[] = {GPI_FIELD_STUDENT_NO, GPI_FIELD_ID_NUMBER,
                                           GPI_FIELD_SCHOOL_CODE};
    if (s->value[GPI_FIELD_SEQ][0] && !excel_damage(r, s, GPI_FIELD_SEQ))
        rule_seq(r, s);
    for (size_t i = 0; i < GPI_ARRAY_LEN(identifiers); i++) {
        normalise_fullwidth(r, s, identifiers[i]);
        excel_damage(r, s, identifiers[i]);
    }
    for (int f = 0; f < GPI_FIELD_COUNT; f++)
        if (!s->value[f][0])
            add(r, s, GP_ROSTER_FIELD_EMPTY, f, "", "必填", "“%s”是空的",
                gpi_field_label((gpi_field)f));
    if (s->value[GPI_FIELD_LEVEL][0])
        rule_level(r, s);
    bool sex_valid = s->value[GPI_FIELD_SEX][0] && rule_sex(r, s);
    if (s->value[GPI_FIELD_ID_NUMBER][0] && !damaged(s, GPI_FIELD_ID_NUMBER))
        rule_id(r, s, sex_valid);
    *code_ok = s->value[GPI_FIELD_SCHOOL_CODE][0] && !damaged(s, GPI_FIELD_SCHOOL_CODE) &&
               rule_school_code(r, s);
}

/* ---- values that must not repeat -------------------------------------- */

typedef struct keyed {
    const char *key;
    size_t index;
} keyed;

static int compare_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static const char *dup_key(const gpi_student *s, gpi_field field)
{
    if (field == GPI_FIELD_SEQ)
        return s->seq[0] ? s->seq : NULL;
    const char *v = s->value[field];
    if (!v[0] || damaged(s, field))
        return NULL;
    /* two numbers Excel mangled alike are not the same person */
    if (field == GPI_FIELD_ID_NUMBER && gpi_id_validate(v, 99991231, NULL) == GPI_ID_SCIENTIFIC)
        return NULL;
    return v;
}

static void check_duplicates(const rules *r, gpi_field field, gp_code code, const char *what)
{
    gpi_roster *roster = r->roster;
    keyed *keys = malloc((roster->count ? roster->count : 1) * sizeof *keys);
    if (!keys)
        return;
    size_t n = 0;
    for (size_t i = 0; i < roster->count; i++) {
        const char *key = dup_key(&roster->students[i], field);
        if (key)
            keys[n++] = (keyed){key, i};
    }
    qsort(keys, n, sizeof *keys, compare_keyed);
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(keys[i].key, keys[first].key) != 0) {
            first = i;
            continue;
        }
        gpi_student *s = &roster->students[keys[i].index];
        const gpi_student *earlier = &roster->students[keys[first].index];
        char expected[64];
        snprintf(expected, sizeof expected, "不与第 %d 行重复", earlier->row);
        add(r, s, code, field, keys[i].key, expected, "%s %s 与第 %d 行（%s）重复", what,
            keys[i].key, earlier->row, earlier->value[GPI_FIELD_NAME]);
    }
    free(keys);
}

/* ---- the school's own values ------------------------------------------ */

static void check_school_field(const rules *r, gpi_field field, const char *pinned,
                               const bool *code_ok)
{
    const gpi_student *first = NULL;
    for (size_t i = 0; i < r->roster->count; i++) {
        gpi_student *s = &r->roster->students[i];
        const char *v = s->value[field];
        if (!v[0] || (field == GPI_FIELD_SCHOOL_CODE && !code_ok[i]))
            continue;
        if (!first)
            first = s;
        bool is_pinned = pinned && !strcmp(v, pinned);
        if (pinned && !is_pinned)
            add(r, s, GP_ROSTER_SCHOOL_MISMATCH, field, v, pinned,
                "%s“%s”与规定的“%s”不符", gpi_field_label(field), v, pinned);
        if (!is_pinned && strcmp(v, first->value[field]) != 0)
            add(r, s, GP_ROSTER_SCHOOL_INCONSISTENT, field, v, first->value[field],
                "%s“%s”与第 %d 行的“%s”不同", gpi_field_label(field), v, first->row,
                first->value[field]);
    }
}

void gpi_roster_apply_rules(gpi_roster *roster, const gp_profile *profile,
                           const char *file_label, gp_report *report)
{
    if (!roster || !roster->usable)
        return;
    rules r = {roster, profile, file_label, report, gpi_today(), false, 0};
    survey_columns(&r);
    bool *code_ok = calloc(roster->count ? roster->count : 1, sizeof *code_ok);
    if (!code_ok)
        return;
    for (size_t i = 0; i < roster->count; i++)
        judge_row(&r, &roster->students[i], &code_ok[i]);
    check_duplicates(&r, GPI_FIELD_SEQ, GP_ROSTER_SEQ_DUPLICATE, "拍摄序号");
    check_duplicates(&r, GPI_FIELD_ID_NUMBER, GP_ROSTER_ID_DUPLICATE, "身份证号");
    check_duplicates(&r, GPI_FIELD_STUDENT_NO, GP_ROSTER_STUDENT_NO_DUPLICATE, "学号");
    check_school_field(&r, GPI_FIELD_SCHOOL_TYPE, profile->school_type, code_ok);
    check_school_field(&r, GPI_FIELD_SCHOOL_CODE, profile->school_code, code_ok);
    check_school_field(&r, GPI_FIELD_SCHOOL_NAME, profile->school_name, code_ok);
    free(code_ok);
}
