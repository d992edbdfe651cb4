/* The nine roster fields: canonical labels (the agency's header names, in
 * the agency's order) and stable English keys. */
#include "gp_internal.h"

static const char *const labels[GP_FIELD_COUNT] = {
    "拍摄序号", "学历层次", "学号", "姓名", "性别",
    "身份证号", "所在校别", "院校代码", "学校名称",
};

static const char *const keys[GP_FIELD_COUNT] = {
    "seq", "level", "student_no", "name", "sex",
    "id_number", "school_type", "school_code", "school_name",
};

const char *gp_field_label(gp_field field)
{
    return (unsigned)field < GP_FIELD_COUNT ? labels[field] : "";
}

const char *gp_field_key(gp_field field)
{
    return (unsigned)field < GP_FIELD_COUNT ? keys[field] : "";
}
