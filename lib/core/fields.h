/*
 * fields.h — the roster's nine fields, their labels and keys.
 */
#ifndef GPI_FIELDS_H
#define GPI_FIELDS_H

#include "core/base.h"

typedef enum gpi_field {
    GPI_FIELD_SEQ,          /* 拍摄序号 */
    GPI_FIELD_LEVEL,        /* 学历层次 */
    GPI_FIELD_STUDENT_NO,   /* 学号 */
    GPI_FIELD_NAME,         /* 姓名 */
    GPI_FIELD_SEX,          /* 性别 */
    GPI_FIELD_ID_NUMBER,    /* 身份证号 */
    GPI_FIELD_SCHOOL_TYPE,  /* 所在校别 */
    GPI_FIELD_SCHOOL_CODE,  /* 院校代码 */
    GPI_FIELD_SCHOOL_NAME,  /* 学校名称 */
    GPI_FIELD_COUNT
} gpi_field;

/** Canonical Chinese label ("拍摄序号") and English key ("seq"). */
const char *gpi_field_label(gpi_field field);
const char *gpi_field_key(gpi_field field);

#endif
