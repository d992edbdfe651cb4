/*
 * photo_judge.c — an inspected photo against the profile: every rule it
 * breaks becomes a finding with what was seen and what is expected, so the
 * clerk can fix all of them at once.  A file that is not a JPEG gets only
 * photo.not_jpeg (and photo.filesize): nothing else about it is known.
 */
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"

#include <inttypes.h>
#include <string.h>

typedef struct judge {
    const gpi_jpeg_info *info;
    const gp_profile *profile;
    const gpi_where *where;
    gp_report *report;
    const char *name; /* for messages: the file, else the number */
    int errors;
} judge;

#define JUDGE_ADD(j, code, actual, expected, ...)                                           \
    do {                                                                                    \
        gpi_report_add((j)->report, (code), (j)->where, (actual), (expected), __VA_ARGS__);  \
        if (gp_code_severity(code) == GP_ERROR)                                             \
            (j)->errors++;                                                                  \
    } while (0)

static void judge_not_jpeg(judge *j)
{
    const char *kind = j->info->looks_like;
    if (kind && strcmp(kind, "空文件") == 0)
        JUDGE_ADD(j, GP_PHOTO_NOT_JPEG, kind, "JPEG",
                  "照片 %s 是空文件（0 字节），里面没有图像", j->name);
    else if (kind)
        JUDGE_ADD(j, GP_PHOTO_NOT_JPEG, kind, "JPEG",
                  "照片 %s 实际是 %s 格式，只是扩展名改成了 .jpg；需要真正的 JPEG 文件", j->name,
                  kind);
    else
        JUDGE_ADD(j, GP_PHOTO_NOT_JPEG, "未知格式", "JPEG",
                  "照片 %s 的内容不是 JPEG（文件开头没有 JPEG 标志），也不是常见的图片格式",
                  j->name);
}

static void judge_corrupt(judge *j)
{
    const gpi_jpeg_info *info = j->info;
    if (info->width == 0)
        JUDGE_ADD(j, GP_PHOTO_CORRUPT, info->decode_error, NULL,
                  "照片 %s 开头是 JPEG，但文件头已损坏，无法读出图像（%s）", j->name,
                  info->decode_error);
    else
        JUDGE_ADD(j, GP_PHOTO_CORRUPT, info->decode_error, NULL,
                  "照片 %s 的图像数据不完整或已损坏，无法完整解码（%s）", j->name,
                  info->decode_error);
}

static void judge_dimensions(judge *j)
{
    const gpi_jpeg_info *info = j->info;
    int w = j->profile->width, h = j->profile->height;
    if (info->width == w && info->height == h)
        return;
    char actual[48], expected[48];
    snprintf(actual, sizeof actual, "%d×%d", info->width, info->height);
    snprintf(expected, sizeof expected, "%d×%d", w, h);
    const char *hint = info->width == h && info->height == w ? "（宽高颠倒了，照片是横向的）" : "";
    JUDGE_ADD(j, GP_PHOTO_DIMENSIONS, actual, expected,
              "照片 %s 是宽 %d × 高 %d 像素%s，应为宽 %d × 高 %d 像素", j->name, info->width,
              info->height, hint, w, h);
}

static void judge_filesize(judge *j, uint64_t size)
{
    const gp_profile *p = j->profile;
    if (size >= p->min_bytes && size <= p->max_bytes)
        return;
    char actual[32], expected[64];
    snprintf(actual, sizeof actual, "%" PRIu64, size);
    gpi_profile_size_window(p, expected, sizeof expected);
    bool small = size < p->min_bytes;
    uint64_t limit = small ? p->min_bytes : p->max_bytes;
    JUDGE_ADD(j, GP_PHOTO_FILESIZE, actual, expected,
              "照片 %s 有 %.1f KB（%" PRIu64 " 字节），%s%s %.0f KB（%" PRIu64 " 字节）", j->name,
              size / 1024.0, size, small ? "小于" : "大于", small ? "最低要求" : "上限",
              limit / 1024.0, limit);
}

static const char *color_name(gpi_jpeg_color color)
{
    switch (color) {
    case GPI_JCOLOR_GRAY: return "灰度（黑白）";
    case GPI_JCOLOR_YCBCR: return "RGB（YCbCr）";
    case GPI_JCOLOR_RGB: return "RGB";
    case GPI_JCOLOR_CMYK: return "CMYK（印刷用）";
    case GPI_JCOLOR_YCCK: return "YCCK（印刷用 CMYK）";
    default: return "未知颜色模式";
    }
}

static void judge_colorspace(judge *j)
{
    const gpi_jpeg_info *info = j->info;
    const gp_profile *p = j->profile;
    bool rgb = info->color == GPI_JCOLOR_YCBCR || info->color == GPI_JCOLOR_RGB;
    if (rgb && info->components == p->components && info->bits == p->bits)
        return;
    char actual[96], expected[64];
    snprintf(actual, sizeof actual, "%s，%d 通道 × %d 位", color_name(info->color),
             info->components, info->bits);
    snprintf(expected, sizeof expected, "RGB，%d 通道 × %d 位（%d 位彩色）", p->components,
             p->bits, p->components * p->bits);
    JUDGE_ADD(j, GP_PHOTO_COLORSPACE, actual, expected,
              "照片 %s 的颜色模式是 %s，%d 通道 × %d 位；应为 %d 位 RGB 彩色", j->name,
              color_name(info->color), info->components, info->bits, p->components * p->bits);
}

