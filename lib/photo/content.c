/* Judging the content measurements (content.h) against the profile: the
 * bands of 教毕指[2017]99号 §四.2 as fractions of the photo's size, the
 * allowed backdrops, the light and focus limits.  Runs on the calling
 * thread, in photo order.  Every finding carries the measured value
 * (actual) and the band (expected), and a message that says what to do in
 * pixels of this photo. */
#include "photo/content.h"
#include "check/check.h"
#include "core/base.h"
#include "core/findings.h"
#include "core/profile.h"
#include "face/face.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CONTENT_CODE GP_PHOTO_NO_FACE
#define LAST_CONTENT_CODE GP_PHOTO_FACE_RULES_SKIPPED

void gpi_content_profile_defaults(gpi_content_profile *c)
{
    memset(c, 0, sizeof *c);
    c->enabled = true;
    /* 教毕指[2017]99号 §四.2, for 480×640: head top 50–110 px from the top,
     * eye line 200–300 px, face width 180–300 px, centred left and right */
    c->head_top_min = 50.0 / 640;
    c->head_top_max = 110.0 / 640;
    c->eye_line_min = 200.0 / 640;
    c->eye_line_max = 300.0 / 640;
    c->face_width_min = 180.0 / 480;
    c->face_width_max = 300.0 / 480;
    c->center_tolerance = 0.05;
    c->tilt_max_deg = 6;
    /* seed 004: light blue 100,197,255; the national standard also allows
     * white and light grey */
    static const struct {
        const char *name;
        double rgb[3];
    } refs[] = {{"浅蓝", {100, 197, 255}}, {"白色", {255, 255, 255}}, {"浅灰", {240, 240, 240}}};
    for (size_t i = 0; i < GPI_ARRAY_LEN(refs); i++) {
        memcpy(c->backdrops[i], refs[i].rgb, sizeof refs[i].rgb);
        snprintf(c->backdrop_names[i], sizeof c->backdrop_names[i], "%s", refs[i].name);
    }
    c->backdrop_count = (int)GPI_ARRAY_LEN(refs);
    /* gradpack's calibration (docs/performance.md, tests/e2e/test_content.py) */
    c->backdrop_tolerance = 12;
    c->backdrop_spread_max = 12;
    c->face_luminance_min = 40;
    c->face_luminance_max = 85;
    c->face_clipped_max = 0.05;
    c->face_lr_ratio_min = 0.7;
    c->sharpness_min = 20;
    c->saturation_min = 2;
    c->clothing_fraction_max = 0.5;
    c->eye_open_min = 0.15;
    c->mouth_open_max = 0.25;
    for (size_t i = 0; i < GPI_ARRAY_LEN(c->severity); i++)
        c->severity[i] = -1;
}

void gpi_content_profile_free(gpi_content_profile *c)
{
    if (!c)
        return;
    free(c->face_model);
    free(c);
}

/* "0.05", "50/640" */
static bool parse_number(const char *value, double *out)
{
    char *end;
    double a = strtod(value, &end);
    if (end == value)
        return false;
    while (*end == ' ')
        end++;
    if (*end == '/') {
        const char *q = end + 1;
        double b = strtod(q, &end);
        if (end == q || b == 0)
            return false;
        a /= b;
    }
    while (*end == ' ')
        end++;
    if (*end || !isfinite(a) || a < 0)
        return false;
    *out = a;
    return true;
}

/* "浅蓝: 100,197,255; 白色: 255,255,255" */
static bool parse_backdrops(gpi_content_profile *c, const char *value)
{
    char *copy = strdup(value);
    if (!copy)
        return false;
    int n = 0;
    bool ok = true;
    for (char *save = NULL, *item = strtok_r(copy, ";", &save); ok && item;
         item = strtok_r(NULL, ";", &save)) {
        gpi_trim(item);
        if (!*item)
            continue;
        char *colon = strchr(item, ':');
        if (!colon || n >= GPI_CONTENT_MAX_BACKDROPS) {
            ok = false;
            break;
        }
        *colon = '\0';
        int r, g, b;
        char extra;
        if (sscanf(colon + 1, " %d , %d , %d %c", &r, &g, &b, &extra) != 3 || r < 0 || r > 255 ||
            g < 0 || g > 255 || b < 0 || b > 255) {
            ok = false;
            break;
        }
        snprintf(c->backdrop_names[n], sizeof c->backdrop_names[n], "%s", gpi_trim(item));
        c->backdrops[n][0] = r;
        c->backdrops[n][1] = g;
        c->backdrops[n][2] = b;
        n++;
    }
    free(copy);
    if (ok && n)
        c->backdrop_count = n;
    return ok && n;
}

