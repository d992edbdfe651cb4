/* --frame: the 3:4 crop and scale that put the head where 教毕指[2017]99号
 * wants it (head top, eye line and face width inside the profile's bands,
 * the face centred), computed from the content rules' measurement of the
 * upright source.  Pure arithmetic: no pixels, no I/O, so it is tested with
 * hand-made measurements.
 *
 * The crop is W/s × H/s source pixels for a scale s (target pixels per
 * source pixel).  The face width fixes the range of s; the head top and the
 * eye line, whose distance d is fixed by the face, narrow it further: s·d
 * must fit between the two bands.  Over that range (at most max_upscale) the
 * crop is chosen that puts the head deepest inside its bands: for each
 * measure, the distance to the nearer edge of its band over half the band
 * (1 in the middle, 0 on an edge), the least of the four as the score.  So
 * the head lands in the middle of every band when the face allows it, and
 * as far from the edges as the picture allows when it does not: measuring
 * the output again moves a few pixels and should still land inside.  The
 * face is centred unless the picture ends first.  When no crop inside the
 * picture meets the bands, the scale that misses the least picture says
 * how many pixels are missing beyond which edge.
 */
#include "fix_internal.h"
#include "check/check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

gpi_fix_geometry gpi_fix_geometry_of(const gpi_photo_measure *m, const gpi_fix_box *box,
                                   int target_w, int target_h)
{
    gpi_fix_geometry g = {0};
    if (box->width <= 0 || box->height <= 0)
        return g;
    double sx = (double)target_w / box->width, sy = (double)target_h / box->height;
    g.head_top = (m->head_top - box->y) * sy;
    g.eye_line = (m->eye_line - box->y) * sy;
    g.face_width = m->face_width * sx;
    g.center_offset = (m->face_center_x - box->x) * sx - target_w / 2.0;
    return g;
}

bool gpi_fix_geometry_inside(const gpi_fix_geometry *g, const gpi_fix_bands *b)
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

/* How deep inside [lo, hi] v is: 1 in the middle, 0 on an edge, negative
 * outside. */
static double band_depth(double v, double lo, double hi)
{
    double half = (hi - lo) / 2;
    return half > 0 ? (half - fabs(v - (lo + hi) / 2)) / half : (v == lo ? 0 : -1);
}

/* How deep inside its bands the head is: the least of the four depths. */
static double depth(const gpi_fix_geometry *g, const gpi_fix_bands *b)
{
    double d = band_depth(g->head_top, b->head_top_min, b->head_top_max);
    d = fmin(d, band_depth(g->eye_line, b->eye_line_min, b->eye_line_max));
    d = fmin(d, band_depth(g->face_width, b->face_width_min, b->face_width_max));
    return fmin(d, band_depth(g->center_offset, -b->center_tolerance, b->center_tolerance));
}

