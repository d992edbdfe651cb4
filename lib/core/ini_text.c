/* Text for inih, checked first: the line inih would misread is named,
 * rather than a later line it would then complain about (or obey). */
#include "core/ini_text.h"

#include <ini.h>

int gpi_ini_max_line(void)
{
    return INI_MAX_LINE - 2; /* the buffer holds the line, its '\n' and a NUL */
}

bool gpi_ini_text_check(const char *what, const char *path, const char *text, size_t len,
                        gp_status status, const char *hint, gp_error *err)
{
    size_t line_no = 1, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] == '\0')
            return gpi_error_set(err, status, 0, "%s '%s' 第 %zu 行有空字符（不是文本文件？）",
                                 what, path, line_no);
        if (i == len || text[i] == '\n') {
            if (i - start > (size_t)gpi_ini_max_line())
                return gpi_error_set(err, status, 0, "%s '%s' 第 %zu 行太长（%zu 字节，上限 %d 字节）%s",
                                     what, path, line_no, i - start, gpi_ini_max_line(),
                                     hint ? hint : "");
            line_no++;
            start = i + 1;
        }
    }
    return true;
}
