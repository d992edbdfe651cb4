/* .xlsx (Office Open XML) sheets as rows of cells: libzip for the package,
 * libxml2's streaming xmlTextReader for every part.  The file is untrusted:
 * each part is inflated into a bounded buffer (size, total and ratio
 * limits, counted as the bytes arrive, not as the zip header claims), the
 * XML is parsed without network access, entity substitution or DTD loading,
 * and any DOCTYPE is refused outright (no billion laughs, no external
 * entities).  Depth, string sizes and counts are bounded
 * (workbook_reader.h, docs/limits.md).
 *
 * What is read: xl/workbook.xml (sheet names and order, date1904), its
 * relationships (where each sheet lives), xl/sharedStrings.xml (plain and
 * rich-text strings; phonetic runs skipped), xl/styles.xml (which cell
 * formats are dates), and per sheet the cells (shared, inline and formula
 * strings, numbers, booleans, errors) and merged ranges, whose top-left
 * value is given to every cell they cover, as Excel shows it. */
#include "workbook_reader.h"

#include <libxml/xmlreader.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct strings {
    char **items;
    size_t *lens;
    size_t count, cap;
} strings;

typedef struct xlsx {
    zip_t *za;
    workbook_failure *f;
    uint64_t total;        /* inflated bytes read so far */
    strings shared;
    unsigned char *date_style; /* per cellXfs index: 1 when a date format */
    size_t style_count;
    bool date1904;
    size_t cells;
} xlsx;

/* ---- bounded part reading ------------------------------------------------ */