int gpi_content_profile_set(gpi_content_profile *c, const char *section, const char *name,
                           const char *value, char *problem, size_t problem_size)
{
    if (!strcmp(section, "severity")) {
        gp_code code = gp_code_from_name(name);
        if (code < FIRST_CONTENT_CODE || code > LAST_CONTENT_CODE || !gp_code_known(code)) {
            snprintf(problem, problem_size, "[severity] 只能调整照片内容规则的级别，%s 不是", name);
            return 0;
        }
        int sev = !strcmp(value, "error") ? GP_ERROR : !strcmp(value, "warning") ? GP_WARNING
                  : !strcmp(value, "info") ? GP_INFO : -1;
        if (sev < 0) {
            snprintf(problem, problem_size, "[severity] %s = %s：级别只能是 error、warning 或 info",
                     name, value);
            return 0;
        }
        c->severity[code - FIRST_CONTENT_CODE] = sev;
        return 1;
    }
    static const struct {
        const char *key;
        size_t offset;
    } numbers[] = {
#define N(k) {#k, offsetof(gpi_content_profile, k)}
        N(head_top_min), N(head_top_max), N(eye_line_min), N(eye_line_max),
        N(face_width_min), N(face_width_max), N(center_tolerance), N(tilt_max_deg),
        N(backdrop_tolerance), N(backdrop_spread_max), N(face_luminance_min),
        N(face_luminance_max), N(face_clipped_max), N(face_lr_ratio_min), N(sharpness_min),
        N(saturation_min), N(clothing_fraction_max), N(eye_open_min), N(mouth_open_max),
#undef N
    };
    for (size_t i = 0; i < GPI_ARRAY_LEN(numbers); i++)
        if (!strcmp(name, numbers[i].key)) {
            if (!parse_number(value, (double *)((char *)c + numbers[i].offset))) {
                snprintf(problem, problem_size, "[content] %s = %s 不是数（可写 0.05 或 50/640）",
                         name, value);
                return 0;
            }
            return 1;
        }
    if (!strcmp(name, "enabled")) {
        if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
            c->enabled = true;
        else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
            c->enabled = false;
        else {
            snprintf(problem, problem_size, "[content] enabled = %s 应为 true 或 false", value);
            return 0;
        }
        return 1;
    }
    if (!strcmp(name, "backdrops")) {
        if (!parse_backdrops(c, value)) {
            snprintf(problem, problem_size,
                     "[content] backdrops 应写成 名称: R,G,B; 名称: R,G,B（最多 %d 个）",
                     GPI_CONTENT_MAX_BACKDROPS);
            return 0;
        }
        return 1;
    }
    if (!strcmp(name, "face_model")) {
        free(c->face_model);
        c->face_model = strdup(value);
        return c->face_model ? 1 : -1;
    }
    snprintf(problem, problem_size, "未知设置 [content] %s", name);
    return 0;
}

static gpi_content_profile default_content;
static pthread_once_t default_content_once = PTHREAD_ONCE_INIT;

static void default_content_init(void)
{
    gpi_content_profile_defaults(&default_content);
}

static const gpi_content_profile *content_of(const gp_profile *profile)
{
    if (profile && profile->content)
        return profile->content;
    pthread_once(&default_content_once, default_content_init); /* workers may race here */
    return &default_content;
}

