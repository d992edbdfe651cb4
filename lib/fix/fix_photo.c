/* One photo through `fix`: decide from check's verdict what it needs, then
 * decode once (DCT-scaled), convert colour to sRGB, turn it upright, crop
 * (only with --crop center), resize to the target and search the quality
 * that lands in the size window.  Photos check passes are copied as they
 * are, and photos whose only faults are metadata (dpi, Exif) get only their
 * markers rewritten (fix_lossless.c): re-encoding only loses quality.  What cannot be made right without
 * inventing content (grayscale, another aspect ratio, a picture too plain
 * to reach the minimum size) is reported, never faked.  With --frame the
 * head is measured first (fix_measure.c) and the photo cropped and scaled
 * into the standard's bands (fix_frame.c), or refused with what is missing. */
#include "fix_internal.h"
#include "check/check.h"
#include "core/base.h"
#include "core/profile.h"
#include "photo/photo.h"

#include <stdlib.h>
#include <string.h>

/* The check findings fix can repair by re-encoding. */
static const gp_code fixable_codes[] = {
    GP_PHOTO_DIMENSIONS, GP_PHOTO_FILESIZE, GP_PHOTO_DPI,
    GP_PHOTO_COLORSPACE, GP_PHOTO_ICC, GP_PHOTO_ORIENTATION,
};

void gpi_fix_outcome_clear(gpi_fix_outcome *outcome)
{
    if (!outcome)
        return;
    free(outcome->out);
    memset(outcome, 0, sizeof *outcome);
}

static const char *chroma_name(gpi_fix_chroma chroma)
{
    return chroma == GPI_FIX_CHROMA_444 ? "4:4:4" : "4:2:0";
}

static void fail(gpi_fix_outcome *o, gp_code code)
{
    o->action = GPI_FIX_FAILED;
    o->code = code;
}

typedef struct encode_context {
    const gpi_fix_image *image;
    int dpi;
} encode_context;

static bool encode_trial(void *context, int quality, gpi_fix_chroma chroma, unsigned char **out,
                         size_t *len)
{
    const encode_context *ec = context;
    char error[200];
    return gpi_fix_encode(ec->image, quality, chroma, ec->dpi, out, len, error, sizeof error);
}

static const char *color_kind(const gpi_jpeg_info *info)
{
    switch (info->color) {
    case GPI_JCOLOR_CMYK: return "CMYK";
    case GPI_JCOLOR_YCCK: return "YCCK";
    case GPI_JCOLOR_GRAY: return "灰度";
    default: return "RGB";
    }
}

/* "3024×4032，1843200 字节，72 dpi，Adobe RGB (1998)，质量约 95，Exif 方向 6" */
static void describe_source(const gpi_jpeg_info *info, size_t len, const char *profile_desc,
                            int quality, char *buf, size_t size)
{
    gpi_buf b = {0};
    gpi_buf_printf(&b, "%d×%d，%zu 字节", info->width, info->height, len);
    double dpi = gpi_jpeg_dpi(info);
    if (dpi > 0)
        gpi_buf_printf(&b, "，%.0f dpi", dpi);
    else
        gpi_buf_puts(&b, "，未设 dpi");
    const char *kind = color_kind(info);
    if (profile_desc && profile_desc[0])
        gpi_buf_printf(&b, "，%s%s%s", strcmp(kind, "RGB") ? kind : "",
                      strcmp(kind, "RGB") ? " " : "", profile_desc);
    else
        gpi_buf_printf(&b, "，%s", strcmp(kind, "RGB") ? kind : "sRGB");
    if (quality)
        gpi_buf_printf(&b, "，质量约 %d", quality);
    if (info->orientation != 1)
        gpi_buf_printf(&b, "，Exif 方向 %d", info->orientation);
    char *text = gpi_buf_take(&b);
    snprintf(buf, size, "%s", text ? text : "");
    free(text);
}