/* Read a part whole; NULL when absent (*missing) or refused (f set). */
static char *read_part(xlsx *x, const char *name, size_t *len, bool *missing)
{
    *missing = false;
    zip_int64_t at = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
    if (at < 0 && name[0] == '/')
        at = zip_name_locate(x->za, name + 1, ZIP_FL_NOCASE);
    if (at < 0) {
        *missing = true;
        return NULL;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(x->za, (zip_uint64_t)at, 0, &st) != 0) {
        workbook_failed(x->f, WB_DAMAGED, "工作簿的部件 %s 损坏", name);
        return NULL;
    }
    zip_file_t *zf = zip_fopen_index(x->za, (zip_uint64_t)at, 0);
    if (!zf) {
        workbook_failed(x->f, WB_DAMAGED, "工作簿的部件 %s 无法解压（加密或损坏）", name);
        return NULL;
    }
    size_t cap = 65536, used = 0;
    char *buf = malloc(cap + 1);
    bool ok = buf != NULL;
    if (!ok)
        workbook_failed(x->f, WB_NOMEM, "内存不足");
    while (ok) {
        if (used == cap) {
            if (cap >= WB_MAX_PART_BYTES) {
                ok = workbook_failed(x->f, WB_LIMIT, "工作簿的部件 %s 解压后超过 %u MB（疑似压缩炸弹）", name,
                                     WB_MAX_PART_BYTES >> 20);
                break;
            }
            cap *= 2;
            char *grown = realloc(buf, cap + 1);
            if (!grown) {
                ok = workbook_failed(x->f, WB_NOMEM, "内存不足");
                break;
            }
            buf = grown;
        }
        zip_int64_t n = zip_fread(zf, buf + used, cap - used);
        if (n < 0) {
            ok = workbook_failed(x->f, WB_DAMAGED, "工作簿的部件 %s 解压出错（文件损坏）", name);
            break;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        x->total += (uint64_t)n;
        if (x->total > WB_MAX_TOTAL_BYTES) {
            ok = workbook_failed(x->f, WB_LIMIT, "工作簿解压后的总大小超过 %u MB（疑似压缩炸弹）",
                                 WB_MAX_TOTAL_BYTES >> 20);
            break;
        }
        uint64_t packed = (st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size ? st.comp_size : 1;
        if (used > (1u << 20) && used / packed > WB_MAX_RATIO) {
            ok = workbook_failed(x->f, WB_LIMIT,
                                 "工作簿的部件 %s 压缩比超过 %d:1（疑似压缩炸弹）", name,
                                 WB_MAX_RATIO);
            break;
        }
    }
    zip_fclose(zf);
    if (!ok) {
        free(buf);
        return NULL;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

/* ---- XML ----------------------------------------------------------------- */

/* The library never prints: libxml2's messages are dropped (the refusal
 * names the part instead). */
static void silent(void *context, xmlErrorPtr error)
{
    (void)context;
    (void)error;
}

static xmlTextReaderPtr open_xml(xlsx *x, const char *data, size_t len, const char *name)
{
    /* a DTD is never part of a workbook: refuse it before the parser sees it */
    if (memmem(data, len, "<!DOCTYPE", 9) || memmem(data, len, "<!ENTITY", 8)) {
        workbook_failed(x->f, WB_LIMIT, "工作簿的部件 %s 含有 DOCTYPE/实体声明，已拒绝（工作簿从不需要它们）",
                        name);
        return NULL;
    }
    if (len > INT32_MAX) {
        workbook_failed(x->f, WB_LIMIT, "工作簿的部件 %s 过大", name);
        return NULL;
    }
    xmlTextReaderPtr r = xmlReaderForMemory(data, (int)len, NULL, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!r)
        workbook_failed(x->f, WB_NOMEM, "内存不足");
    else
        xmlTextReaderSetStructuredErrorHandler(r, silent, NULL);
    return r;
}

/* Next node; 0 at the end, -1 refused (f set). */
static int next_node(xlsx *x, xmlTextReaderPtr r, const char *name)
{
    int rc = xmlTextReaderRead(r);
    if (rc < 0) {
        workbook_failed(x->f, WB_DAMAGED, "工作簿的部件 %s 不是合格的 XML（文件损坏）", name);
        return -1;
    }
    if (rc == 0)
        return 0;
    int type = xmlTextReaderNodeType(r);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
        type == XML_READER_TYPE_ENTITY) {
        workbook_failed(x->f, WB_LIMIT, "工作簿的部件 %s 含有 DOCTYPE/实体，已拒绝", name);
        return -1;
    }
    if (xmlTextReaderDepth(r) > WB_MAX_XML_DEPTH) {
        workbook_failed(x->f, WB_LIMIT, "工作簿的部件 %s 的 XML 嵌套超过 %d 层", name,
                        WB_MAX_XML_DEPTH);
        return -1;
    }
    return 1;
}

static bool is_element(xmlTextReaderPtr r, const char *local)
{
    return xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
           !strcmp((const char *)xmlTextReaderConstLocalName(r), local);
}

static bool is_end(xmlTextReaderPtr r, const char *local)
{
    return xmlTextReaderNodeType(r) == XML_READER_TYPE_END_ELEMENT &&
           !strcmp((const char *)xmlTextReaderConstLocalName(r), local);
}

/* An attribute by local name (malloc'd by libxml2: xmlFree), or NULL. */
static char *attr(xmlTextReaderPtr r, const char *local)
{
    char *v = (char *)xmlTextReaderGetAttribute(r, (const xmlChar *)local);
    if (v)
        return v;
    /* r:id and similar: match the local part of a prefixed name */
    if (xmlTextReaderMoveToFirstAttribute(r) == 1) {
        do {
            const char *ln = (const char *)xmlTextReaderConstLocalName(r);
            if (ln && !strcmp(ln, local)) {
                v = (char *)xmlTextReaderValue(r);
                break;
            }
        } while (xmlTextReaderMoveToNextAttribute(r) == 1);
        xmlTextReaderMoveToElement(r);
    }
    return v;
}

/* The end of reading a part: its reader and bytes freed; ok unless the
 * reader failed (rc < 0) on the way. */
static bool part_done(xmlTextReaderPtr r, char *data, int rc, bool ok)
{
    if (r)
        xmlFreeTextReader(r);
    free(data);
    return ok && rc >= 0;
}

/* Append the text of the current node to buf (bounded). */
static bool append_text(xlsx *x, xmlTextReaderPtr r, char **buf, size_t *len, size_t *cap)
{
    const char *v = (const char *)xmlTextReaderConstValue(r);
    size_t n = v ? strlen(v) : 0;
    if (*len + n > WB_MAX_STRING_BYTES)
        return workbook_failed(x->f, WB_LIMIT, "工作簿里有一段文字超过 %d 字节",
                               WB_MAX_STRING_BYTES);
    if (*len + n + 1 > *cap) {
        size_t want = (*len + n + 1) * 2;
        char *grown = realloc(*buf, want);
        if (!grown)
            return workbook_failed(x->f, WB_NOMEM, "内存不足");
        *buf = grown;
        *cap = want;
    }
    memcpy(*buf + *len, v, n);
    *len += n;
    (*buf)[*len] = '\0';
    return true;
}

/* Text of the current element, up to its end: <t> runs, skipping phonetic
 * <rPh> runs; appended to buf (bounded). */
static bool element_text(xlsx *x, xmlTextReaderPtr r, const char *end_name, const char *part,
                         char **buf, size_t *len, size_t *cap)
{
    if (xmlTextReaderIsEmptyElement(r))
        return true;
    int skip_depth = -1; /* inside <rPh>: its depth */
    int in_t = 0;
    for (;;) {
        int rc = next_node(x, r, part);
        if (rc <= 0)
            return rc == 0 ? workbook_failed(x->f, WB_DAMAGED, "工作簿的部件 %s 意外结束", part)
                           : false;
        int type = xmlTextReaderNodeType(r);
        if (is_end(r, end_name))
            return true;
        if (skip_depth >= 0) {
            if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == skip_depth)
                skip_depth = -1;
            continue;
        }
        if (is_element(r, "rPh") && !xmlTextReaderIsEmptyElement(r)) {
            skip_depth = xmlTextReaderDepth(r);
            continue;
        }
        if (is_element(r, "t") && !xmlTextReaderIsEmptyElement(r)) {
            in_t++;
            continue;
        }
        if (is_end(r, "t")) {
            in_t--;
            continue;
        }
        if (in_t > 0 && (type == XML_READER_TYPE_TEXT ||
                         type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                         type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_CDATA)) {
            if (!append_text(x, r, buf, len, cap))
                return false;
        }
    }
}

/* Text of a simple element such as <v> or <f> (no runs). */
static bool simple_text(xlsx *x, xmlTextReaderPtr r, const char *end_name, const char *part,
                        char **buf, size_t *len, size_t *cap)
{
    if (xmlTextReaderIsEmptyElement(r))
        return true;
    for (;;) {
        int rc = next_node(x, r, part);
        if (rc <= 0)
            return rc == 0 ? workbook_failed(x->f, WB_DAMAGED, "工作簿的部件 %s 意外结束", part)
                           : false;
        if (is_end(r, end_name))
            return true;
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
            type == XML_READER_TYPE_CDATA) {
            if (!append_text(x, r, buf, len, cap))
                return false;
        }
    }
}

/* ---- shared strings -------------------------------------------------------- */

static bool read_shared_strings(xlsx *x, const char *part)
{
    size_t len = 0;
    bool missing = false;
    char *data = read_part(x, part, &len, &missing);
    if (!data)
        return missing; /* a workbook of numbers only has none */
    xmlTextReaderPtr r = open_xml(x, data, len, part);
    bool ok = r != NULL;
    char *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    while (ok && (rc = next_node(x, r, part)) > 0) {
        if (!is_element(r, "si"))
            continue;
        if (x->shared.count >= WB_MAX_SHARED_STRINGS) {
            ok = workbook_failed(x->f, WB_LIMIT, "工作簿的共享字符串超过 %d 个",
                                 WB_MAX_SHARED_STRINGS);
            break;
        }
        size_t n = 0;
        if (buf)
            buf[0] = '\0';
        if (!element_text(x, r, "si", part, &buf, &n, &cap)) {
            ok = false;
            break;
        }
        if (x->shared.count == x->shared.cap) {
            size_t c = x->shared.cap ? x->shared.cap * 2 : 256;
            char **items = realloc(x->shared.items, c * sizeof *items);
            if (items)
                x->shared.items = items;
            size_t *lens = realloc(x->shared.lens, c * sizeof *lens);
            if (lens)
                x->shared.lens = lens;
            if (!items || !lens) {
                ok = workbook_failed(x->f, WB_NOMEM, "内存不足");
                break;
            }
            x->shared.cap = c;
        }
        char *copy = strndup(buf ? buf : "", n);
        if (!copy) {
            ok = workbook_failed(x->f, WB_NOMEM, "内存不足");
            break;
        }
        x->shared.items[x->shared.count] = copy;
        x->shared.lens[x->shared.count++] = n;
    }
    free(buf);
    return part_done(r, data, rc, ok);
}

/* ---- styles: which cell formats are dates ---------------------------------- */

static bool builtin_date(long id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
           (id >= 50 && id <= 58);
}

/* A format code with a date part (y, m, d outside quotes and brackets). */
static bool code_is_date(const char *code)
{
    bool quoted = false;
    for (const char *p = code; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (*p == '\\' && p[1])
            p++;
        else if (*p == '[') {
            const char *close = strchr(p, ']');
            if (!close)
                return false;
            p = close;
        } else if (*p == 'y' || *p == 'Y' || *p == 'd' || *p == 'D')
            return true;
    }
    return false;
}

typedef struct custom_format {
    long id;
    bool date;
} custom_format;

static bool read_styles(xlsx *x, const char *part)
{
    size_t len = 0;
    bool missing = false;
    char *data = read_part(x, part, &len, &missing);
    if (!data)
        return missing;
    xmlTextReaderPtr r = open_xml(x, data, len, part);
    bool ok = r != NULL, in_xfs = false;
    custom_format custom[256];
    size_t ncustom = 0, cap = 0;
    int rc = 0;
    while (ok && (rc = next_node(x, r, part)) > 0) {
        if (is_element(r, "numFmt") && ncustom < 256) {
            char *id = attr(r, "numFmtId"), *code = attr(r, "formatCode");
            if (id && code)
                custom[ncustom++] = (custom_format){strtol(id, NULL, 10), code_is_date(code)};
            xmlFree(id);
            xmlFree(code);
        } else if (is_element(r, "cellXfs")) {
            in_xfs = !xmlTextReaderIsEmptyElement(r);
        } else if (is_end(r, "cellXfs")) {
            in_xfs = false;
        } else if (in_xfs && is_element(r, "xf")) {
            if (x->style_count >= 65536) {
                ok = workbook_failed(x->f, WB_LIMIT, "工作簿的单元格格式超过 65536 个");
                break;
            }
            if (x->style_count == cap) {
                cap = cap ? cap * 2 : 64;
                unsigned char *grown = realloc(x->date_style, cap);
                if (!grown) {
                    ok = workbook_failed(x->f, WB_NOMEM, "内存不足");
                    break;
                }
                x->date_style = grown;
            }
            char *id = attr(r, "numFmtId");
            long n = id ? strtol(id, NULL, 10) : 0;
            xmlFree(id);
            bool date = builtin_date(n);
            for (size_t i = 0; i < ncustom; i++)
                if (custom[i].id == n)
                    date = custom[i].date;
            x->date_style[x->style_count++] = date;
        }
    }
    return part_done(r, data, rc, ok);
}

/* ---- workbook.xml and its relationships ------------------------------------ */

typedef struct sheet_ref {
    char *name;
    char *rid;
    char *path;
} sheet_ref;

static void free_refs(sheet_ref *refs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        xmlFree(refs[i].name);
        xmlFree(refs[i].rid);
        free(refs[i].path);
    }
    free(refs);
}