void gpi_content_bands_for(const gp_profile *profile, int photo_width, int photo_height,
                          gpi_content_bands *b)
{
    const gpi_content_profile *c = content_of(profile);
    b->head_top_min = c->head_top_min * photo_height;
    b->head_top_max = c->head_top_max * photo_height;
    b->eye_line_min = c->eye_line_min * photo_height;
    b->eye_line_max = c->eye_line_max * photo_height;
    b->face_width_min = c->face_width_min * photo_width;
    b->face_width_max = c->face_width_max * photo_width;
    b->center_tolerance = c->center_tolerance * photo_width;
    b->tilt_max_deg = c->tilt_max_deg;
}

/* ---- judging ------------------------------------------------------------- */

typedef struct judge {
    const gpi_content_profile *c;
    const gpi_where *where;
    gp_report *report;
    int errors;
} judge;

static void addv(judge *j, gp_code code, const char *actual, const char *expected,
                 const char *fmt, va_list ap) GPI_PRINTF(5, 0);
static void addv(judge *j, gp_code code, const char *actual, const char *expected,
                 const char *fmt, va_list ap)
{
    int sev = j->c->severity[code - FIRST_CONTENT_CODE];
    gp_severity severity = sev >= 0 ? (gp_severity)sev : gp_code_severity(code);
    gpi_report_addv(j->report, severity, code, j->where, actual, expected, fmt, ap);
    if (severity == GP_ERROR)
        j->errors++;
}

static void add(judge *j, gp_code code, const char *actual, const char *expected,
                const char *fmt, ...) GPI_PRINTF(5, 6);
static void add(judge *j, gp_code code, const char *actual, const char *expected,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    addv(j, code, actual, expected, fmt, ap);
    va_end(ap);
}

/* A measurement past one limit of the profile: the actual text shows the
 * value, the expected text the limit, each through a format of one number;
 * the message says what to do. */
static void past_limit(judge *j, gp_code code, const char *actual_fmt, double value,
                       const char *expected_fmt, double limit, const char *fmt, ...)
    GPI_PRINTF(7, 8);
static void past_limit(judge *j, gp_code code, const char *actual_fmt, double value,
                       const char *expected_fmt, double limit, const char *fmt, ...)
{
    char actual[200], expected[200];
    snprintf(actual, sizeof actual, actual_fmt, value);
    snprintf(expected, sizeof expected, expected_fmt, limit);
    va_list ap;
    va_start(ap, fmt);
    addv(j, code, actual, expected, fmt, ap);
    va_end(ap);
}

/* Round a correction up to the next 10 pixels: "多留约 70 像素". */
static long up10(double v)
{
    return (long)ceil(v / 10.0) * 10;
}

static void number(judge *j, const char *key, double value)
{
    gp_report_photo_number(j->report, j->where->source, j->where->seq, key, value);
}

/* Numbers recorded under their field's own name, in this order. */
typedef struct named_number {
    const char *key;
    size_t offset; /* of a double */
} named_number;

#define M(k) {#k, offsetof(gpi_photo_measure, k)}
static const named_number face_numbers[] = {
    M(face_left), M(face_top), M(face_right), M(face_bottom), M(eye_left_x), M(eye_left_y),
    M(eye_right_x), M(eye_right_y), M(eye_line), M(face_width), M(face_center_x), M(tilt_deg),
};
#undef M
#define B(k) {#k, offsetof(gpi_content_bands, k)}
static const named_number band_numbers[] = {
    B(head_top_min), B(head_top_max), B(eye_line_min), B(eye_line_max), B(face_width_min),
    B(face_width_max),
};
#undef B

static void numbers(judge *j, const void *from, const named_number *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        number(j, list[i].key, *(const double *)(const void *)((const char *)from + list[i].offset));
}