/* The range of s that the bands allow for this face: [*lo, *hi]. */
static bool scale_range(const gpi_photo_measure *m, const gpi_fix_bands *b, double *lo,
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
static span x_allowed(const gpi_photo_measure *m, const gpi_fix_bands *b, int target_w, double s)
{
    span x = {m->face_center_x - (target_w / 2.0 + b->center_tolerance) / s,
              m->face_center_x - (target_w / 2.0 - b->center_tolerance) / s};
    return x;
}

static span y_allowed(const gpi_photo_measure *m, const gpi_fix_bands *b, double s)
{
    double d = (m->eye_line - m->head_top) * s;
    double top_lo = fmax(b->head_top_min, b->eye_line_min - d);
    double top_hi = fmin(b->head_top_max, b->eye_line_max - d);
    span y = {m->head_top - top_hi / s, m->head_top - top_lo / s};
    return y;
}

/* The least picture missing beyond the two edges for an origin in
 * `allowed`: *before (left/top) and *after (right/bottom), in pixels. */
static double shortage(span allowed, double size, double extent, double *before, double *after)
{
    double candidates[4] = {allowed.lo, allowed.hi, clampd(0, allowed.lo, allowed.hi),
                            clampd(extent - size, allowed.lo, allowed.hi)};
    double best = -1;
    for (int i = 0; i < 4; i++) {
        double o = candidates[i];
        double b = fmax(0, -o), a = fmax(0, o + size - extent);
        if (best < 0 || b + a < best)
            best = b + a, *before = b, *after = a;
    }
    return best;
}

/* The integer crop box for scale s at origin (x, y), kept inside the
 * source (rounding never moves it out). */
static gpi_fix_box box_at(double x, double y, double s, int src_w, int src_h, int target_w,
                         int target_h)
{
    gpi_fix_box box;
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

enum { SCALE_STEPS = 128, TOP_STEPS = 64 };

/* The crop inside the picture that puts the head deepest inside the bands,
 * over scales in [lo, hi]: its depth, or -1 when no crop fits. */
static double best_crop(const gpi_photo_measure *m, const gpi_fix_bands *b, int src_w, int src_h,
                        int target_w, int target_h, double lo, double hi, gpi_fix_box *best)
{
    double best_depth = -1;
    double d = m->eye_line - m->head_top;
    for (int i = 0; i <= SCALE_STEPS; i++) {
        double s = lo + (hi - lo) * i / SCALE_STEPS;
        double cw = target_w / s, ch = target_h / s;
        if (cw > src_w || ch > src_h)
            continue;
        /* across: the face centred, as far as the picture allows */
        double x = clampd(m->face_center_x - cw / 2, 0, src_w - cw);
        /* down: the head top the picture allows (target pixels), in its band */
        double top_lo = fmax(s * (m->head_top - (src_h - ch)), b->head_top_min);
        double top_hi = fmin(s * m->head_top, b->head_top_max);
        if (top_lo > top_hi)
            continue;
        double top = top_lo, top_depth = -2;
        for (int j = 0; j <= TOP_STEPS; j++) {
            double t = top_lo + (top_hi - top_lo) * j / TOP_STEPS;
            double dd = fmin(band_depth(t, b->head_top_min, b->head_top_max),
                             band_depth(t + s * d, b->eye_line_min, b->eye_line_max));
            if (dd > top_depth)
                top_depth = dd, top = t;
        }
        gpi_fix_box box = box_at(x, m->head_top - top / s, s, src_w, src_h, target_w, target_h);
        /* whole pixels: judge the rounded box */
        gpi_fix_geometry g = gpi_fix_geometry_of(m, &box, target_w, target_h);
        double dg = depth(&g, b);
        if (dg > best_depth) {
            best_depth = dg;
            *best = box;
        }
    }
    return best_depth;
}

void gpi_fix_frame(const gpi_photo_measure *m, const gpi_fix_bands *bands, int src_w, int src_h,
                  int target_w, int target_h, double max_upscale, gpi_fix_frame_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->box = (gpi_fix_box){0, 0, src_w, src_h};
    if (!m->measured || !m->has_face || m->faces != 1 || m->face_width <= 0) {
        plan->verdict = GPI_FRAME_NO_FACE;
        return;
    }
    if (!m->has_head_top || m->eye_line <= m->head_top) {
        plan->verdict = GPI_FRAME_NO_HEAD_TOP;
        return;
    }
    if (!gpi_fix_aspect_ok(src_w, src_h, target_w, target_h))
        plan->box = gpi_fix_center_crop(src_w, src_h, target_w, target_h);
    plan->scale = (double)target_w / plan->box.width;
    plan->before = gpi_fix_geometry_of(m, &plan->box, target_w, target_h);
    if (gpi_fix_geometry_inside(&plan->before, bands)) {
        plan->verdict = GPI_FRAME_KEEP;
        plan->after = plan->before;
        return;
    }
    double lo, hi;
    if (!scale_range(m, bands, &lo, &hi)) {
        plan->verdict = GPI_FRAME_PROPORTIONS;
        return;
    }
    if (lo > max_upscale) {
        plan->verdict = GPI_FRAME_TOO_SMALL;
        plan->needed_scale = lo;
        return;
    }
    hi = fmin(hi, max_upscale);
    gpi_fix_box box;
    if (best_crop(m, bands, src_w, src_h, target_w, target_h, lo, hi, &box) > 0) {
        plan->verdict = GPI_FRAME_CROP;
        plan->box = box;
        plan->scale = (double)target_w / box.width;
        plan->after = gpi_fix_geometry_of(m, &box, target_w, target_h);
        return;
    }
    /* refused: the scale that misses the least picture, and how much */
    plan->verdict = GPI_FRAME_MISSING;
    double least = -1;
    for (int i = 0; i <= SCALE_STEPS; i++) {
        double s = lo + (hi - lo) * i / SCALE_STEPS;
        double left, right, top, bottom;
        double total = shortage(x_allowed(m, bands, target_w, s), target_w / s, src_w, &left,
                                &right) +
                       shortage(y_allowed(m, bands, s), target_h / s, src_h, &top, &bottom);
        if (least < 0 || total < least - 1e-9) {
            least = total;
            plan->scale = s;
            plan->missing_left = (int)ceil(left - 1e-6);
            plan->missing_right = (int)ceil(right - 1e-6);
            plan->missing_top = (int)ceil(top - 1e-6);
            plan->missing_bottom = (int)ceil(bottom - 1e-6);
        }
    }
    /* rounding can leave all four at 0 when the miss is a fraction of a pixel */
    if (!plan->missing_top && !plan->missing_bottom && !plan->missing_left &&
        !plan->missing_right)
        plan->missing_top = 1;
}

void gpi_fix_describe_missing(const gpi_fix_frame_plan *plan, char *buf, size_t size)
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

void gpi_fix_describe_geometry(const gpi_fix_geometry *g, char *buf, size_t size)
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
