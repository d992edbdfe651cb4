/* gradpack template: the empty roster workbook a clerk fills in Excel or
 * WPS, so that no CSV is ever saved by hand.  The nine columns are text
 * cells (Excel cannot turn an ID into 3.70102E+17 or drop a leading 0),
 * 学历层次 and 性别 (and the school's pinned values) are drop-downs, the
 * header is frozen and repeated on every printed page, and a second sheet
 * explains each column in Chinese with the seed's rules.
 *
 * libxlsxwriter 1.1.4 overflows a buffer on UTF-8 text in inline validation
 * lists (fixed in 1.1.6, #394), so every list is a range on a hidden sheet
 * named through an ASCII defined name (the same version leaks ten bytes per
 * list validation: tests/lsan.supp).  `created` is fixed: the same profile
 * gives the same bytes. */
#include "core/atomic.h"
#include "core/base.h"
#include "core/fields.h"
#include "core/profile.h"
#include "roster/roster.h"
#include "bundle/workbook_print.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define TEMPLATE_ROWS GPI_MAX_ROWS /* data rows prepared as text */

static bool ok_or(lxw_error rc, const char *path, gp_error *err)
{
    if (rc == LXW_NO_ERROR)
        return true;
    return gpi_error_set(err, GP_ERR_WRITE, 0, "无法写出模板 '%s'：%s", path, lxw_strerror(rc));
}

/* What each column means and the rules it follows (seed 004, GB/T rules). */
static const char *column_help(gpi_field f)
{
    switch (f) {
    case GPI_FIELD_SEQ:
        return "四位数字 0001–9999，与照片文件名一一对应（0001.jpg）。不要省略前面的 0。";
    case GPI_FIELD_LEVEL:
        return "从下拉列表选择：成人专科 或 成人本科（高起专填成人专科；专升本、高起本填成人本科）。";
    case GPI_FIELD_STUDENT_NO:
        return "与学信网一致的学号，按原样输入（本列已是文本格式，开头的 0 不会丢失）。";
    case GPI_FIELD_NAME:
        return "与学信网一致的姓名，不要有空格。";
    case GPI_FIELD_SEX:
        return "从下拉列表选择：男 或 女；须与身份证号第 17 位一致（单数为男，双数为女）。";
    case GPI_FIELD_ID_NUMBER:
        return "18 位身份证号，最后一位可以是 X。本列已是文本格式：直接输入全部 18 位，不要改成数字格式，"
               "否则 Excel 只保留 15 位，后 3 位会变成 000。";
    case GPI_FIELD_SCHOOL_TYPE:
        return "所在校别，如“普通高校”。";
    case GPI_FIELD_SCHOOL_CODE:
        return "5 位院校代码。";
    case GPI_FIELD_SCHOOL_NAME:
        return "学校全称。";
    case GPI_FIELD_COUNT:
        break;
    }
    return "";
}

static const char *pinned_value(const gp_profile *profile, gpi_field f)
{
    switch (f) {
    case GPI_FIELD_SCHOOL_TYPE:
        return profile->school_type;
    case GPI_FIELD_SCHOOL_CODE:
        return profile->school_code;
    case GPI_FIELD_SCHOOL_NAME:
        return profile->school_name;
    default:
        return NULL;
    }
}

/* Hidden sheet "选项": one list per column, row 1 its title. */
static bool write_lists(lxw_workbook *wb, lxw_worksheet *ws, const gp_profile *profile,
                        lxw_format *text, const char *path, gp_error *err)
{
    static const struct {
        gpi_field field;
        const char *name;
    } lists[] = {{GPI_FIELD_LEVEL, "gp_levels"},
                 {GPI_FIELD_SEX, "gp_sexes"},
                 {GPI_FIELD_SCHOOL_TYPE, "gp_school_type"},
                 {GPI_FIELD_SCHOOL_CODE, "gp_school_code"},
                 {GPI_FIELD_SCHOOL_NAME, "gp_school_name"}};
    for (size_t k = 0; k < GPI_ARRAY_LEN(lists); k++) {
        gpi_field f = lists[k].field;
        const gpi_string_list *values =
            f == GPI_FIELD_LEVEL ? &profile->levels : f == GPI_FIELD_SEX ? &profile->sexes : NULL;
        const char *pinned = pinned_value(profile, f);
        size_t n = values ? values->count : pinned ? 1 : 0;
        lxw_col_t col = (lxw_col_t)k;
        if (!ok_or(worksheet_write_string(ws, 0, col, gpi_field_label(f), text), path, err))
            return false;
        for (size_t i = 0; i < n; i++)
            if (!ok_or(worksheet_write_string(ws, (lxw_row_t)(i + 1), col,
                                              values ? values->items[i] : pinned, text),
                       path, err))
                return false;
        if (!n)
            continue;
        char formula[96];
        snprintf(formula, sizeof formula, "='选项'!$%c$2:$%c$%zu", (char)('A' + k),
                 (char)('A' + k), n + 1);
        if (!ok_or(workbook_define_name(wb, lists[k].name, formula), path, err))
            return false;
    }
    worksheet_hide(ws);
    return true;
}