static void record(judge *j, const gpi_photo_measure *m, int width, int height,
                   const gpi_content_bands *b)
{
    number(j, "image_width", width);
    number(j, "image_height", height);
    number(j, "saturation", m->saturation);
    if (!m->has_face)
        return;
    numbers(j, m, face_numbers, GPI_ARRAY_LEN(face_numbers));
    if (m->has_head_top)
        number(j, "head_top", m->head_top);
    if (m->has_background) {
        number(j, "background_L", m->background_lab[0]);
        number(j, "background_a", m->background_lab[1]);
        number(j, "background_b", m->background_lab[2]);
        number(j, "background_spread", m->background_spread);
    }
    number(j, "face_luminance", m->face_luminance);
    number(j, "face_clipped", 100 * m->face_clipped);
    number(j, "face_lr_ratio", 100 * m->face_lr_ratio);
    number(j, "sharpness", m->sharpness);
    if (m->has_landmarks) {
        number(j, "eye_open", 100 * m->eye_open);
        number(j, "mouth_open", 100 * m->mouth_open);
    }
    if (m->has_clothing)
        number(j, "clothing_like_background", 100 * m->clothing_fraction);
    numbers(j, b, band_numbers, GPI_ARRAY_LEN(band_numbers));
}

static void judge_geometry(judge *j, const gpi_photo_measure *m, int width,
                           const gpi_content_bands *b)
{
    char actual[96], expected[96];
    if (m->has_head_top) {
        snprintf(expected, sizeof expected, "%.0f–%.0f 像素", b->head_top_min, b->head_top_max);
        snprintf(actual, sizeof actual, "头顶距上边缘 %.0f 像素", m->head_top);
        if (m->head_top < 1)
            add(j, GP_PHOTO_HEAD_TOP, actual, expected,
                "头顶被裁掉了（头发碰到照片上边缘）：裁剪时头顶上方至少留 %.0f 像素",
                b->head_top_min);
        else if (m->head_top < b->head_top_min)
            add(j, GP_PHOTO_HEAD_TOP, actual, expected,
                "头顶离上边缘太近：裁剪时头顶上方多留约 %ld 像素",
                up10(b->head_top_min - m->head_top));
        else if (m->head_top > b->head_top_max)
            add(j, GP_PHOTO_HEAD_TOP, actual, expected,
                "头顶上方空白太多：裁剪时把人像上移约 %ld 像素（或把人像放大）",
                up10(m->head_top - b->head_top_max));
    }
    snprintf(expected, sizeof expected, "%.0f–%.0f 像素", b->eye_line_min, b->eye_line_max);
    snprintf(actual, sizeof actual, "两眼连线距上边缘 %.0f 像素", m->eye_line);
    if (m->eye_line < b->eye_line_min)
        add(j, GP_PHOTO_EYE_LINE, actual, expected,
            "眼睛太靠上：裁剪时把人像下移约 %ld 像素", up10(b->eye_line_min - m->eye_line));
    else if (m->eye_line > b->eye_line_max)
        add(j, GP_PHOTO_EYE_LINE, actual, expected,
            "眼睛太靠下：裁剪时把人像上移约 %ld 像素", up10(m->eye_line - b->eye_line_max));

    snprintf(expected, sizeof expected, "%.0f–%.0f 像素", b->face_width_min, b->face_width_max);
    snprintf(actual, sizeof actual, "脸宽 %.0f 像素", m->face_width);
    if (m->face_width < b->face_width_min)
        add(j, GP_PHOTO_FACE_WIDTH, actual, expected,
            "脸太小：拍摄时靠近些，或裁剪时把人像放大约 %.0f%%",
            ceil(100 * ((b->face_width_min + b->face_width_max) / 2 / m->face_width - 1)));
    else if (m->face_width > b->face_width_max)
        add(j, GP_PHOTO_FACE_WIDTH, actual, expected,
            "脸太大：拍摄时退远些，或裁剪时把人像缩小约 %.0f%%",
            ceil(100 * (1 - (b->face_width_min + b->face_width_max) / 2 / m->face_width)));

    double off = m->face_center_x - width / 2.0;
    if (fabs(off) > b->center_tolerance) {
        snprintf(actual, sizeof actual, "脸的中心偏%s %.0f 像素", off < 0 ? "左" : "右", fabs(off));
        snprintf(expected, sizeof expected, "偏离中线不超过 %.0f 像素", b->center_tolerance);
        add(j, GP_PHOTO_FACE_CENTER, actual, expected,
            "人像没有居中：裁剪时把人像向%s移约 %ld 像素", off < 0 ? "右" : "左", up10(fabs(off)));
    }
    /* + = clockwise: the picture is turned back counter-clockwise */
    if (fabs(m->tilt_deg) > b->tilt_max_deg)
        past_limit(j, GP_PHOTO_HEAD_TILT, "两眼连线倾斜 %.1f°", fabs(m->tilt_deg), "不超过 %.0f°",
                   b->tilt_max_deg, "头部歪斜：请摆正头部重拍，或把照片%s时针旋转约 %.0f° 后重新裁剪",
                   m->tilt_deg > 0 ? "逆" : "顺", fabs(m->tilt_deg));
}

