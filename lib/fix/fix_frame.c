/* --frame: the 3:4 crop and scale that put the head where 教毕指[2017]99号
 * wants it (head top, eye line and face width inside the profile's bands,
 * the face centred), computed from the content rules' measurement of the
 * upright source.  Pure arithmetic: no pixels, no I/O, so it is tested with
 * hand-made measurements.
 *
 * The crop is W/s × H/s source pixels for a scale s (target pixels per
 * source pixel).  The face width fixes the range of s; the head top and the
 * eye line, whose distance d is fixed by the face, narrow it further:
 * s·d must fit between the two bands.  Within that range the preferred s
 * puts the face width in the middle of its band; when that crop would reach
 * outside the picture a larger s (a smaller crop, the face larger but still
 * inside its band) is tried, because a smaller crop only ever fits better.
 * The position then puts the head top and the eye line as near the middles
 * of their bands as the picture allows, and the face centre in the middle.
 * Every band is first shrunk by a margin so that re-measuring the output,
 * which jitters by a few pixels, still lands inside; the margin is given up
 * step by step before the photo is refused.
 */
#include "fix_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

gp_fix_geometry gp_fix_geometry_of(const gp_photo_measure *m, const gp_fix_box *box,
                                   int target_w, int target_h)
{
    gp_fix_geometry g = {0};
    if (box->width <= 0 || box->height <= 0)
        return g;
    double sx = (double)target_w / box->width, sy = (double)target_h / box->height;
    g.head_top = (m->head_top - box->y) * sy;
    g.eye_line = (m->eye_line - box->y) * sy;
    g.face_width = m->face_width * sx;
    g.center_offset = (m->face_center_x - box->x) * sx - target_w / 2.0;
    return g;
}