static sheet_ref *read_workbook_part(xlsx *x, size_t *count)
{
    size_t len = 0;
    bool missing = false;
    *count = 0;
    char *data = read_part(x, "xl/workbook.xml", &len, &missing);
    if (!data) {
        if (missing)
            workbook_failed(x->f, WB_DAMAGED,
                            "缺少 xl/workbook.xml：这不是 Excel 工作簿（可能是 Word/PowerPoint 文件或其他压缩包）");
        return NULL;
    }
    xmlTextReaderPtr r = open_xml(x, data, len, "xl/workbook.xml");
    sheet_ref *refs = calloc(WB_MAX_SHEETS, sizeof *refs);
    bool ok = r && refs;
    if (r && !refs)
        workbook_failed(x->f, WB_NOMEM, "内存不足");
    int rc = 0;
    while (ok && (rc = next_node(x, r, "xl/workbook.xml")) > 0) {
        if (is_element(r, "workbookPr")) {
            char *v = attr(r, "date1904");
            x->date1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
            xmlFree(v);
        } else if (is_element(r, "sheet")) {
            if (*count == WB_MAX_SHEETS) {
                ok = workbook_failed(x->f, WB_LIMIT, "工作簿的工作表超过 %d 个", WB_MAX_SHEETS);
                break;
            }
            sheet_ref *s = &refs[(*count)++];
            s->name = attr(r, "name");
            s->rid = attr(r, "id");
            if (s->name && strlen(s->name) > 255) {
                /* Excel allows 31 characters */
                ok = workbook_failed(x->f, WB_DAMAGED, "工作表名称超过 255 字节（文件损坏）");
                break;
            }
        }
    }
    if (!part_done(r, data, rc, ok)) {
        free_refs(refs, *count);
        return NULL;
    }
    if (*count == 0) {
        workbook_failed(x->f, WB_DAMAGED, "工作簿里没有工作表");
        free_refs(refs, 0);
        return NULL;
    }
    return refs;
}