static void judge_backdrop(judge *j, const gpi_photo_measure *m)
{
    const gpi_content_profile *c = j->c;
    char actual[160], expected[200];
    if (!m->has_background)
        return;
    double best = INFINITY;
    int nearest = 0;
    for (int i = 0; i < c->backdrop_count; i++) {
        double lab[3];
        gpi_content_srgb_to_lab(c->backdrops[i], lab);
        double d = gpi_content_delta_e(m->background_lab, lab);
        if (d < best) {
            best = d;
            nearest = i;
        }
    }
    if (c->backdrop_count && best > c->backdrop_tolerance) {
        size_t used = (size_t)snprintf(expected, sizeof expected, "与");
        for (int i = 0; i < c->backdrop_count && used < sizeof expected; i++)
            used += (size_t)snprintf(expected + used, sizeof expected - used, "%s%s(%.0f,%.0f,%.0f)",
                                     i ? "、" : "", c->backdrop_names[i], c->backdrops[i][0],
                                     c->backdrops[i][1], c->backdrops[i][2]);
        if (used < sizeof expected)
            snprintf(expected + used, sizeof expected - used, "之一相差 ΔE2000 ≤ %.0f",
                     c->backdrop_tolerance);
        snprintf(actual, sizeof actual, "背景 L*a*b* %.0f/%.0f/%.0f，与%s相差 ΔE2000 %.1f",
                 m->background_lab[0], m->background_lab[1], m->background_lab[2],
                 c->backdrop_names[nearest], best);
        add(j, GP_PHOTO_BACKGROUND_COLOR, actual, expected,
            "背景颜色不是规定的颜色（最接近%s，但相差太大）：请在%s背景前重拍",
            c->backdrop_names[nearest], c->backdrop_names[0]);
    }
    if (m->background_spread > c->backdrop_spread_max)
        past_limit(j, GP_PHOTO_BACKGROUND_UNEVEN, "背景各处最大相差 ΔE2000 %.1f",
                   m->background_spread, "ΔE2000 ≤ %.0f", c->backdrop_spread_max,
                   "背景有阴影、明暗渐变或杂物：给背景均匀打光、人离背景远一些后重拍");
    if (m->has_clothing && m->clothing_fraction > c->clothing_fraction_max)
        past_limit(j, GP_PHOTO_CLOTHING_LIKE_BACKGROUND, "上衣与背景同色的部分占 %.0f%%",
                   100 * m->clothing_fraction, "不超过 %.0f%%", 100 * c->clothing_fraction_max,
                   "衣服颜色与背景太接近：请换与背景反差明显的衣服（如深色上衣）后重拍");
}