/* The changes, for the clerk: "尺寸 3024×4032→960×1280；72→300 dpi；…" */
static void describe_changes(const gpi_jpeg_info *info, const gp_report *judged, size_t from_len,
                             const gpi_fix_outcome *o, const char *colour_from, bool upscaled,
                             const gp_profile *profile, char *buf, size_t size)
{
    gpi_buf b = {0};
    gpi_buf_printf(&b, "已写出符合规格的新照片（原照片未改动）：");
    if (o->frame_ran && o->plan.verdict == GPI_FRAME_CROP) {
        char before[160], after[160];
        gpi_fix_describe_geometry(&o->plan.before, before, sizeof before);
        gpi_fix_describe_geometry(&o->plan.after, after, sizeof after);
        const gpi_fix_box *k = &o->plan.box;
        gpi_buf_printf(&b, "按规范重新构图（只裁剪和缩放）：%s→%s（原图中保留 x=%d y=%d 宽 %d 高 %d）；",
                      before, after, k->x, k->y, k->width, k->height);
    }
    if (gp_report_has(judged, GP_PHOTO_DIMENSIONS) || info->width != profile->width ||
        info->height != profile->height)
        gpi_buf_printf(&b, "尺寸 %d×%d→%d×%d；", info->width, info->height, profile->width,
                      profile->height);
    if (upscaled)
        gpi_buf_puts(&b, "原图像素不足，已放大，清晰度有限，建议索取原图；");
    if (gp_report_has(judged, GP_PHOTO_DPI)) {
        double dpi = gpi_jpeg_dpi(info);
        if (dpi > 0)
            gpi_buf_printf(&b, "分辨率 %.0f→%d dpi；", dpi, profile->dpi);
        else
            gpi_buf_printf(&b, "分辨率设为 %d dpi；", profile->dpi);
    }
    if (gp_report_has(judged, GP_PHOTO_COLORSPACE) || gp_report_has(judged, GP_PHOTO_ICC))
        gpi_buf_printf(&b, "颜色 %s→sRGB；", colour_from[0] ? colour_from : color_kind(info));
    if (info->orientation != 1)
        gpi_buf_printf(&b, "按 Exif 方向 %d 转正画面；", info->orientation);
    gpi_buf_printf(&b, "大小 %.1f KB→%.1f KB（质量 %d，%s，试压 %d 次）", from_len / 1024.0,
                  o->out_len / 1024.0, o->quality, chroma_name(o->chroma), o->encodes);
    char *text = gpi_buf_take(&b);
    snprintf(buf, size, "%s", text ? text : "");
    free(text);
}

/* The lossless outcome, for the clerk: "仅修改分辨率信息：72→300 dpi；…" */
static void describe_metadata_fix(const gpi_jpeg_info *info, const gp_report *judged,
                                  size_t from_len, gpi_fix_outcome *o, const gp_profile *profile,
                                  const char *name)
{
    o->action = GPI_FIX_METADATA;
    o->code = GP_FIX_CHANGED;
    describe_source(info, from_len, NULL, 0, o->from, sizeof o->from);
    snprintf(o->to, sizeof o->to, "%d×%d，%zu 字节，%d dpi，图像数据原样保留（未重新压缩）",
             info->width, info->height, o->out_len, profile->dpi);
    snprintf(o->actual, sizeof o->actual, "%s", o->from);
    snprintf(o->expected, sizeof o->expected, "%s", o->to);
    gpi_buf b = {0};
    gpi_buf_printf(&b, "已写出 %s 的新文件（原照片未改动）：仅修改分辨率信息，画面未重新压缩、"
                      "像素完全不变；", name);
    double dpi = gpi_jpeg_dpi(info);
    if (dpi > 0)
        gpi_buf_printf(&b, "分辨率 %.0f→%d dpi；", dpi, profile->dpi);
    else
        gpi_buf_printf(&b, "分辨率设为 %d dpi；", profile->dpi);
    if (gp_report_has(judged, GP_PHOTO_ICC))
        gpi_buf_puts(&b, "去掉嵌入的 sRGB 颜色配置文件；");
    gpi_buf_printf(&b, "去掉 Exif、XMP 等附加信息；大小 %.1f KB→%.1f KB", from_len / 1024.0,
                  o->out_len / 1024.0);
    char *text = gpi_buf_take(&b);
    snprintf(o->message, sizeof o->message, "%s", text ? text : "");
    free(text);
}

static int gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a > 0 ? a : 1;
}

static bool has_fixable(const gp_report *judged)
{
    for (size_t i = 0; i < GPI_ARRAY_LEN(fixable_codes); i++)
        if (gp_report_has(judged, fixable_codes[i]))
            return true;
    return false;
}

/* Decode, colour, orientation, crop and resize: the target-size sRGB image.
 * `box` is in upright full-resolution coordinates. */
