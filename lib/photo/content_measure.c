/* Measuring the picture for the content rules (content.h): one face and its
 * landmarks (lib/face), the head top against the backdrop, the backdrop's
 * colour and evenness, light and detail on the face, colour, and clothing
 * against the backdrop.  Everything here works on a small RGB image (the
 * inspection's preview, normally 240×320) and reports photo pixels.
 *
 * The measurements are plain statistics, chosen to be cheap (a few
 * milliseconds beside the face detector) and explainable to a clerk:
 *   head top     first row, scanning down the head's column, where a quarter
 *                of the pixels differ from the backdrop of that row (the
 *                backdrop colour of each row is taken from strips at the
 *                left and right edges and interpolated across, so a
 *                gradient or a shadow does not look like hair)
 *   backdrop     patches above the head and beside it (above the eyes),
 *                mean colour in CIE L*a*b* (lcms2, D50) and the largest
 *                CIEDE2000 between two patches
 *   face light   mean L* of the cheeks under the eyes; white-clipped fraction
 *                of the face; darker/lighter mean L* of the two cheeks
 *   sharpness    the face resampled to a fixed width (so the figure does not
 *                depend on the face's size in pixels), 100 × std of the
 *                Laplacian / std of the grey levels
 *   saturation   mean of max(R,G,B) − min(R,G,B) over the picture, percent
 *   clothing     share of the pixels below the chin, across the torso, that
 *                have the backdrop's colour
 */
#include "photo/content.h"
#include "check/check.h"
#include "photo/photo.h"
#include "face/face.h"

#include <lcms2.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- colour ------------------------------------------------------------ */

static pthread_once_t lab_once = PTHREAD_ONCE_INIT;
static cmsHTRANSFORM lab_transform; /* sRGB (doubles 0–1) → L*a*b* D50 */
static double srgb_linear[256];     /* sRGB 8-bit → linear 0–1 */

static void lab_init(void)
{
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHPROFILE lab = cmsCreateLab4Profile(NULL);
    if (srgb && lab)
        lab_transform = cmsCreateTransform(srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL,
                                           INTENT_RELATIVE_COLORIMETRIC, cmsFLAGS_NOCACHE);
    if (srgb)
        cmsCloseProfile(srgb);
    if (lab)
        cmsCloseProfile(lab);
    for (int i = 0; i < 256; i++) {
        double c = i / 255.0;
        srgb_linear[i] = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
    }
}

void gpi_content_srgb_to_lab(const double rgb[3], double lab[3])
{
    pthread_once(&lab_once, lab_init);
    double in[3] = {rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0};
    for (int i = 0; i < 3; i++)
        in[i] = in[i] < 0 ? 0 : in[i] > 1 ? 1 : in[i];
    cmsCIELab out = {0, 0, 0};
    if (lab_transform)
        cmsDoTransform(lab_transform, in, &out, 1);
    lab[0] = out.L;
    lab[1] = out.a;
    lab[2] = out.b;
}

double gpi_content_delta_e(const double a[3], const double b[3])
{
    cmsCIELab x = {a[0], a[1], a[2]}, y = {b[0], b[1], b[2]};
    return cmsCIE2000DeltaE(&x, &y, 1, 1, 1);
}

/* Relative luminance (0–1) of an sRGB pixel. */
static inline double luminance(const unsigned char *p)
{
    return 0.2126 * srgb_linear[p[0]] + 0.7152 * srgb_linear[p[1]] + 0.0722 * srgb_linear[p[2]];
}

/* CIE L* of a relative luminance. */
static double lightness(double y)
{
    double f = y > 216.0 / 24389.0 ? cbrt(y) : (24389.0 / 27.0 * y + 16.0) / 116.0;
    return 116.0 * f - 16.0;
}

static inline int dist2(const unsigned char *p, const double ref[3])
{
    double dr = p[0] - ref[0], dg = p[1] - ref[1], db = p[2] - ref[2];
    return (int)(dr * dr + dg * dg + db * db);
}

/* A pixel "differs from the backdrop" beyond this RGB distance: JPEG noise
 * on a plain backdrop is a few levels; hair, skin and clothes are far more. */
#define BACKDROP_DISTANCE 28.0
/* Beyond this CIEDE2000 between backdrop patches there is no plain backdrop
 * (a street, a room): the head top cannot be told from what is behind it,
 * and is not reported (photo.background_uneven is). */
#define BUSY_BACKDROP 25.0

/* ---- small helpers ------------------------------------------------------ */