/* "worksheets/sheet1.xml" relative to xl/, or "/xl/..." absolute. */
static char *resolve_target(const char *target)
{
    if (target[0] == '/')
        return strdup(target + 1);
    size_t n = strlen(target);
    char *path = malloc(n + 4);
    if (path)
        snprintf(path, n + 4, "xl/%s", target);
    return path;
}

static bool read_relationships(xlsx *x, sheet_ref *refs, size_t count, char **shared_path,
                               char **styles_path)
{
    size_t len = 0;
    bool missing = false;
    const char *part = "xl/_rels/workbook.xml.rels";
    char *data = read_part(x, part, &len, &missing);
    if (!data) {
        if (missing)
            workbook_failed(x->f, WB_DAMAGED, "缺少 %s：工作簿不完整（文件损坏）", part);
        return false;
    }
    xmlTextReaderPtr r = open_xml(x, data, len, part);
    bool ok = r != NULL;
    int rc = 0;
    while (ok && (rc = next_node(x, r, part)) > 0) {
        if (!is_element(r, "Relationship"))
            continue;
        char *id = attr(r, "Id"), *target = attr(r, "Target"), *type = attr(r, "Type");
        if (id && target && type) {
            size_t tl = strlen(type);
            const char *tail = tl >= 14 ? type + tl - 14 : type;
            if (!strcmp(tail, "/sharedStrings") && !*shared_path)
                *shared_path = resolve_target(target);
            else if (tl >= 7 && !strcmp(type + tl - 7, "/styles") && !*styles_path)
                *styles_path = resolve_target(target);
            for (size_t i = 0; i < count; i++)
                if (refs[i].rid && !refs[i].path && !strcmp(refs[i].rid, id))
                    refs[i].path = resolve_target(target);
        }
        xmlFree(id);
        xmlFree(target);
        xmlFree(type);
    }
    return part_done(r, data, rc, ok);
}