static void judge_face(judge *j, const gpi_photo_measure *m)
{
    const gpi_content_profile *c = j->c;
    char actual[128], expected[128];
    snprintf(expected, sizeof expected, "亮度 L* %.0f–%.0f，过亮发白不超过 %.0f%%",
             c->face_luminance_min, c->face_luminance_max, 100 * c->face_clipped_max);
    if (m->face_luminance < c->face_luminance_min) {
        snprintf(actual, sizeof actual, "脸部亮度 L* %.0f", m->face_luminance);
        add(j, GP_PHOTO_FACE_EXPOSURE, actual, expected,
            "脸部太暗：请增加正面补光后重拍");
    } else if (m->face_luminance > c->face_luminance_max || m->face_clipped > c->face_clipped_max) {
        snprintf(actual, sizeof actual, "脸部亮度 L* %.0f，过亮发白 %.0f%%", m->face_luminance,
                 100 * m->face_clipped);
        add(j, GP_PHOTO_FACE_EXPOSURE, actual, expected,
            "脸部太亮、发白：请减弱灯光或闪光后重拍");
    }
    if (m->face_lr_ratio < c->face_lr_ratio_min)
        past_limit(j, GP_PHOTO_FACE_UNEVEN_LIGHT, "暗侧脸的亮度是亮侧的 %.0f%%",
                   100 * m->face_lr_ratio, "不低于 %.0f%%", 100 * c->face_lr_ratio_min,
                   "阴阳脸：一侧脸明显偏暗，请从两侧均匀补光后重拍");
    if (m->sharpness < c->sharpness_min)
        past_limit(j, GP_PHOTO_BLURRY, "脸部清晰度 %.0f", m->sharpness, "不低于 %.0f",
                   c->sharpness_min, "脸部模糊：请对焦在眼睛上、保持相机稳定后重拍");
    if (m->has_landmarks && m->eye_open < c->eye_open_min)
        past_limit(j, GP_PHOTO_EYES_CLOSED, "睁眼程度 %.2f", m->eye_open, "不低于 %.2f",
                   c->eye_open_min,
                   "眼睛可能闭着或眯着：请确认照片，必要时让被拍摄者睁眼平视后重拍");
    if (m->has_landmarks && m->mouth_open > c->mouth_open_max)
        past_limit(j, GP_PHOTO_MOUTH_OPEN, "张嘴程度 %.2f", m->mouth_open, "不超过 %.2f",
                   c->mouth_open_max, "嘴可能张着：请确认照片，必要时让被拍摄者自然闭嘴后重拍");
}

int gpi_content_judge(const gpi_photo_measure *m, int photo_width, int photo_height,
                     const gp_profile *profile, const gpi_where *where, gp_report *report)
{
    const gpi_content_profile *c = content_of(profile);
    if (!m || !m->measured || !c->enabled || photo_width <= 0 || photo_height <= 0)
        return 0;
    judge j = {.c = c, .where = where, .report = report};
    gpi_content_bands b;
    gpi_content_bands_for(profile, photo_width, photo_height, &b);
    record(&j, m, photo_width, photo_height, &b);

    if (m->saturation < c->saturation_min)
        past_limit(&j, GP_PHOTO_NOT_COLOR, "色彩饱和度 %.1f", m->saturation, "不低于 %.1f",
                   c->saturation_min, "照片是黑白（灰度）的：请提交原始的彩色照片");
    if (!m->face_ran) {
        /* said once per report, at the first photo it concerns */
        if (!gp_report_has(report, GP_PHOTO_FACE_RULES_SKIPPED)) {
            char why[512];
            gpi_face_status st = gpi_face_load(why, sizeof why);
            gpi_where once = {.source = where ? where->source : NULL};
            bool missing = m->face_status == GPI_FACE_NO_MODEL || st == GPI_FACE_NO_MODEL;
            gpi_report_add_severity(report, missing ? GP_ERROR : GP_INFO,
                                   GP_PHOTO_FACE_RULES_SKIPPED, &once, NULL, NULL,
                                   "照片的人脸规则（构图、五官、脸部光线和清晰度）没有检查：%s",
                                   why[0] ? why : "人脸检测不可用");
            if (missing)
                j.errors++;
        }
        return j.errors;
    }
    if (m->faces == 0) {
        add(&j, GP_PHOTO_NO_FACE, "0 张脸", "1 张正面人脸",
            "照片中找不到正面人脸：请确认是本人正面免冠头像，脸部没有遮挡、不过暗不过虚");
        return j.errors;
    }
    if (m->faces > 1) {
        char actual[96];
        snprintf(actual, sizeof actual, "%d 张脸", m->faces);
        add(&j, GP_PHOTO_MULTIPLE_FACES, actual, "1 张",
            "照片中有 %d 张脸：每张照片只能有本人一人", m->faces);
        return j.errors;
    }
    if (!m->has_face)
        return j.errors;
    judge_geometry(&j, m, photo_width, &b);
    judge_backdrop(&j, m);
    judge_face(&j, m);
    return j.errors;
}

void gp_set_face_model(const char *path)
{
    gpi_face_set_model(path, path && *path);
}