static bool render(const unsigned char *data, size_t len, const gpi_jpeg_info *info,
                   const gpi_fix_box *box, const gp_profile *profile, gpi_fix_image *out,
                   char *colour_from, size_t colour_size, char *error, size_t error_size,
                   int *quality_estimate)
{
    int orientation = info->orientation >= 1 && info->orientation <= 8 ? info->orientation : 1;
    bool turned = orientation >= 5;
    int eighths = gpi_fix_scale_eighths(turned ? box->height : box->width,
                                       turned ? box->width : box->height, orientation,
                                       profile->width, profile->height);
    gpi_fix_raster raster;
    if (!gpi_fix_decode(data, len, eighths, &raster, error, error_size))
        return false;
    *quality_estimate = raster.quality_estimate;
    bool ok = gpi_fix_to_srgb(&raster, colour_from, colour_size, error, error_size);
    if (ok && !gpi_fix_orient(&raster.image, orientation)) {
        snprintf(error, error_size, "内存不足");
        ok = false;
    }
    if (ok) {
        /* the box, scaled as the decode was */
        const gpi_fix_image *img = &raster.image;
        int full_w = orientation >= 5 ? raster.full_height : raster.full_width;
        int full_h = orientation >= 5 ? raster.full_width : raster.full_height;
        gpi_fix_box scaled = {
            .x = (int)((long long)box->x * img->width / full_w),
            .y = (int)((long long)box->y * img->height / full_h),
            .width = (int)((long long)box->width * img->width / full_w),
            .height = (int)((long long)box->height * img->height / full_h),
        };
        if (scaled.x + scaled.width > img->width)
            scaled.width = img->width - scaled.x;
        if (scaled.y + scaled.height > img->height)
            scaled.height = img->height - scaled.y;
        if (scaled.x == 0 && scaled.y == 0 && img->width == profile->width &&
            img->height == profile->height && scaled.width == img->width &&
            scaled.height == img->height) {
            *out = raster.image; /* already the right size: no resampling */
            raster.image.pixels = NULL;
        } else if (!gpi_fix_resize(img, &scaled, profile->width, profile->height, out)) {
            snprintf(error, error_size, "缩放失败（内存不足）");
            ok = false;
        }
    }
    gpi_fix_raster_free(&raster);
    return ok;
}

static bool is_grayscale(const gpi_jpeg_info *info)
{
    return info->color == GPI_JCOLOR_GRAY || info->components == 1;
}

static void refuse_grayscale(const gpi_jpeg_info *info, size_t len, const char *name,
                             gpi_fix_outcome *o)
{
    fail(o, GP_FIX_GRAYSCALE);
    snprintf(o->actual, sizeof o->actual, "灰度（%d 个分量）", info->components);
    snprintf(o->expected, sizeof o->expected, "24 位 RGB 彩色");
    snprintf(o->message, sizeof o->message,
             "%s 是黑白（灰度）照片，不能变成彩色照片，请重新拍摄彩色照片", name);
    describe_source(info, len, NULL, 0, o->from, sizeof o->from);
}

/* The smallest upright size the head is measured at (the whole photo when
 * smaller): the standard's own 480×640, twice what check measures on, so
 * the plan is no coarser than the check that judges the output. */
#define MEASURE_WIDTH 480
#define MEASURE_HEIGHT 640

/* Decode the whole photo upright in sRGB near the target's size and measure
 * the head.  false with error set when the photo cannot be decoded. */
static bool measure_head(const unsigned char *data, size_t len, const gpi_jpeg_info *info,
                         gpi_photo_measure *m, gpi_fix_outcome *o, char *error, size_t error_size)
{
    int orientation = info->orientation >= 1 && info->orientation <= 8 ? info->orientation : 1;
    bool turned = orientation >= 5;
    /* stored size; the upright target is turned inside for orientations 5-8 */
    int eighths = gpi_fix_scale_eighths(info->width, info->height, orientation, MEASURE_WIDTH,
                                       MEASURE_HEIGHT);
    gpi_fix_raster raster;
    if (!gpi_fix_decode(data, len, eighths, &raster, error, error_size))
        return false;
    char colour[160];
    bool ok = gpi_fix_to_srgb(&raster, colour, sizeof colour, error, error_size);
    if (ok && !gpi_fix_orient(&raster.image, orientation)) {
        snprintf(error, error_size, "内存不足");
        ok = false;
    }
    if (ok && !gpi_fix_measure(&raster.image, turned ? info->height : info->width,
                              turned ? info->width : info->height, m, o->frame_error,
                              sizeof o->frame_error))
        o->face_unavailable = true;
    gpi_fix_raster_free(&raster);
    return ok;
}