/* ---- one worksheet ------------------------------------------------------------ */

/* "BC12" -> column 54 (0-based), row 12; false when malformed. */
static bool parse_ref(const char *ref, size_t *column, int *row)
{
    size_t c = 0;
    const char *p = ref;
    int letters = 0;
    while (*p >= 'A' && *p <= 'Z' && letters < 4) {
        c = c * 26 + (size_t)(*p - 'A' + 1);
        p++;
        letters++;
    }
    if (!letters || *p < '1' || *p > '9')
        return false;
    long r = 0;
    while (*p >= '0' && *p <= '9' && r <= 1048576)
        r = r * 10 + (*p++ - '0');
    if (*p || r > 1048576)
        return false;
    *column = c - 1;
    *row = (int)r;
    return true;
}

typedef struct merge_range {
    int row1, row2;
    size_t col1, col2;
} merge_range;

static bool apply_merges(xlsx *x, workbook_sheet *sheet, const merge_range *m, size_t n)
{
    size_t covered = 0;
    for (size_t i = 0; i < n; i++) {
        /* the top-left cell's value, if any */
        const workbook_row *top = NULL;
        size_t lo = 0, hi = sheet->count;
        while (lo < hi && !top) {
            size_t mid = lo + (hi - lo) / 2;
            if (sheet->rows[mid].row == m[i].row1)
                top = &sheet->rows[mid];
            else if (sheet->rows[mid].row < m[i].row1)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (!top || m[i].col1 >= top->count || !top->cells[m[i].col1] || !top->lens[m[i].col1])
            continue;
        size_t cells = (size_t)(m[i].row2 - m[i].row1 + 1) * (m[i].col2 - m[i].col1 + 1);
        covered += cells;
        if (covered > WB_MAX_MERGED_CELLS)
            return workbook_failed(x->f, WB_LIMIT, "工作表“%s”的合并单元格覆盖超过 %d 个单元格",
                                   sheet->name, WB_MAX_MERGED_CELLS);
        char *value = strdup(top->cells[m[i].col1]);
        if (!value)
            return workbook_failed(x->f, WB_NOMEM, "内存不足");
        workbook_cell_kind kind = top->kinds[m[i].col1];
        bool ok = true;
        for (int row = m[i].row1; ok && row <= m[i].row2; row++)
            for (size_t c = m[i].col1; ok && c <= m[i].col2; c++)
                if (row != m[i].row1 || c != m[i].col1)
                    ok = workbook_put(sheet, &x->cells, row, c, value, strlen(value), kind,
                                      false, x->f);
        free(value);
        if (!ok)
            return false;
    }
    return true;
}

static bool read_sheet(xlsx *x, const char *part, workbook_sheet *sheet)
{
    size_t len = 0;
    bool missing = false;
    char *data = read_part(x, part, &len, &missing);
    if (!data) {
        if (missing)
            workbook_failed(x->f, WB_DAMAGED, "缺少工作表“%s”的部件 %s：工作簿不完整（文件损坏）",
                            sheet->name, part);
        return false;
    }
    xmlTextReaderPtr r = open_xml(x, data, len, part);
    bool ok = r != NULL;
    int row = 0, rc = 0;
    size_t next_col = 0;
    char *value = NULL, *scratch = NULL;
    size_t value_cap = 0, scratch_cap = 0;
    merge_range *merges = NULL;
    size_t merge_count = 0, merge_cap = 0;
    while (ok && (rc = next_node(x, r, part)) > 0) {
        if (is_element(r, "row")) {
            char *rv = attr(r, "r");
            int n = rv ? atoi(rv) : row + 1;
            xmlFree(rv);
            if (n < 1 || n > 1048576) {
                ok = workbook_failed(x->f, WB_DAMAGED, "工作表“%s”的行号不对（文件损坏）",
                                     sheet->name);
                break;
            }
            row = n;
            next_col = 0;
            continue;
        }
        if (is_element(r, "mergeCell")) {
            char *ref = attr(r, "ref");
            char *colon = ref ? strchr(ref, ':') : NULL;
            merge_range m;
            if (colon) {
                *colon = '\0';
                if (parse_ref(ref, &m.col1, &m.row1) && parse_ref(colon + 1, &m.col2, &m.row2) &&
                    m.row1 <= m.row2 && m.col1 <= m.col2) {
                    if (merge_count == merge_cap) {
                        merge_cap = merge_cap ? merge_cap * 2 : 16;
                        merge_range *grown = merge_cap <= 65536
                                                 ? realloc(merges, merge_cap * sizeof *grown)
                                                 : NULL;
                        if (!grown)
                            ok = workbook_failed(x->f, WB_LIMIT, "工作表“%s”的合并区域过多",
                                                 sheet->name);
                        else
                            merges = grown;
                    }
                    if (ok)
                        merges[merge_count++] = m;
                }
            }
            xmlFree(ref);
            continue;
        }
        if (!is_element(r, "c"))
            continue;
        /* one cell */
        char *ref = attr(r, "r"), *type = attr(r, "t"), *style = attr(r, "s");
        size_t column = next_col;
        int cell_row = row;
        if (ref && !parse_ref(ref, &column, &cell_row))
            ok = workbook_failed(x->f, WB_DAMAGED, "工作表“%s”有一个单元格地址“%s”不对（文件损坏）",
                                 sheet->name, ref);
        if (cell_row != row && row)
            cell_row = row; /* the row element decides */
        if (!row)
            row = cell_row;
        next_col = column + 1;
        long style_index = style ? strtol(style, NULL, 10) : 0;
        char t[12] = "n";
        if (type)
            snprintf(t, sizeof t, "%s", type);
        xmlFree(ref);
        xmlFree(type);
        xmlFree(style);
        size_t vlen = 0;
        bool formula = false;
        if (value)
            value[0] = '\0';
        if (ok && !xmlTextReaderIsEmptyElement(r)) {
            for (;;) {
                int k = next_node(x, r, part);
                if (k <= 0) {
                    ok = k == 0 ? workbook_failed(x->f, WB_DAMAGED, "工作表“%s”意外结束", sheet->name)
                                : false;
                    break;
                }
                if (is_end(r, "c"))
                    break;
                if (is_element(r, "f")) {
                    formula = true;
                    size_t sl = 0;
                    if (!simple_text(x, r, "f", part, &scratch, &sl, &scratch_cap)) {
                        ok = false;
                        break;
                    }
                } else if (is_element(r, "v")) {
                    vlen = 0;
                    if (!simple_text(x, r, "v", part, &value, &vlen, &value_cap)) {
                        ok = false;
                        break;
                    }
                } else if (is_element(r, "is")) {
                    vlen = 0;
                    if (!element_text(x, r, "is", part, &value, &vlen, &value_cap)) {
                        ok = false;
                        break;
                    }
                }
            }
        }
        if (!ok)
            break;
        const char *text = value ? value : "";
        workbook_cell_kind kind = WB_CELL_TEXT;
        char date[32];
        if (!strcmp(t, "s")) {
            char *end = NULL;
            unsigned long i = strtoul(text, &end, 10);
            if (!vlen || *end || i >= x->shared.count) {
                ok = workbook_failed(x->f, WB_DAMAGED,
                                     "工作表“%s”第 %d 行引用了不存在的共享字符串（文件损坏）",
                                     sheet->name, cell_row);
                break;
            }
            text = x->shared.items[i];
            vlen = x->shared.lens[i];
        } else if (!strcmp(t, "b")) {
            text = vlen && text[0] == '1' ? "TRUE" : vlen ? "FALSE" : "";
            vlen = strlen(text);
            kind = WB_CELL_BOOL;
        } else if (!strcmp(t, "e")) {
            kind = WB_CELL_ERROR;
        } else if (!strcmp(t, "n") && vlen) {
            kind = WB_CELL_NUMBER;
            char *end = NULL;
            double d = strtod(text, &end);
            if (*end)
                kind = WB_CELL_TEXT; /* not a number after all: keep the text */
            else if (style_index >= 0 && (size_t)style_index < x->style_count &&
                     x->date_style[style_index] && workbook_serial_date(d, x->date1904, date)) {
                text = date;
                vlen = strlen(date);
                kind = WB_CELL_DATE;
            }
        }
        /* t="str", "inlineStr", "d" (ISO date text): text as stored */
        ok = workbook_put(sheet, &x->cells, cell_row, column, text, vlen, kind, formula, x->f);
    }
    if (rc < 0)
        ok = false;
    if (ok && merge_count)
        ok = apply_merges(x, sheet, merges, merge_count);
    free(merges);
    free(value);
    free(scratch);
    return part_done(r, data, rc, ok);
}

/* ---- the workbook --------------------------------------------------------------- */

workbook *xlsx_read(const void *data, size_t len, workbook_failure *f)
{
    xmlInitParser();
    xlsx x = {.f = f};
    workbook *wb = calloc(1, sizeof *wb);
    if (!wb) {
        workbook_failed(f, WB_NOMEM, "内存不足");
        return NULL;
    }
    wb->kind = WORKBOOK_XLSX;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src && !(x.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
        zip_source_free(src);
        workbook_failed(f, WB_DAMAGED, "文件以压缩包标记开头，但不是完整的压缩包（%s）",
                        zip_error_strerror(&ze));
    } else if (!src) {
        workbook_failed(f, WB_NOMEM, "内存不足");
    }
    zip_error_fini(&ze);
    sheet_ref *refs = NULL;
    size_t ref_count = 0;
    char *shared_path = NULL, *styles_path = NULL;
    bool ok = x.za != NULL;
    if (ok && zip_get_num_entries(x.za, 0) > WB_MAX_PARTS)
        ok = workbook_failed(f, WB_LIMIT, "压缩包里的文件超过 %d 个，不像是工作簿", WB_MAX_PARTS);
    if (ok && zip_name_locate(x.za, "[Content_Types].xml", 0) < 0)
        ok = workbook_failed(f, WB_DAMAGED,
                             "这是一个压缩包，但不是 Excel 工作簿（没有 [Content_Types].xml）");
    ok = ok && (refs = read_workbook_part(&x, &ref_count)) != NULL;
    ok = ok && read_relationships(&x, refs, ref_count, &shared_path, &styles_path);
    ok = ok && read_shared_strings(&x, shared_path ? shared_path : "xl/sharedStrings.xml");
    ok = ok && read_styles(&x, styles_path ? styles_path : "xl/styles.xml");
    if (ok && !(wb->sheets = calloc(ref_count, sizeof *wb->sheets)))
        ok = workbook_failed(f, WB_NOMEM, "内存不足");
    for (size_t i = 0; ok && i < ref_count; i++) {
        workbook_sheet *sheet = &wb->sheets[wb->sheet_count++];
        sheet->name = strdup(refs[i].name ? refs[i].name : "");
        if (!sheet->name) {
            ok = workbook_failed(f, WB_NOMEM, "内存不足");
            break;
        }
        if (!refs[i].path) {
            ok = workbook_failed(f, WB_DAMAGED, "工作表“%s”在工作簿的关系表里找不到（文件损坏）",
                                 sheet->name);
            break;
        }
        ok = read_sheet(&x, refs[i].path, sheet);
    }
    free_refs(refs, ref_count);
    free(shared_path);
    free(styles_path);
    for (size_t i = 0; i < x.shared.count; i++)
        free(x.shared.items[i]);
    free(x.shared.items);
    free(x.shared.lens);
    free(x.date_style);
    if (x.za)
        zip_discard(x.za);
    if (!ok) {
        workbook_free(wb);
        return NULL;
    }
    return wb;
}