typedef struct img {
    const unsigned char *rgb;
    int w, h;
} img;

static inline const unsigned char *px(const img *im, int x, int y)
{
    return im->rgb + ((size_t)y * (size_t)im->w + (size_t)x) * 3;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void mean_rgb(const img *im, int x0, int y0, int x1, int y1, double out[3], long *count)
{
    double s[3] = {0, 0, 0};
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            const unsigned char *p = px(im, x, y);
            s[0] += p[0];
            s[1] += p[1];
            s[2] += p[2];
            n++;
        }
    for (int i = 0; i < 3; i++)
        out[i] = n ? s[i] / (double)n : 0;
    if (count)
        *count = n;
}

/* The face's geometry in image pixels, from the landmarks. */
typedef struct face_geo {
    double left, right, top, bottom;   /* jaw extent, brow top, chin */
    double cx, fw, fh;                 /* centre x, cheek width, brow-to-chin */
    double eye_y;
} face_geo;

/* ---- the backdrop reference of a row ------------------------------------- */

/* Strips at the left and right edges of the picture, outside the head's
 * column [hx0, hx1): their mean colour per row, interpolated across. */
typedef struct row_ref {
    int lx1, rx0;          /* left strip [0, lx1), right strip [rx0, w) */
    double fallback[3];
    bool have_fallback;
} row_ref;

static void row_reference(const img *im, const row_ref *rr, int y, double left[3],
                          double right[3])
{
    long nl = 0, nr = 0;
    if (rr->lx1 > 0)
        mean_rgb(im, 0, y, rr->lx1, y + 1, left, &nl);
    if (rr->rx0 < im->w)
        mean_rgb(im, rr->rx0, y, im->w, y + 1, right, &nr);
    if (!nl && !nr) {
        memcpy(left, rr->fallback, sizeof(double) * 3);
        memcpy(right, rr->fallback, sizeof(double) * 3);
    } else if (!nl) {
        memcpy(left, right, sizeof(double) * 3);
    } else if (!nr) {
        memcpy(right, left, sizeof(double) * 3);
    }
}

/* Head top in image rows (0: the hair touches the top edge), or -1 when
 * not found above the eyes. */
static int find_head_top(const img *im, const face_geo *g, const row_ref *rr)
{
    int x0 = clampi((int)floor(g->cx - 0.4 * g->fw), 0, im->w - 1);
    int x1 = clampi((int)ceil(g->cx + 0.4 * g->fw), x0 + 1, im->w);
    int last = clampi((int)g->eye_y, 1, im->h);
    double lcx = rr->lx1 / 2.0, rcx = (rr->rx0 + im->w) / 2.0;
    int run = 0;
    for (int y = 0; y < last; y++) {
        double l[3], r[3];
        row_reference(im, rr, y, l, r);
        int differ = 0;
        for (int x = x0; x < x1; x++) {
            double t = rcx > lcx ? (x - lcx) / (rcx - lcx) : 0.5;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double ref[3] = {l[0] + t * (r[0] - l[0]), l[1] + t * (r[1] - l[1]),
                             l[2] + t * (r[2] - l[2])};
            if (dist2(px(im, x, y), ref) > BACKDROP_DISTANCE * BACKDROP_DISTANCE)
                differ++;
        }
        if (differ * 4 >= (x1 - x0)) {
            /* three rows in a row: a line of JPEG ringing or a stray
             * edge row is not hair */
            if (++run == 3)
                return y - 2;
        } else {
            run = 0;
        }
    }
    return -1;
}

/* ---- backdrop patches ----------------------------------------------------- */

#define MAX_PATCHES 96