/* The bands as the clerk reads them. */
static void describe_bands(const gpi_fix_bands *b, char *buf, size_t size)
{
    snprintf(buf, size, "头顶 %.0f–%.0f、眼睛 %.0f–%.0f、脸宽 %.0f–%.0f 像素、脸居中（±%.0f）",
             b->head_top_min, b->head_top_max, b->eye_line_min, b->eye_line_max,
             b->face_width_min, b->face_width_max, b->center_tolerance);
}

/* --frame: measure, plan, and refuse what cannot be framed.  true when the
 * photo goes on (o->plan says KEEP or CROP); false when the outcome is
 * final (refused, or face measurement unavailable). */
static bool plan_frame(const unsigned char *data, size_t len, const gpi_jpeg_info *info,
                       const gp_profile *profile, const char *name, gpi_fix_outcome *o)
{
    gpi_photo_measure m;
    memset(&m, 0, sizeof m);
    char error[256] = "";
    if (!measure_head(data, len, info, &m, o, error, sizeof error)) {
        fail(o, GP_FIX_UNFIXABLE);
        snprintf(o->actual, sizeof o->actual, "%s", error);
        snprintf(o->message, sizeof o->message, "%s 无法解码，不能测量人像：%s", name, error);
        return false;
    }
    if (o->face_unavailable) {
        fail(o, GP_FIX_UNFIXABLE);
        return false;
    }
    bool turned = info->orientation >= 5 && info->orientation <= 8;
    int w = turned ? info->height : info->width, h = turned ? info->width : info->height;
    gpi_fix_bands bands;
    gpi_fix_bands_for(profile, &bands);
    gpi_fix_frame(&m, &bands, w, h, profile->width, profile->height, GPI_FIX_MAX_UPSCALE,
                 &o->plan);
    o->frame_ran = true;
    char before[160], want[200];
    gpi_fix_describe_geometry(&o->plan.before, before, sizeof before);
    describe_bands(&bands, want, sizeof want);
    switch (o->plan.verdict) {
    case GPI_FRAME_KEEP:
    case GPI_FRAME_CROP:
        return true;
    case GPI_FRAME_NO_FACE:
        fail(o, GP_FIX_CANNOT_FRAME);
        snprintf(o->actual, sizeof o->actual, "找到 %d 张人脸", m.faces);
        snprintf(o->expected, sizeof o->expected, "一张正面人脸");
        if (m.faces > 1)
            snprintf(o->message, sizeof o->message,
                     "%s 中有 %d 张人脸，无法按规范构图，未写出；请提供本人单独的正面免冠照片",
                     name, m.faces);
        else
            snprintf(o->message, sizeof o->message,
                     "%s 中没有找到正面人脸，无法按规范构图，未写出；请提供本人正面免冠照片",
                     name);
        return false;
    case GPI_FRAME_NO_HEAD_TOP:
        fail(o, GP_FIX_CANNOT_FRAME);
        snprintf(o->actual, sizeof o->actual, "未找到头顶");
        snprintf(o->expected, sizeof o->expected, "头顶上方有背景");
        snprintf(o->message, sizeof o->message,
                 "%s 中找不到头顶（头顶已到照片上边缘，或头发与背景分不开），无法按规范构图，"
                 "未写出；请重新拍摄，头顶上方留出背景，或提供原图",
                 name);
        return false;
    case GPI_FRAME_PROPORTIONS:
        fail(o, GP_FIX_CANNOT_FRAME);
        snprintf(o->actual, sizeof o->actual, "%s", before);
        snprintf(o->expected, sizeof o->expected, "%s", want);
        snprintf(o->message, sizeof o->message,
                 "%s 的脸宽与头顶到眼睛的距离无法同时落入规范范围（发型、帽子或测量偏差），"
                 "未自动构图、未写出；请人工检查这张照片",
                 name);
        return false;
    case GPI_FRAME_MISSING: {
        char missing[200];
        gpi_fix_describe_missing(&o->plan, missing, sizeof missing);
        fail(o, GP_FIX_CANNOT_FRAME);
        snprintf(o->actual, sizeof o->actual, "%s（%s）", before, missing);
        snprintf(o->expected, sizeof o->expected, "%s", want);
        snprintf(o->message, sizeof o->message,
                 "%s 按规范构图需要原照片以外的画面：%s，请重新拍摄或提供原图（未写出）", name,
                 missing);
        return false;
    }
    case GPI_FRAME_TOO_SMALL:
        fail(o, GP_FIX_TOO_SMALL);
        snprintf(o->actual, sizeof o->actual, "脸宽 %.0f 像素（原图 %d×%d），需放大 %.2f 倍",
                 m.face_width, w, h, o->plan.needed_scale);
        snprintf(o->expected, sizeof o->expected, "放大不超过 %.2f 倍：%s", GPI_FIX_MAX_UPSCALE,
                 want);
        snprintf(o->message, sizeof o->message,
                 "%s 的人像太小：要让脸宽达到规范需放大 %.2f 倍（最多允许 %.2f 倍），画面会发虚，"
                 "未写出；请提供原始高清照片，或重新拍摄（离镜头近一些）",
                 name, o->plan.needed_scale, GPI_FIX_MAX_UPSCALE);
        return false;
    }
    return false;
}