static bool add_list_validation(lxw_worksheet *ws, gpi_field f, const char *name,
                                const char *path, gp_error *err)
{
    char formula[64];
    snprintf(formula, sizeof formula, "=%s", name);
    lxw_data_validation v = {.validate = LXW_VALIDATION_TYPE_LIST_FORMULA,
                             .value_formula = formula,
                             .ignore_blank = LXW_VALIDATION_ON};
    return ok_or(worksheet_data_validation_range(ws, 1, (lxw_col_t)f, TEMPLATE_ROWS,
                                                 (lxw_col_t)f, &v),
                 path, err);
}

static bool add_length_validation(lxw_worksheet *ws, gpi_field f, double length,
                                  const char *path, gp_error *err)
{
    lxw_data_validation v = {.validate = LXW_VALIDATION_TYPE_LENGTH,
                             .criteria = LXW_VALIDATION_CRITERIA_EQUAL_TO,
                             .value_number = length,
                             .ignore_blank = LXW_VALIDATION_ON};
    return ok_or(worksheet_data_validation_range(ws, 1, (lxw_col_t)f, TEMPLATE_ROWS,
                                                 (lxw_col_t)f, &v),
                 path, err);
}

static bool write_roster_sheet(lxw_worksheet *ws, const gp_profile *profile, lxw_format *text,
                               lxw_format *header, const char *path, gp_error *err)
{
    static const double widths[GPI_FIELD_COUNT] = {10, 12, 16, 12, 8, 22, 12, 10, 18};
    for (int f = 0; f < GPI_FIELD_COUNT; f++) {
        if (!ok_or(worksheet_set_column(ws, (lxw_col_t)f, (lxw_col_t)f, widths[f], text), path,
                   err) ||
            !ok_or(worksheet_write_string(ws, 0, (lxw_col_t)f, gpi_field_label((gpi_field)f),
                                          header),
                   path, err))
            return false;
    }
    worksheet_freeze_panes(ws, 1, 0);
    gpi_workbook_print_setup(ws);
    bool ok = add_list_validation(ws, GPI_FIELD_LEVEL, "gp_levels", path, err) &&
              add_list_validation(ws, GPI_FIELD_SEX, "gp_sexes", path, err) &&
              add_length_validation(ws, GPI_FIELD_SEQ, 4, path, err) &&
              add_length_validation(ws, GPI_FIELD_ID_NUMBER, 18, path, err);
    static const struct {
        gpi_field field;
        const char *name;
    } school[] = {{GPI_FIELD_SCHOOL_TYPE, "gp_school_type"},
                  {GPI_FIELD_SCHOOL_CODE, "gp_school_code"},
                  {GPI_FIELD_SCHOOL_NAME, "gp_school_name"}};
    for (size_t k = 0; ok && k < GPI_ARRAY_LEN(school); k++)
        if (pinned_value(profile, school[k].field))
            ok = add_list_validation(ws, school[k].field, school[k].name, path, err);
    char range[LXW_MAX_CELL_RANGE_LENGTH];
    lxw_rowcol_to_range(range, 1, 0, TEMPLATE_ROWS, GPI_FIELD_COUNT - 1);
    return ok &&
           ok_or(worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, range), path, err);
}