static void measure_backdrop(const img *im, const face_geo *g, int head_top,
                             gpi_photo_measure *out)
{
    int cell = im->w / 8 > 4 ? im->w / 8 : 4;
    double hx0 = g->cx - 0.85 * g->fw, hx1 = g->cx + 0.85 * g->fw;
    int above = head_top >= 0 ? head_top - 1 : (int)(g->top - 0.75 * g->fh);
    int side_bottom = (int)((g->eye_y + g->bottom) / 2); /* hair falls beside the cheeks */
    double labs[MAX_PATCHES][3];
    int n = 0;
    double sum[3] = {0, 0, 0};
    long total = 0;
    for (int y0 = 0; y0 + cell <= side_bottom && n < MAX_PATCHES; y0 += cell)
        for (int x0 = 0; x0 + cell <= im->w && n < MAX_PATCHES; x0 += cell) {
            int x1 = x0 + cell, y1 = y0 + cell;
            bool over_head = y1 <= above;
            bool beside = x1 <= hx0 || x0 >= hx1;
            if (!over_head && !beside)
                continue;
            double m[3];
            long count;
            mean_rgb(im, x0, y0, x1, y1, m, &count);
            gpi_content_srgb_to_lab(m, labs[n++]);
            for (int i = 0; i < 3; i++)
                sum[i] += m[i] * (double)count;
            total += count;
        }
    if (!n)
        return;
    double mean[3] = {sum[0] / (double)total, sum[1] / (double)total, sum[2] / (double)total};
    gpi_content_srgb_to_lab(mean, out->background_lab);
    double spread = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double d = gpi_content_delta_e(labs[i], labs[j]);
            if (d > spread)
                spread = d;
        }
    out->background_spread = spread;
    out->has_background = true;

    /* clothing: below the chin and the neck, across the torso */
    int cy0 = clampi((int)(g->bottom + 0.3 * g->fh), 0, im->h);
    int cx0 = clampi((int)(g->cx - 0.7 * g->fw), 0, im->w);
    int cx1 = clampi((int)(g->cx + 0.7 * g->fw), 0, im->w);
    long like = 0, all = 0;
    for (int y = cy0; y < im->h; y++)
        for (int x = cx0; x < cx1; x++) {
            all++;
            if (dist2(px(im, x, y), mean) <= BACKDROP_DISTANCE * BACKDROP_DISTANCE)
                like++;
        }
    if (all >= 64) {
        out->has_clothing = true;
        out->clothing_fraction = (double)like / (double)all;
    }
}

/* ---- light and detail on the face ------------------------------------------ */

static void measure_face_light(const img *im, const face_geo *g, const gpi_face *f,
                               gpi_photo_measure *out)
{
    /* the cheeks under the eyes: between the outer eye corners, from below
     * the eyes to the bottom of the nose, without the nose itself (its
     * shading follows the light's direction even in even light) and
     * without the face's edges (hair often falls over them) */
    int x0 = clampi((int)f->x[36], 0, im->w - 1);
    int x1 = clampi((int)ceil(f->x[45]), x0 + 1, im->w);
    int y0 = clampi((int)(g->eye_y + 0.12 * g->fh), 0, im->h - 1);
    int y1 = clampi((int)ceil(f->y[33]), y0 + 1, im->h);
    double split = f->x[30];
    double nose = 0.1 * g->fw;
    double sum_l = 0, half[2] = {0, 0};
    long n = 0, nh[2] = {0, 0};
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            double l = lightness(luminance(px(im, x, y)));
            sum_l += l;
            n++;
            if (fabs(x + 0.5 - split) < nose)
                continue;
            int side = x < split ? 0 : 1;
            half[side] += l;
            nh[side]++;
        }
    if (n)
        out->face_luminance = sum_l / (double)n;
    if (nh[0] && nh[1]) {
        double a = half[0] / (double)nh[0], b = half[1] / (double)nh[1];
        double hi = a > b ? a : b, lo = a > b ? b : a;
        out->face_lr_ratio = hi > 0 ? lo / hi : 1;
    } else {
        out->face_lr_ratio = 1;
    }
    /* clipped highlights anywhere on the face */
    int fx0 = clampi((int)g->left, 0, im->w - 1), fx1 = clampi((int)g->right, fx0 + 1, im->w);
    int fy0 = clampi((int)g->top, 0, im->h - 1), fy1 = clampi((int)g->bottom, fy0 + 1, im->h);
    long clipped = 0, all = 0;
    for (int y = fy0; y < fy1; y++)
        for (int x = fx0; x < fx1; x++) {
            const unsigned char *p = px(im, x, y);
            all++;
            if (p[0] >= 250 && p[1] >= 250 && p[2] >= 250)
                clipped++;
        }
    out->face_clipped = all ? (double)clipped / (double)all : 0;
}

/* The face resampled to this width before the Laplacian: detail is then
 * measured relative to the face's size, not to the image's pixels. */
#define SHARP_WIDTH 96

