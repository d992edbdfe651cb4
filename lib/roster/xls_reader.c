/* .xls (Excel 97–2003, BIFF) sheets as rows of cells, read by Debian's
 * libfreexl.  FreeXL opens files by path only, so the bytes (already
 * bounded by GP_MAX_ROSTER_BYTES) are handed over through an anonymous
 * memory file; nothing is written to disk.  FreeXL allocates each sheet's
 * grid from the sheet's own DIMENSION record (at most 65536 rows × 256
 * columns in BIFF8); sheets over WB_MAX_ROWS rows are refused before their
 * cells are read (docs/limits.md). */
#include "workbook_reader.h"

#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *freexl_words(int rc)
{
    switch (rc) {
    case FREEXL_INSUFFICIENT_MEMORY:
        return "内存不足";
    case FREEXL_BIFF_OBFUSCATED:
        return "工作簿设置了打开密码";
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

workbook *xls_read(const void *data, size_t len, workbook_failure *f)
{
    int fd = memfd_create("gradpack-xls", MFD_CLOEXEC);
    if (fd < 0) {
        workbook_failed(f, WB_NOMEM, "无法为 .xls 工作簿分配内存文件");
        return NULL;
    }
    const char *p = data;
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, p + done, len - done);
        if (n <= 0) {
            close(fd);
            workbook_failed(f, WB_NOMEM, "无法为 .xls 工作簿分配内存文件");
            return NULL;
        }
        done += (size_t)n;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    const void *handle = NULL;
    int rc = freexl_open(path, &handle);
    workbook *wb = NULL;
    if (rc != FREEXL_OK) {
        workbook_failed(f, rc == FREEXL_INSUFFICIENT_MEMORY ? WB_NOMEM : WB_DAMAGED,
                        "无法读取 .xls 工作簿：%s", freexl_words(rc));
        goto done;
    }
    unsigned int info = 0;
    if (freexl_get_info(handle, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
        info == FREEXL_BIFF_OBFUSCATED) {
        workbook_failed(f, WB_DAMAGED, "无法读取 .xls 工作簿：设置了打开密码，请取消密码后再试");
        goto done;
    }
    unsigned int sheets = 0;
    if (freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &sheets) != FREEXL_OK || !sheets) {
        workbook_failed(f, WB_DAMAGED, "无法读取 .xls 工作簿：里面没有工作表");
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
    close(fd);
    if (f->status != WB_OK) {
        workbook_free(wb);
        return NULL;
    }
    return wb;
}