bool gp_fix_geometry_inside(const gp_fix_geometry *g, const gp_fix_bands *b)
{
    return g->head_top >= b->head_top_min && g->head_top <= b->head_top_max &&
           g->eye_line >= b->eye_line_min && g->eye_line <= b->eye_line_max &&
           g->face_width >= b->face_width_min && g->face_width <= b->face_width_max &&
           fabs(g->center_offset) <= b->center_tolerance;
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The bands, each shrunk by `margin` of its width on both sides. */
static gp_fix_bands shrink(const gp_fix_bands *b, double margin)
{
    gp_fix_bands s = *b;
    double h = (b->head_top_max - b->head_top_min) * margin;
    double e = (b->eye_line_max - b->eye_line_min) * margin;
    double f = (b->face_width_max - b->face_width_min) * margin;
    s.head_top_min += h, s.head_top_max -= h;
    s.eye_line_min += e, s.eye_line_max -= e;
    s.face_width_min += f, s.face_width_max -= f;
    s.center_tolerance *= 1 - 2 * margin;
    return s;
}

/* The range of s that the bands allow for this face: [*lo, *hi]. */
static bool scale_range(const gp_photo_measure *m, const gp_fix_bands *b, double *lo,
                        double *hi)
{
    double d = m->eye_line - m->head_top;
    *lo = fmax(b->face_width_min / m->face_width, (b->eye_line_min - b->head_top_max) / d);
    *hi = fmin(b->face_width_max / m->face_width, (b->eye_line_max - b->head_top_min) / d);
    return *lo <= *hi;
}

/* An interval of crop origins along one axis: [lo, hi]. */
typedef struct span {
    double lo, hi;
} span;

/* The origins the bands allow at scale s. */
static span x_allowed(const gp_photo_measure *m, const gp_fix_bands *b, int target_w, double s)
{
    span x = {m->face_center_x - (target_w / 2.0 + b->center_tolerance) / s,
              m->face_center_x - (target_w / 2.0 - b->center_tolerance) / s};
    return x;
}

/* The head-top positions (target pixels) the bands allow at scale s. */
static span head_top_allowed(const gp_photo_measure *m, const gp_fix_bands *b, double s)
{
    double d = (m->eye_line - m->head_top) * s;
    span t = {fmax(b->head_top_min, b->eye_line_min - d), fmin(b->head_top_max, b->eye_line_max - d)};
    return t;
}

static span y_allowed(const gp_photo_measure *m, const gp_fix_bands *b, double s)
{
    span t = head_top_allowed(m, b, s);
    span y = {m->head_top - t.hi / s, m->head_top - t.lo / s};
    return y;
}

/* Place a crop of `size` in [0, extent] with its origin in `allowed`, as
 * near `ideal` as possible.  false when no origin fits. */
static bool place(span allowed, double size, double extent, double ideal, double *origin)
{
    double lo = fmax(allowed.lo, 0), hi = fmin(allowed.hi, extent - size);
    if (lo > hi + 1e-9)
        return false;
    *origin = clampd(ideal, lo, hi);
    return true;
}

/* The least picture missing beyond the two edges for an origin in
 * `allowed`: *before (left/top) and *after (right/bottom), in pixels. */
static void shortage(span allowed, double size, double extent, int *before, int *after)
{
    double candidates[4] = {allowed.lo, allowed.hi, clampd(0, allowed.lo, allowed.hi),
                            clampd(extent - size, allowed.lo, allowed.hi)};
    double best_total = -1, best_before = 0, best_after = 0;
    for (int i = 0; i < 4; i++) {
        double o = candidates[i];
        double b = fmax(0, -o), a = fmax(0, o + size - extent);
        if (best_total < 0 || b + a < best_total)
            best_total = b + a, best_before = b, best_after = a;
    }
    *before = (int)ceil(best_before - 1e-9);
    *after = (int)ceil(best_after - 1e-9);
}

/* The integer crop box for scale s at origin (x, y), kept inside the
 * source (rounding never moves it out). */
static gp_fix_box box_at(double x, double y, double s, int src_w, int src_h, int target_w,
                         int target_h)
{
    gp_fix_box box;
    box.width = (int)lround(target_w / s);
    box.height = (int)lround(target_h / s);
    if (box.width > src_w)
        box.width = src_w;
    if (box.height > src_h)
        box.height = src_h;
    box.x = (int)lround(x);
    box.y = (int)lround(y);
    if (box.x < 0)
        box.x = 0;
    if (box.y < 0)
        box.y = 0;
    if (box.x + box.width > src_w)
        box.x = src_w - box.width;
    if (box.y + box.height > src_h)
        box.y = src_h - box.height;
    return box;
}

/* Try to frame with bands b: true and the plan's box when a crop fits. */
static bool try_frame(const gp_photo_measure *m, const gp_fix_bands *b, int src_w, int src_h,
                      int target_w, int target_h, double max_upscale, gp_fix_frame_plan *plan)
{
    double lo, hi;
    if (!scale_range(m, b, &lo, &hi))
        return false;
    hi = fmin(hi, max_upscale);
    if (lo > hi)
        return false;
    double mid_fw = (b->face_width_min + b->face_width_max) / 2;
    double mid_ht = (b->head_top_min + b->head_top_max) / 2;
    double mid_eye = (b->eye_line_min + b->eye_line_max) / 2;
    double preferred = clampd(mid_fw / m->face_width, lo, hi);
    enum { STEPS = 64 };
    for (int i = 0; i <= STEPS; i++) {
        double s = preferred + (hi - preferred) * i / STEPS;
        double cw = target_w / s, ch = target_h / s;
        double x, y;
        if (!place(x_allowed(m, b, target_w, s), cw, src_w, m->face_center_x - cw / 2, &x))
            continue;
        /* the head top that puts head top and eyes nearest their middles */
        span t = head_top_allowed(m, b, s);
        double d = (m->eye_line - m->head_top) * s;
        double ideal_top = clampd((mid_ht + mid_eye - d) / 2, t.lo, t.hi);
        if (!place(y_allowed(m, b, s), ch, src_h, m->head_top - ideal_top / s, &y))
            continue;
        gp_fix_box box = box_at(x, y, s, src_w, src_h, target_w, target_h);
        /* whole pixels: the rounded box must still meet the bands */
        gp_fix_geometry g = gp_fix_geometry_of(m, &box, target_w, target_h);
        if (!gp_fix_geometry_inside(&g, b))
            continue;
        plan->box = box;
        plan->scale = (double)target_w / box.width;
        return true;
    }
    return false;
}

void gp_fix_frame(const gp_photo_measure *m, const gp_fix_bands *bands, int src_w, int src_h,
                  int target_w, int target_h, double max_upscale, gp_fix_frame_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->box = (gp_fix_box){0, 0, src_w, src_h};
    if (!m->measured || !m->has_face || m->faces != 1 || m->face_width <= 0) {
        plan->verdict = GP_FRAME_NO_FACE;
        return;
    }
    if (!m->has_head_top || m->eye_line <= m->head_top) {
        plan->verdict = GP_FRAME_NO_HEAD_TOP;
        return;
    }
    if (!gp_fix_aspect_ok(src_w, src_h, target_w, target_h))
        plan->box = gp_fix_center_crop(src_w, src_h, target_w, target_h);
    plan->scale = (double)target_w / plan->box.width;
    plan->before = gp_fix_geometry_of(m, &plan->box, target_w, target_h);
    if (gp_fix_geometry_inside(&plan->before, bands)) {
        plan->verdict = GP_FRAME_KEEP;
        plan->after = plan->before;
        return;
    }
    static const double margins[] = {0.25, 0.15, 0.05, 0};
    for (size_t i = 0; i < sizeof margins / sizeof margins[0]; i++) {
        gp_fix_bands b = shrink(bands, margins[i]);
        if (try_frame(m, &b, src_w, src_h, target_w, target_h, max_upscale, plan)) {
            plan->after = gp_fix_geometry_of(m, &plan->box, target_w, target_h);
            plan->verdict = GP_FRAME_CROP;
            return;
        }
    }
    /* refused: say why, with the full bands */
    double lo, hi;
    if (!scale_range(m, bands, &lo, &hi)) {
        plan->verdict = GP_FRAME_PROPORTIONS;
        return;
    }
    if (lo > max_upscale) {
        plan->verdict = GP_FRAME_TOO_SMALL;
        plan->needed_scale = lo;
        return;
    }
    /* the smallest crop the bands allow misses the least picture */
    double s = fmin(hi, max_upscale);
    plan->verdict = GP_FRAME_MISSING;
    plan->scale = s;
    shortage(x_allowed(m, bands, target_w, s), target_w / s, src_w, &plan->missing_left,
             &plan->missing_right);
    shortage(y_allowed(m, bands, s), target_h / s, src_h, &plan->missing_top,
             &plan->missing_bottom);
    /* rounding can leave all four at 0 when the miss is a fraction of a pixel */
    if (!plan->missing_top && !plan->missing_bottom && !plan->missing_left &&
        !plan->missing_right)
        plan->missing_top = 1;
}

void gp_fix_describe_missing(const gp_fix_frame_plan *plan, char *buf, size_t size)
{
    static const char *names[4] = {"头顶上方", "下方（肩部以下）", "左侧", "右侧"};
    int amounts[4] = {plan->missing_top, plan->missing_bottom, plan->missing_left,
                      plan->missing_right};
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < 4; i++) {
        if (amounts[i] <= 0 || used >= size)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s缺少约 %d 像素", used ? "、" : "",
                         names[i], amounts[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void gp_fix_describe_geometry(const gp_fix_geometry *g, char *buf, size_t size)
{
    double off = g->center_offset;
    char centre[48];
    if (fabs(off) < 0.5)
        snprintf(centre, sizeof centre, "居中");
    else
        snprintf(centre, sizeof centre, "%s %.0f 像素", off > 0 ? "偏右" : "偏左", fabs(off));
    snprintf(buf, size, "头顶 %.0f、眼睛 %.0f、脸宽 %.0f 像素、脸%s", g->head_top, g->eye_line,
             g->face_width, centre);
}