static bool write_help_sheet(lxw_worksheet *ws, const gp_profile *profile, lxw_format *wrap,
                             lxw_format *bold, const char *path, gp_error *err)
{
    gpi_buf lines[64];
    size_t n = 0;
    memset(lines, 0, sizeof lines);
    gpi_buf_printf(&lines[n++], "毕业生图像信息采集花名册 填写说明（规格：%s）",
                  profile->title ? profile->title : profile->name);
    gpi_buf_puts(&lines[n++], "在“花名册”工作表中每名学生填一行，第 1 行表头不要改动。9 项都是必填的，"
                             "学号、姓名、性别、身份证号须与学信网一致。");
    gpi_buf_puts(&lines[n++], "所有列都已设为“文本”格式：请直接输入或粘贴为“值”，不要把列改成数字或日期格式。");
    gpi_buf_puts(&lines[n++], "填好后保存为 .xlsx，直接交给 gradpack：gradpack check 花名册.xlsx 照片文件夹/，"
                             "不需要另存为 CSV。");
    gpi_buf_puts(&lines[n++], "");
    for (int f = 0; f < GPI_FIELD_COUNT; f++) {
        const char *pinned = pinned_value(profile, (gpi_field)f);
        if (pinned)
            gpi_buf_printf(&lines[n++], "%s：%s本校固定填“%s”（可从下拉列表选择）。",
                          gpi_field_label((gpi_field)f), column_help((gpi_field)f), pinned);
        else
            gpi_buf_printf(&lines[n++], "%s：%s", gpi_field_label((gpi_field)f),
                          column_help((gpi_field)f));
    }
    gpi_buf_puts(&lines[n++], "");
    gpi_buf_puts(&lines[n++], "照片：每名学生一张 JPEG，文件名为拍摄序号（如 0001.jpg），放在同一个文件夹里。");
    char window[64];
    gpi_profile_size_window(profile, window, sizeof window);
    gpi_buf_printf(&lines[n++], "照片规格：%d×%d 像素（宽×高），%d dpi，24 位 sRGB 彩色，文件大小 %s 字节。",
                  profile->width, profile->height, profile->dpi, window);
    bool ok = ok_or(worksheet_set_column(ws, 0, 0, 100, wrap), path, err);
    for (size_t i = 0; ok && i < n; i++) {
        char *line = gpi_buf_take(&lines[i]);
        if (!line) {
            ok = gpi_error_nomem(err);
            break;
        }
        if (line[0])
            ok = ok_or(worksheet_write_string(ws, (lxw_row_t)i, 0, line, i == 0 ? bold : wrap),
                       path, err);
        free(line);
    }
    for (size_t i = 0; i < n; i++)
        gpi_buf_free(&lines[i]);
    worksheet_set_portrait(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    return ok;
}

/* The clerk's template written into out's temporary file (opened by
 * libxlsxwriter as gpi_workbook_write does). */
static bool template_write(const gpi_atomic *out, const gp_profile *profile, gp_error *err)
{
    const char *path = gpi_atomic_temp_path(out); /* in messages */
    lxw_workbook *wb = workbook_new(gpi_atomic_library_path(out));
    if (!wb)
        return gpi_error_set(err, GP_ERR_WRITE, 0, "无法创建模板 '%s'", path);
    lxw_format *text = workbook_add_format(wb);
    format_set_num_format(text, "@");
    lxw_format *header = workbook_add_format(wb);
    format_set_num_format(header, "@");
    format_set_bold(header);
    format_set_bg_color(header, 0xDDEBF7);
    format_set_border(header, LXW_BORDER_THIN);
    lxw_format *wrap = workbook_add_format(wb);
    format_set_text_wrap(wrap);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_font_size(bold, 14);
    lxw_doc_properties props = {
        .title = "毕业生图像信息采集花名册（模板）",
        .subject = "毕业生图像信息采集花名册",
        .company = (char *)(profile->school_name ? profile->school_name : ""),
        .created = (time_t)gpi_reproducible_time(),
    };
    bool ok = ok_or(workbook_set_properties(wb, &props), path, err);
    lxw_worksheet *roster = ok ? workbook_add_worksheet(wb, "花名册") : NULL;
    lxw_worksheet *help = ok ? workbook_add_worksheet(wb, "填写说明") : NULL;
    lxw_worksheet *lists = ok ? workbook_add_worksheet(wb, "选项") : NULL;
    ok = ok && roster && help && lists &&
         write_lists(wb, lists, profile, text, path, err) &&
         write_roster_sheet(roster, profile, text, header, path, err) &&
         write_help_sheet(help, profile, wrap, bold, path, err);
    if (ok)
        worksheet_activate(roster);
    lxw_error rc = workbook_close(wb); /* frees wb whether or not writing succeeded */
    if (!ok) {
        if (err->status == GP_OK)
            gpi_error_set(err, GP_ERR_WRITE, 0, "无法写出模板 '%s'", path);
        return false;
    }
    return ok_or(rc, path, err);
}

gp_status gp_template(const char *path, const char *profile_name, bool force, gp_error *err)
{
    gp_profile *profile = gp_profile_load(profile_name, err);
    if (!profile)
        return err->status;
    gpi_atomic *out = gpi_atomic_begin(path, force, err);
    bool ok = out && template_write(out, profile, err) &&
              gpi_atomic_commit(out, err);
    if (!ok && out)
        gpi_atomic_abort(out);
    gp_profile_free(profile);
    return ok ? GP_OK : err->status;
}
