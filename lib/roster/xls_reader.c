/* .xls (Excel 97–2003, BIFF) sheets as rows of cells, read by Debian's
 * libfreexl.  FreeXL opens files by path only, so the bytes (already
 * bounded by GPI_MAX_ROSTER_BYTES) are handed over through
 * gpi_os_memory_file: a memfd on Linux (nothing is written to disk), a
 * temporary file that is removed however the child ends on Windows.  FreeXL
 * allocates each sheet's grid from the sheet's own DIMENSION record (at most
 * 65536 rows × 256 columns in BIFF8); sheets over WB_MAX_ROWS rows are
 * refused before their cells are read (docs/limits.md).
 *
 * libfreexl 1.0.6 is not memory-safe on hostile files (our fuzzer found a
 * stack buffer underflow in its text conversion within seconds), so it runs
 * in a child process with a CPU, memory and wall-clock limit
 * (gpi_os_run_isolated, lib/core): the isolated task "xls" (xls_task,
 * listed in isolated_tasks.c) gets the workbook's bytes and answers with its
 * cells; a child that crashes, hangs or sends garbage is a refusal, never a
 * crash of gradpack.  POSIX forks; Windows starts gradpack.exe (or the host
 * program) again, which must call gp_run_isolated_child first in main, else
 * .xls is refused with the way out: save as .xlsx.  The parent rebuilds the
 * sheets with workbook_put, so every limit is applied again on its side of
 * the pipe. */
#include "workbook_reader.h"
#include "core/base.h"
#include "core/os.h"
#include "roster/roster.h"

#include <freexl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XLS_CHILD_SECONDS 20            /* CPU and wall clock for one .xls */
#define XLS_CHILD_MEMORY (1024ul << 20)  /* address space (Windows: commit) of the child */

/* AddressSanitizer reserves terabytes of address space: no RLIMIT_AS there. */
#if defined(__SANITIZE_ADDRESS__)
#define XLS_LIMIT_MEMORY 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XLS_LIMIT_MEMORY 0
#endif
#endif
#ifndef XLS_LIMIT_MEMORY
#define XLS_LIMIT_MEMORY 1
#endif
#define XLS_MAX_STREAM_BYTES (256u << 20) /* what the child may send */

static const char *freexl_words(int rc)
{
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY:
        return "内存不足";
    case FREEXL_BIFF_OBFUSCATED:
        return "工作簿设置了打开密码";
    case FREEXL_FILE_NOT_FOUND:
        return "读取程序打不开工作簿的临时副本";
    case FREEXL_INVALID_CHARACTER:
    case FREEXL_UNSUPPORTED_CHARSET:
        return "工作簿的文字编码无法识别";
    default:
        return "文件损坏或不是 Excel 97–2003 工作簿";
    }
}

/* One sheet's cells; false with f set. */
static bool read_xls_sheet(const void *handle, workbook_sheet *sheet, size_t *cells,
                           workbook_failure *f)
{
    unsigned int rows = 0;
    unsigned short columns = 0;
    if (freexl_worksheet_dimensions(handle, &rows, &columns) != FREEXL_OK)
        return workbook_failed(f, WB_DAMAGED, "工作表“%s”无法读取（文件损坏）", sheet->name);
    if (rows > WB_MAX_ROWS * 2u)
        return workbook_failed(f, WB_LIMIT, "工作表“%s”有 %u 行，超过上限 %d 行", sheet->name,
                               rows, WB_MAX_ROWS * 2);
    for (unsigned int r = 0; r < rows; r++)
        for (unsigned short c = 0; c < columns; c++) {
            FreeXL_CellValue v;
            if (freexl_get_cell_value(handle, r, c, &v) != FREEXL_OK)
                return workbook_failed(f, WB_DAMAGED, "工作表“%s”第 %u 行无法读取（文件损坏）",
                                       sheet->name, r + 1);
            char number[64];
            const char *text = NULL;
            workbook_cell_kind kind = WB_CELL_TEXT;
            switch (v.type) {
            case FREEXL_CELL_INT:
                snprintf(number, sizeof number, "%d", v.value.int_value);
                text = number;
                kind = WB_CELL_NUMBER;
                break;
            case FREEXL_CELL_DOUBLE:
                snprintf(number, sizeof number, "%.17g", v.value.double_value);
                text = number;
                kind = WB_CELL_NUMBER;
                break;
            case FREEXL_CELL_DATE:
            case FREEXL_CELL_DATETIME: {
                int y = 0, m = 0, d = 0;
                if (v.value.text_value && sscanf(v.value.text_value, "%d-%d-%d", &y, &m, &d) == 3)
                    snprintf(number, sizeof number, "%d/%d/%d", y, m, d);
                else
                    snprintf(number, sizeof number, "%s",
                             v.value.text_value ? v.value.text_value : "");
                text = number;
                kind = WB_CELL_DATE;
                break;
            }
            case FREEXL_CELL_TEXT:
            case FREEXL_CELL_SST_TEXT:
            case FREEXL_CELL_TIME:
                text = v.value.text_value;
                break;
            default:
                break;
            }
            if (text && !workbook_put(sheet, cells, (int)r + 1, c, text, strlen(text), kind,
                                      false, f))
                return false;
        }
    return true;
}

