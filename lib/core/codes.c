/* The finding-code table, expanded from gradpack_codes.def. */
#include "core/base.h"

#include <string.h>

typedef struct code_entry {
    const char *name;
    gp_severity severity;
    const char *title;
    const char *fix;
} code_entry;

static const code_entry code_table[GP_CODE_COUNT] = {
#define GP_CODE(id, number, name, severity, title, fix) [GP_##id] = {name, severity, title, fix},
#include "gradpack_codes.def"
#undef GP_CODE
};

/* The codes in the table's own order (by area). */
static const gp_code table_order[] = {
#define GP_CODE(id, number, name, severity, title, fix) GP_##id,
#include "gradpack_codes.def"
#undef GP_CODE
};

size_t gp_code_total(void)
{
    return GPI_ARRAY_LEN(table_order);
}

gp_code gp_code_at(size_t i)
{
    return i < GPI_ARRAY_LEN(table_order) ? table_order[i] : GP_CODE_COUNT;
}

/* NULL for a gap in the numbering or a number out of range. */
static const code_entry *entry(gp_code code)
{
    return (unsigned)code < GP_CODE_COUNT && code_table[code].name ? &code_table[code] : NULL;
}

bool gp_code_known(gp_code code)
{
    return entry(code) != NULL;
}

const char *gp_code_name(gp_code code)
{
    return entry(code) ? entry(code)->name : "unknown";
}

const char *gp_code_title(gp_code code)
{
    return entry(code) ? entry(code)->title : "";
}

const char *gp_code_fix(gp_code code)
{
    return entry(code) ? entry(code)->fix : "";
}

gp_severity gp_code_severity(gp_code code)
{
    return entry(code) ? entry(code)->severity : GP_ERROR;
}

gp_code gp_code_from_name(const char *name)
{
    for (unsigned i = 0; name && i < GP_CODE_COUNT; i++)
        if (code_table[i].name && strcmp(code_table[i].name, name) == 0)
            return (gp_code)i;
    return GP_CODE_COUNT;
}

const char *gp_severity_name(gp_severity severity)
{
    switch (severity) {
    case GP_INFO: return "info";
    case GP_WARNING: return "warning";
    case GP_ERROR: return "error";
    }
    return "error";
}

static const char *severity_zh(gp_severity severity)
{
    switch (severity) {
    case GP_INFO: return "提示";
    case GP_WARNING: return "警告";
    case GP_ERROR: return "错误";
    }
    return "错误";
}

static void markdown_cell(gpi_buf *buf, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            gpi_buf_puts(buf, "\\|");
        else
            gpi_buf_append(buf, p, 1);
    }
}

char *gp_codes_to_markdown(void)
{
    gpi_buf buf = {0};
    gpi_buf_puts(&buf, "| 代码 code | 级别 severity | 含义 meaning | 处理办法 what to do |\n"
                      "|---|---|---|---|\n");
    for (size_t i = 0; i < gp_code_total(); i++) {
        const code_entry *e = entry(gp_code_at(i));
        gpi_buf_printf(&buf, "| `%s` | %s %s | ", e->name, severity_zh(e->severity),
                      gp_severity_name(e->severity));
        markdown_cell(&buf, e->title);
        gpi_buf_puts(&buf, " | ");
        markdown_cell(&buf, e->fix);
        gpi_buf_puts(&buf, " |\n");
    }
    return gpi_buf_take(&buf);
}