/* The stated resolution in words, e.g. "72 dpi" or "28 像素/厘米（约 71 dpi）". */
static void describe_resolution(const gpi_jpeg_info *info, char *buf, size_t size)
{
    if (info->has_jfif && info->density_unit == 1)
        snprintf(buf, size, info->x_density == info->y_density ? "%d dpi" : "%d×%d dpi",
                 info->x_density, info->y_density);
    else if (info->has_jfif && info->density_unit == 2)
        snprintf(buf, size, "%d 像素/厘米（约 %.0f dpi）", info->x_density,
                 gpi_jpeg_dpi(info));
    else if (info->has_exif_resolution && info->exif_x_dpi == info->exif_y_dpi)
        snprintf(buf, size, "%.0f dpi（Exif）", info->exif_x_dpi);
    else if (info->has_exif_resolution)
        snprintf(buf, size, "%.0f×%.0f dpi（Exif）", info->exif_x_dpi, info->exif_y_dpi);
    else
        snprintf(buf, size, "未记录");
}

static void judge_dpi(judge *j)
{
    const gpi_jpeg_info *info = j->info;
    int dpi = j->profile->dpi;
    if (gpi_jpeg_dpi_matches(info, dpi))
        return;
    char actual[96], expected[32];
    describe_resolution(info, actual, sizeof actual);
    snprintf(expected, sizeof expected, "%d dpi", dpi);
    if (gpi_jpeg_dpi(info) == 0)
        JUDGE_ADD(j, GP_PHOTO_DPI, actual, expected,
                  "照片 %s 没有记录分辨率（dpi），按规定必须标明 %d dpi", j->name, dpi);
    else
        JUDGE_ADD(j, GP_PHOTO_DPI, actual, expected, "照片 %s 的分辨率是 %s，应为 %d dpi",
                  j->name, actual, dpi);
}

static void judge_icc(judge *j)
{
    const gpi_jpeg_info *info = j->info;
    if (info->icc == GPI_ICC_NONE || (info->icc == GPI_ICC_SRGB && j->profile->allow_srgb_icc))
        return;
    const char *desc = info->icc_description[0] ? info->icc_description : "无名称";
    if (info->icc == GPI_ICC_BROKEN)
        JUDGE_ADD(j, GP_PHOTO_ICC, "损坏的颜色配置文件", "sRGB 或不嵌入",
                  "照片 %s 嵌入的颜色配置文件已损坏、无法识别，应为 sRGB 或不嵌入", j->name);
    else if (info->icc == GPI_ICC_SRGB)
        JUDGE_ADD(j, GP_PHOTO_ICC, desc, "不嵌入",
                  "照片 %s 嵌入了颜色配置文件“%s”，所用规格不允许嵌入任何颜色配置文件", j->name,
                  desc);
    else
        JUDGE_ADD(j, GP_PHOTO_ICC, desc, "sRGB 或不嵌入",
                  "照片 %s 嵌入了颜色配置文件“%s”，不是标准 RGB（sRGB），上传后颜色会失真",
                  j->name, desc);
}

/* What a viewer does to show the photo upright (Exif 2.32, tag 0x0112). */
static const char *orientation_meaning(int orientation)
{
    switch (orientation) {
    case 2: return "左右镜像";
    case 3: return "旋转 180°";
    case 4: return "上下镜像";
    case 5: return "左右镜像后逆时针旋转 90°";
    case 6: return "顺时针旋转 90°";
    case 7: return "左右镜像后顺时针旋转 90°";
    case 8: return "逆时针旋转 90°";
    default: return NULL;
    }
}

static void judge_orientation(judge *j)
{
    /* values outside 2–8 are undefined and every viewer ignores them */
    const char *meaning = orientation_meaning(j->info->orientation);
    if (!meaning)
        return;
    char actual[16];
    snprintf(actual, sizeof actual, "%d", j->info->orientation);
    JUDGE_ADD(j, GP_PHOTO_ORIENTATION, actual, "1",
              "照片 %s 带有 Exif 方向标记 %d，看图软件会把它%s后显示；规范禁止旋转照片",
              j->name, j->info->orientation, meaning);
}

int gpi_photo_judge(const gpi_jpeg_info *info, uint64_t file_size, const gp_profile *profile,
                   const gpi_where *where, gp_report *report)
{
    gpi_where none = {0};
    if (!where)
        where = &none;
    judge j = {.info = info, .profile = profile, .where = where, .report = report,
               .name = where->file ? where->file : where->seq ? where->seq : "（未命名）"};
    if (!info->is_jpeg) {
        judge_not_jpeg(&j);
        judge_filesize(&j, file_size);
        return j.errors;
    }
    if (!info->decoded && !info->skipped) /* skipped: the caller reports its limit */
        judge_corrupt(&j);
    if (info->width > 0) {
        judge_dimensions(&j);
        judge_colorspace(&j);
        judge_dpi(&j);
        judge_icc(&j);
        judge_orientation(&j);
    }
    judge_filesize(&j, file_size);
    return j.errors;
}
