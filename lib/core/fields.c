/* The nine roster fields: canonical labels (the agency's header names, in
 * the agency's order) and stable English keys. */
#include "core/fields.h"

static const char *const labels[GPI_FIELD_COUNT] = {
    "拍摄序号", "学历层次", "学号", "姓名", "性别",
    "身份证号", "所在校别", "院校代码", "学校名称",
};

static const char *const keys[GPI_FIELD_COUNT] = {
    "seq", "level", "student_no", "name", "sex",
    "id_number", "school_type", "school_code", "school_name",
};

const char *gpi_field_label(gpi_field field)
{
    return (unsigned)field < GPI_FIELD_COUNT ? labels[field] : "";
}

const char *gpi_field_key(gpi_field field)
{
    return (unsigned)field < GPI_FIELD_COUNT ? keys[field] : "";
}