static double measure_sharpness(const img *im, const face_geo *g)
{
    double x0 = g->left, x1 = g->right, y0 = g->top, y1 = g->bottom;
    if (x0 < 0)
        x0 = 0;
    if (y0 < 0)
        y0 = 0;
    if (x1 > im->w)
        x1 = im->w;
    if (y1 > im->h)
        y1 = im->h;
    if (x1 - x0 < 8 || y1 - y0 < 8)
        return 0;
    int w = SHARP_WIDTH;
    int h = (int)lround(SHARP_WIDTH * (y1 - y0) / (x1 - x0));
    if (h < 8)
        return 0;
    if (h > 4 * SHARP_WIDTH)
        h = 4 * SHARP_WIDTH;
    float *grey = malloc(sizeof *grey * (size_t)w * (size_t)h);
    if (!grey)
        return 0;
    double sx = (x1 - x0) / w, sy = (y1 - y0) / h;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) {
            /* area average over the source footprint (at least one pixel):
             * bilinear when enlarging, box filter when reducing */
            double fx0 = x0 + i * sx, fy0 = y0 + j * sy;
            double v = 0;
            if (sx <= 1 && sy <= 1) {
                double cx = fx0 + sx / 2 - 0.5, cy = fy0 + sy / 2 - 0.5;
                int ix = clampi((int)floor(cx), 0, im->w - 1), iy = clampi((int)floor(cy), 0, im->h - 1);
                int ix1 = clampi(ix + 1, 0, im->w - 1), iy1 = clampi(iy + 1, 0, im->h - 1);
                double tx = cx - floor(cx), ty = cy - floor(cy);
                tx = tx < 0 ? 0 : tx;
                ty = ty < 0 ? 0 : ty;
                const unsigned char *p00 = px(im, ix, iy), *p10 = px(im, ix1, iy);
                const unsigned char *p01 = px(im, ix, iy1), *p11 = px(im, ix1, iy1);
                for (int c = 0; c < 3; c++) {
                    double wgt = c == 0 ? 0.299 : c == 1 ? 0.587 : 0.114;
                    v += wgt * ((1 - tx) * (1 - ty) * p00[c] + tx * (1 - ty) * p10[c] +
                                (1 - tx) * ty * p01[c] + tx * ty * p11[c]);
                }
            } else {
                int ax = clampi((int)fx0, 0, im->w - 1), ay = clampi((int)fy0, 0, im->h - 1);
                int bx = clampi((int)ceil(fx0 + sx), ax + 1, im->w);
                int by = clampi((int)ceil(fy0 + sy), ay + 1, im->h);
                long n = 0;
                for (int y = ay; y < by; y++)
                    for (int x = ax; x < bx; x++) {
                        const unsigned char *p = px(im, x, y);
                        v += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
                        n++;
                    }
                v /= (double)n;
            }
            grey[(size_t)j * (size_t)w + (size_t)i] = (float)v;
        }
    double s = 0, ss = 0, ls = 0, lss = 0;
    long n = 0, ln = 0;
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++) {
            double v = grey[(size_t)j * (size_t)w + (size_t)i];
            s += v;
            ss += v * v;
            n++;
            if (i == 0 || j == 0 || i == w - 1 || j == h - 1)
                continue;
            const float *c = &grey[(size_t)j * (size_t)w + (size_t)i];
            double lap = c[-1] + c[1] + c[-w] + c[w] - 4.0 * c[0];
            ls += lap;
            lss += lap * lap;
            ln++;
        }
    free(grey);
    double var = ss / (double)n - (s / (double)n) * (s / (double)n);
    double lvar = lss / (double)ln - (ls / (double)ln) * (ls / (double)ln);
    if (var < 1)
        return 0; /* a flat face region: no detail at all */
    return 100.0 * sqrt(lvar > 0 ? lvar : 0) / sqrt(var);
}

/* ---- eyes and mouth --------------------------------------------------------- */

static double pdist(const gpi_face *f, int a, int b)
{
    return hypot(f->x[a] - f->x[b], f->y[a] - f->y[b]);
}

static double eye_ratio(const gpi_face *f, int first)
{
    /* points first..first+5 run round the eye from the outer corner */
    double across = pdist(f, first, first + 3);
    if (across <= 0)
        return 0;
    return (pdist(f, first + 1, first + 5) + pdist(f, first + 2, first + 4)) / (2 * across);
}

/* ---- the whole measurement ------------------------------------------------- */