void gpi_fix_photo(const unsigned char *data, size_t len, const gpi_jpeg_info *info,
                  const gp_report *judged, const gp_profile *profile, gp_crop crop,
                  bool frame, const char *name, gpi_fix_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->code = GP_CODE_COUNT; /* no finding */
    char window[64];
    gpi_profile_size_window(profile, window, sizeof window);

    if (!info->is_jpeg) {
        fail(o, GP_FIX_UNFIXABLE);
        snprintf(o->actual, sizeof o->actual, "不是 JPEG");
        snprintf(o->expected, sizeof o->expected, "JPEG");
        snprintf(o->message, sizeof o->message,
                 "%s 的内容不是 JPEG 照片，无法自动修正，请向照相馆索取原始 JPG 文件", name);
        return;
    }
    if (!info->decoded) {
        fail(o, GP_FIX_UNFIXABLE);
        snprintf(o->actual, sizeof o->actual, "%s", info->decode_error);
        snprintf(o->expected, sizeof o->expected, "完整可解码的 JPEG");
        snprintf(o->message, sizeof o->message,
                 "%s 的数据已损坏（%s），无法自动修正，请重新获取原始照片", name,
                 info->decode_error);
        return;
    }
    bool reframe = false;
    if (frame) {
        if (is_grayscale(info)) {
            refuse_grayscale(info, len, name, o);
            return;
        }
        if (!plan_frame(data, len, info, profile, name, o)) {
            describe_source(info, len, NULL, 0, o->from, sizeof o->from);
            return;
        }
        reframe = o->plan.verdict == GPI_FRAME_CROP;
        /* KEEP on a photo that is not 3:4: its centred 3:4 crop meets every band */
        crop = GP_CROP_CENTER;
    }
    if (!reframe && !has_fixable(judged)) {
        if (gp_report_count_severity(judged, GP_ERROR) > 0) {
            fail(o, GP_FIX_UNFIXABLE);
            snprintf(o->message, sizeof o->message, "%s 的问题无法自动修正，请查看 check 的结果",
                     name);
            return;
        }
        o->action = GPI_FIX_COPIED;
        describe_source(info, len, NULL, 0, o->from, sizeof o->from);
        snprintf(o->to, sizeof o->to, "%s", o->from);
        return;
    }
    if (is_grayscale(info)) {
        refuse_grayscale(info, len, name, o);
        return;
    }
    if (!reframe && gpi_fix_try_lossless(data, len, info, judged, profile, &o->out, &o->out_len)) {
        describe_metadata_fix(info, judged, len, o, profile, name);
        return;
    }
    bool turned = info->orientation >= 5 && info->orientation <= 8;
    int upright_w = turned ? info->height : info->width;
    int upright_h = turned ? info->width : info->height;
    gpi_fix_box box = {0, 0, upright_w, upright_h};
    if (reframe)
        box = o->plan.box;
    else if (!gpi_fix_aspect_ok(upright_w, upright_h, profile->width, profile->height)) {
        if (crop != GP_CROP_CENTER) {
            char how[256];
            gpi_fix_describe_crop(upright_w, upright_h, profile->width, profile->height, how,
                                 sizeof how);
            fail(o, GP_FIX_ASPECT);
            snprintf(o->actual, sizeof o->actual, "%d×%d（宽高比 %.3f）", upright_w, upright_h,
                     (double)upright_w / upright_h);
            int g = gcd(profile->width, profile->height);
            snprintf(o->expected, sizeof o->expected, "宽高比 %d:%d（误差 1%% 以内）：%s",
                     profile->width / g, profile->height / g, how);
            snprintf(o->message, sizeof o->message,
                     "%s 是 %d×%d，不是 %d:%d，直接缩放会变形，未处理：请%s，或加 --crop center",
                     name, upright_w, upright_h, profile->width / g, profile->height / g, how);
            describe_source(info, len, NULL, 0, o->from, sizeof o->from);
            return;
        }
        box = gpi_fix_center_crop(upright_w, upright_h, profile->width, profile->height);
    }

    char error[256] = "";
    char colour_from[160] = "";
    int quality_estimate = 0;
    gpi_fix_image image = {0};
    if (!render(data, len, info, &box, profile, &image, colour_from, sizeof colour_from, error,
                sizeof error, &quality_estimate)) {
        fail(o, GP_FIX_UNFIXABLE);
        snprintf(o->actual, sizeof o->actual, "%s", error);
        snprintf(o->message, sizeof o->message, "%s 无法转换：%s", name, error);
        return;
    }
    describe_source(info, len, colour_from, quality_estimate, o->from, sizeof o->from);

    encode_context ec = {.image = &image, .dpi = profile->dpi};
    gpi_fix_search search;
    gpi_fix_search_quality(encode_trial, &ec, profile->min_bytes, profile->max_bytes, &search);
    gpi_fix_image_free(&image);
    o->encodes = search.encodes;
    switch (search.fit) {
    case GPI_FIX_FIT_IN_WINDOW:
        o->action = GPI_FIX_FIXED;
        o->code = GP_FIX_CHANGED;
        o->out = search.out;
        o->out_len = search.len;
        o->quality = search.quality;
        o->chroma = search.chroma;
        snprintf(o->to, sizeof o->to, "%d×%d，%zu 字节，%d dpi，sRGB，质量 %d（%s）",
                 profile->width, profile->height, search.len, profile->dpi, search.quality,
                 chroma_name(search.chroma));
        snprintf(o->actual, sizeof o->actual, "%s", o->from);
        snprintf(o->expected, sizeof o->expected, "%s", o->to);
        describe_changes(info, judged, len, o, colour_from,
                         box.width < profile->width || box.height < profile->height, profile,
                         o->message, sizeof o->message);
        return;
    case GPI_FIX_FIT_BELOW_MIN:
        fail(o, GP_FIX_CANNOT_REACH_MIN);
        snprintf(o->actual, sizeof o->actual, "最高质量 %d（%s）也只有 %zu 字节（%.1f KB）",
                 search.best_quality, chroma_name(search.best_chroma), search.best_len,
                 search.best_len / 1024.0);
        snprintf(o->expected, sizeof o->expected, "%s 字节", window);
        snprintf(o->message, sizeof o->message,
                 "%s 画面过于单调或原图太小，最高质量压缩也只有 %.1f KB，达不到 %.0f KB，未写出；"
                 "请索取原始高清照片",
                 name, search.best_len / 1024.0, profile->min_bytes / 1024.0);
        return;
    case GPI_FIX_FIT_ABOVE_MAX:
    case GPI_FIX_FIT_MISSED:
        fail(o, GP_FIX_SIZE_WINDOW);
        snprintf(o->actual, sizeof o->actual, "质量 %d（%s）为 %zu 字节，试压 %d 次",
                 search.best_quality, chroma_name(search.best_chroma), search.best_len,
                 search.encodes);
        snprintf(o->expected, sizeof o->expected, "%s 字节", window);
        snprintf(o->message, sizeof o->message,
                 "%s 找不到落在 %s 字节之内的压缩质量（最接近的是 %.1f KB），未写出", name,
                 window, search.best_len / 1024.0);
        return;
    case GPI_FIX_FIT_FAILED:
        fail(o, GP_FIX_UNFIXABLE);
        snprintf(o->message, sizeof o->message, "%s 编码失败（内存不足）", name);
        return;
    }
}