static workbook *xls_read_here(const void *data, size_t len, workbook_failure *f)
{
    char path[1024]; /* Windows: a temporary file's path in the ANSI code page */
    int file = gpi_os_memory_file(data, len, path, sizeof path);
    if (file < 0) {
        workbook_failed(f, WB_NOMEM, "无法为 .xls 工作簿建立临时副本");
        return NULL;
    }
    const void *handle = NULL;
    int rc = freexl_open(path, &handle);
    workbook *wb = NULL;
    if (rc != FREEXL_OK) {
        workbook_failed(f, rc == FREEXL_INSUFFICIENT_MEMORY ? WB_NOMEM : WB_DAMAGED,
                        "%s", freexl_words(rc));
        goto done;
    }
    unsigned int info = 0;
    if (freexl_get_info(handle, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        workbook_failed(f, WB_DAMAGED, "设置了打开密码，请取消密码后再试");
        goto done;
    }
    unsigned int sheets = 0;
    if (freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK || !sheets) {
        workbook_failed(f, WB_DAMAGED, "里面没有工作表");
        goto done;
    }
    if (sheets > WB_MAX_SHEETS) {
        workbook_failed(f, WB_LIMIT, "工作簿的工作表超过 %d 个", WB_MAX_SHEETS);
        goto done;
    }
    wb = calloc(1, sizeof *wb);
    if (!wb || !(wb->sheets = calloc(sheets, sizeof *wb->sheets))) {
        workbook_failed(f, WB_NOMEM, "内存不足");
        goto done;
    }
    wb->kind = WORKBOOK_XLS;
    size_t cells = 0;
    for (unsigned short s = 0; s < sheets; s++) {
        workbook_sheet *sheet = &wb->sheets[wb->sheet_count++];
        const char *name = NULL;
        if (freexl_get_worksheet_name(handle, s, &name) != FREEXL_OK || !name)
            name = "";
        if (!(sheet->name = strdup(name))) {
            workbook_failed(f, WB_NOMEM, "内存不足");
            goto done;
        }
        if (freexl_select_active_worksheet(handle, s) != FREEXL_OK) {
            workbook_failed(f, WB_DAMAGED, "工作表“%s”无法读取（文件损坏）", sheet->name);
            goto done;
        }
        if (!read_xls_sheet(handle, sheet, &cells, f))
            goto done;
    }
done:
    if (handle)
        freexl_close(handle);
    gpi_os_memory_file_close(file);
    if (f->status != WB_OK) {
        workbook_free(wb);
        return NULL;
    }
    return wb;
}

/* ---- the child process and its stream ------------------------------------ */

/* Stream: 'F' u32 status, u32 len, detail | 'S' u32 len, name |
 * 'C' u32 row, u32 column, u8 kind, u32 len, text | 'E'. */
static void put_u32(gpi_buf *s, uint32_t v)
{
    gpi_buf_append(s, &v, sizeof v);
}

static void put_text(gpi_buf *s, const char *t, size_t n)
{
    put_u32(s, (uint32_t)n);
    gpi_buf_append(s, t, n);
}

/* The isolated work: read the workbook here and answer with its stream. */
static bool child_work(const unsigned char *in, size_t in_len, unsigned char **out,
                       size_t *out_len)
{
    workbook_failure f = {0};
    workbook *wb = xls_read_here(in, in_len, &f);
    gpi_buf s = {0};
    if (!wb) {
        gpi_buf_append(&s, "F", 1);
        put_u32(&s, (uint32_t)f.status);
        put_text(&s, f.detail, strlen(f.detail));
    } else {
        for (size_t k = 0; k < wb->sheet_count; k++) {
            const workbook_sheet *sheet = &wb->sheets[k];
            gpi_buf_append(&s, "S", 1);
            put_text(&s, sheet->name, strlen(sheet->name));
            for (size_t i = 0; i < sheet->count; i++) {
                const workbook_row *r = &sheet->rows[i];
                for (size_t c = 0; c < r->count; c++) {
                    if (!r->cells[c])
                        continue;
                    gpi_buf_append(&s, "C", 1);
                    put_u32(&s, (uint32_t)r->row);
                    put_u32(&s, (uint32_t)c);
                    gpi_buf_append(&s, &r->kinds[c], 1);
                    put_text(&s, r->cells[c], r->lens[c]);
                }
            }
        }
    }
    gpi_buf_append(&s, "E", 1);
    *out = (unsigned char *)s.data;
    *out_len = s.len;
    return !s.failed;
}

const gpi_os_isolated_task xls_task = {"xls", child_work};

typedef struct cursor {
    const unsigned char *p, *end;
} cursor;

static bool take(cursor *c, void *out, size_t n)
{
    if ((size_t)(c->end - c->p) < n)
        return false;
    memcpy(out, c->p, n);
    c->p += n;
    return true;
}

static bool take_text(cursor *c, const char **text, uint32_t *n)
{
    if (!take(c, n, sizeof *n) || (size_t)(c->end - c->p) < *n)
        return false;
    *text = (const char *)c->p;
    c->p += *n;
    return true;
}

/* Rebuild the workbook from the child's stream (limits applied again). */
static workbook *rebuild(const unsigned char *data, size_t len, workbook_failure *f)
{
    cursor c = {data, data + len};
    workbook *wb = calloc(1, sizeof *wb);
    if (!wb || !(wb->sheets = calloc(WB_MAX_SHEETS, sizeof *wb->sheets))) {
        free(wb);
        workbook_failed(f, WB_NOMEM, "内存不足");
        return NULL;
    }
    wb->kind = WORKBOOK_XLS;
    size_t cells = 0;
    bool ok = true, ended = false;
    while (ok && !ended) {
        char tag;
        const char *text;
        uint32_t n, row, column, status;
        unsigned char kind;
        if (!take(&c, &tag, 1)) {
            ok = false;
            break;
        }
        switch (tag) {
        case 'F':
            ok = take(&c, &status, sizeof status) && take_text(&c, &text, &n) &&
                 status >= WB_NOMEM && status <= WB_LIMIT && n < sizeof f->detail;
            if (ok) {
                workbook_failed(f, (workbook_status)status, "%.*s", (int)n, text);
                workbook_free(wb);
                return NULL;
            }
            break;
        case 'S':
            ok = take_text(&c, &text, &n) && wb->sheet_count < WB_MAX_SHEETS;
            if (ok && !(wb->sheets[wb->sheet_count].name = strndup(text, n)))
                return workbook_failed(f, WB_NOMEM, "内存不足"), workbook_free(wb), NULL;
            if (ok)
                wb->sheet_count++;
            break;
        case 'C':
            ok = wb->sheet_count && take(&c, &row, sizeof row) &&
                 take(&c, &column, sizeof column) && take(&c, &kind, 1) && kind <= WB_CELL_ERROR &&
                 take_text(&c, &text, &n) && row >= 1 && row <= 1048576;
            if (ok && !workbook_put(&wb->sheets[wb->sheet_count - 1], &cells, (int)row, column,
                                    text, n, (workbook_cell_kind)kind, false, f)) {
                workbook_free(wb);
                return NULL;
            }
            break;
        case 'E':
            ended = c.p == c.end;
            ok = ended;
            break;
        default:
            ok = false;
        }
    }
    if (!ok || !wb->sheet_count) {
        workbook_free(wb);
        workbook_failed(f, WB_DAMAGED, "文件损坏或不是 Excel 97–2003 工作簿");
        return NULL;
    }
    return wb;
}

workbook *xls_read(const void *data, size_t len, workbook_failure *f)
{
    unsigned char *answer = NULL;
    size_t answer_len = 0;
    switch (gpi_os_run_isolated(&xls_task, data, len, XLS_CHILD_SECONDS,
                                XLS_LIMIT_MEMORY ? XLS_CHILD_MEMORY : 0, XLS_MAX_STREAM_BYTES,
                                &answer, &answer_len)) {
    case GPI_ISOLATED_OK:
        break;
    case GPI_ISOLATED_UNSUPPORTED:
        /* Windows: the program using the library did not start the child
         * (gp_run_isolated_child is not called first in its main) */
        workbook_failed(f, WB_DAMAGED,
                        "这个程序没有启动读取 Excel 97–2003 格式（.xls）花名册的子进程，无法读取。"
                        "请用 Excel 或 WPS 打开它，“另存为”Excel 工作簿（.xlsx），再检查一次");
        return NULL;
    case GPI_ISOLATED_NOMEM:
        workbook_failed(f, WB_NOMEM, "无法创建读取 .xls 的子进程");
        return NULL;
    case GPI_ISOLATED_LIMIT:
        /* the child ran out of time, or its cells came to more than it may send */
        workbook_failed(f, WB_LIMIT, "读取 .xls 工作簿超过 %d 秒或内容超过 %u MB，已停止",
                        XLS_CHILD_SECONDS, XLS_MAX_STREAM_BYTES >> 20);
        return NULL;
    case GPI_ISOLATED_FAILED:
    default:
        workbook_failed(f, WB_DAMAGED, "读取程序在这个文件上出错（文件损坏或被改动过）");
        return NULL;
    }
    workbook *wb = rebuild(answer, answer_len, f);
    free(answer);
    return wb;
}