bool gpi_content_measure(const gpi_preview *image, int photo_width, int photo_height,
                        gpi_photo_measure *out)
{
    memset(out, 0, sizeof *out);
    /* A picture under GPI_CONTENT_MIN_WIDTH pixels is not measured: no
     * face there can be judged against the standard's bands, the photo
     * already fails photo.dimensions, and detection would cost as much as
     * on a real photo (docs/limits.md). */
    if (!image || !image->rgb || image->width < GPI_CONTENT_MIN_WIDTH ||
        image->height < GPI_CONTENT_MIN_WIDTH || photo_width < GPI_CONTENT_MIN_WIDTH ||
        photo_height <= 0)
        return false;
    pthread_once(&lab_once, lab_init);
    img im = {image->rgb, image->width, image->height};
    out->measured = true;
    double sx = (double)photo_width / im.w, sy = (double)photo_height / im.h;

    /* colour: a grey picture has max == min everywhere */
    double chroma = 0;
    for (size_t i = 0, n = (size_t)im.w * (size_t)im.h; i < n; i++) {
        const unsigned char *p = im.rgb + 3 * i;
        int hi = p[0], lo = p[0];
        for (int c = 1; c < 3; c++) {
            hi = p[c] > hi ? p[c] : hi;
            lo = p[c] < lo ? p[c] : lo;
        }
        chroma += hi - lo;
    }
    out->saturation = 100.0 * chroma / (255.0 * (double)im.w * (double)im.h);

    gpi_face faces[4];
    gpi_face_status status;
    int found = gpi_face_detect(im.rgb, im.w, im.h, im.w * 3, faces, 4, &status);
    if (found < 0) {
        out->face_status = (int)status;
        return true;
    }
    out->face_ran = true;
    out->faces = found;
    if (!found)
        return true;

    const gpi_face *f = &faces[0];
    face_geo g;
    g.left = g.right = f->x[0];
    for (int k = 0; k <= 16; k++) {
        g.left = fmin(g.left, f->x[k]);
        g.right = fmax(g.right, f->x[k]);
    }
    g.top = f->y[17];
    for (int k = 17; k <= 26; k++)
        g.top = fmin(g.top, f->y[k]);
    g.bottom = f->y[8];
    double elx = 0, ely = 0, erx = 0, ery = 0;
    for (int k = 36; k <= 41; k++) {
        elx += f->x[k] / 6;
        ely += f->y[k] / 6;
    }
    for (int k = 42; k <= 47; k++) {
        erx += f->x[k] / 6;
        ery += f->y[k] / 6;
    }
    g.eye_y = (ely + ery) / 2;
    g.fw = pdist(f, 1, 15);
    g.cx = (f->x[1] + f->x[15]) / 2;
    g.fh = g.bottom - g.top;
    if (g.fw < 4 || g.fh < 4)
        return true; /* a degenerate shape: report the face count only */

    out->has_face = true;
    out->face_left = g.left * sx;
    out->face_right = g.right * sx;
    out->face_top = g.top * sy;
    out->face_bottom = g.bottom * sy;
    out->eye_left_x = elx * sx;
    out->eye_left_y = ely * sy;
    out->eye_right_x = erx * sx;
    out->eye_right_y = ery * sy;
    out->eye_line = g.eye_y * sy;
    out->face_width = hypot((f->x[15] - f->x[1]) * sx, (f->y[15] - f->y[1]) * sy);
    out->face_center_x = g.cx * sx;
    out->tilt_deg = atan2((ery - ely) * sy, (erx - elx) * sx) * 180.0 / M_PI;
    out->has_landmarks = true;
    out->eye_open = (eye_ratio(f, 36) + eye_ratio(f, 42)) / 2;
    double mouth = pdist(f, 60, 64);
    out->mouth_open = mouth > 0 ? (pdist(f, 61, 67) + pdist(f, 62, 66) + pdist(f, 63, 65)) /
                                      (3 * mouth)
                                : 0;

    /* the backdrop's edge strips, outside the head's column */
    row_ref rr = {0};
    int edge = im.w / 12 > 2 ? im.w / 12 : 2;
    rr.lx1 = clampi((int)floor(g.cx - 0.85 * g.fw), 0, edge);
    rr.rx0 = clampi((int)ceil(g.cx + 0.85 * g.fw), im.w - edge, im.w);
    if (rr.lx1 < 2)
        rr.lx1 = 0;
    if (im.w - rr.rx0 < 2)
        rr.rx0 = im.w;
    mean_rgb(&im, 0, 0, im.w, 1, rr.fallback, NULL);
    int top = find_head_top(&im, &g, &rr);
    if (top >= 0) {
        out->has_head_top = true;
        out->head_top = top * sy;
    }
    measure_backdrop(&im, &g, top, out);
    if (out->has_background && out->background_spread > BUSY_BACKDROP)
        out->has_head_top = false; /* no plain backdrop to find the hair against */
    measure_face_light(&im, &g, f, out);
    out->sharpness = measure_sharpness(&im, &g);
    return true;
}
