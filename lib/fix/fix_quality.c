/* Choosing the JPEG quality so the file lands inside the station's size
 * window (550-650 KB), aiming at its middle, with few trial encodes.
 *
 * Each trial is a full encode (~20 ms for 960×1280), so the search models
 * instead of scanning: a JPEG's size grows roughly exponentially with
 * quality near the top of the scale (see the size model below).  The first
 * trial starts where typical portraits land; from one point we extrapolate
 * with a typical slope, from points on both sides of the window we
 * interpolate (secant / regula falsi), moving halfway to bisection when a
 * side stalls.  All on integer quality.
 *
 * Quality and chroma subsampling form one axis ordered by size: 4:2:0
 * below quality 90 and 4:4:4 from 90 up, the rule ImageMagick's JPEG writer
 * also follows.  When two neighbouring qualities jump over the whole window
 * (it happens at 99 → 100, where one step can add 30%), the other
 * subsampling is searched on the range where it can fill the gap. */
#include "fix_internal.h"

#include <math.h>
#include <stdlib.h>

/* Size model.  Near the top, a JPEG's size is close to linear in ln(size)
 * against x = -ln(S), S being the IJG table scale of the quality (5000/q
 * below 50, 200-2q above, at least 1): each halving of the quantiser steps
 * costs about the same factor in bytes.  4:2:0 is about 0.88 of 4:4:4 at
 * the same quality (measured on generated portraits, see bench/). */
#define START_QUALITY 92
#define PRIOR_SLOPE 0.5      /* d ln(size) / d x */
#define CHROMA_420_RATIO 0.88

static double quality_x(int q)
{
    double scale = q < 50 ? 5000.0 / q : 200.0 - 2.0 * q;
    return -log(scale < 1 ? 1 : scale);
}

static double chroma_offset(gpi_fix_chroma chroma)
{
    return chroma == GPI_FIX_CHROMA_420 ? log(CHROMA_420_RATIO) : 0;
}

typedef struct search_state {
    gpi_fix_encoder encode;
    void *context;
    uint64_t min, max;
    double target;
    gpi_fix_search *result;
    /* the closest misses: the largest encoding below, the smallest above */
    size_t below_len, above_len;
    int below_q, above_q;
    gpi_fix_chroma below_chroma, above_chroma;
} search_state;

typedef enum axis_end { AXIS_FOUND, AXIS_BELOW, AXIS_ABOVE, AXIS_GAP, AXIS_BUDGET, AXIS_FAILED } axis_end;

typedef struct axis {
    int q_min, q_max;
    bool mixed;               /* chroma by quality (the main axis), else fixed */
    gpi_fix_chroma chroma;
    /* the bracket found so far: highest quality below, lowest above */
    int lo_q, hi_q;           /* 0 / 101 when unknown */
    double lo_size, hi_size;
} axis;

static gpi_fix_chroma axis_chroma(const axis *a, int q)
{
    if (!a->mixed)
        return a->chroma;
    return q >= 90 ? GPI_FIX_CHROMA_444 : GPI_FIX_CHROMA_420;
}

/* One trial encode.  Returns -1 failed, 0 inside the window (kept as the
 * result), 1 below, 2 above. */
static int trial(search_state *s, int q, gpi_fix_chroma chroma, size_t *len)
{
    gpi_fix_search *r = s->result;
    unsigned char *out = NULL;
    r->encodes++;
    if (!s->encode(s->context, q, chroma, &out, len)) {
        free(out);
        return -1;
    }
    if (*len >= s->min && *len <= s->max) {
        r->out = out;
        r->len = *len;
        r->quality = q;
        r->chroma = chroma;
        return 0;
    }
    free(out);
    if (*len < s->min) {
        if (*len > s->below_len)
            s->below_len = *len, s->below_q = q, s->below_chroma = chroma;
        return 1;
    }
    if (!s->above_len || *len < s->above_len)
        s->above_len = *len, s->above_q = q, s->above_chroma = chroma;
    return 2;
}

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* ln(size) as if encoded 4:4:4, so points of both subsamplings line up. */
static double normal_ln(const axis *a, int q, double size)
{
    return log(size) - chroma_offset(axis_chroma(a, q));
}

/* The next quality to try, strictly inside the bracket: the one whose
 * predicted size is nearest the target, from the bracket's two points when
 * both are known, else from the one point and the slope. */
static int next_quality(const search_state *s, const axis *a, double slope, bool stalled)
{
    bool two_sided = a->lo_q && a->hi_q <= a->q_max;
    int ref_q = a->lo_q ? a->lo_q : a->hi_q;
    double ref_ln = a->lo_q ? normal_ln(a, a->lo_q, a->lo_size) : normal_ln(a, a->hi_q, a->hi_size);
    if (two_sided) {
        double span = quality_x(a->hi_q) - quality_x(a->lo_q);
        double rise = normal_ln(a, a->hi_q, a->hi_size) - ref_ln;
        if (span > 0 && rise > 0)
            slope = rise / span;
    }
    int from = a->lo_q ? a->lo_q + 1 : a->q_min;
    int to = a->hi_q <= a->q_max ? a->hi_q - 1 : a->q_max;
    double ln_target = log(s->target);
    int best = from;
    double best_miss = INFINITY;
    for (int q = from; q <= to; q++) {
        double predicted = ref_ln + slope * (quality_x(q) - quality_x(ref_q)) +
                           chroma_offset(axis_chroma(a, q));
        double miss = fabs(predicted - ln_target);
        if (miss < best_miss)
            best_miss = miss, best = q;
    }
    if (two_sided && stalled) /* creeping from one side: halfway to the middle */
        best = clamp((best + (a->lo_q + a->hi_q) / 2) / 2, from, to);
    return best;
}

static axis_end search_axis(search_state *s, axis *a, int start)
{
    a->lo_q = 0;
    a->hi_q = a->q_max + 1;
    int q = clamp(start, a->q_min, a->q_max);
    int last_side = 0, stall = 0;
    double slope = PRIOR_SLOPE;
    int prev_q = 0;
    double prev_size = 0;
    for (;;) {
        if (s->result->encodes >= GPI_FIX_MAX_ENCODES)
            return AXIS_BUDGET;
        size_t len = 0;
        int side = trial(s, q, axis_chroma(a, q), &len);
        if (side < 0)
            return AXIS_FAILED;
        if (side == 0)
            return AXIS_FOUND;
        if (side == 1 && q > a->lo_q)
            a->lo_q = q, a->lo_size = (double)len;
        if (side == 2 && q < a->hi_q)
            a->hi_q = q, a->hi_size = (double)len;
        /* a local slope from two trials beats the prior */
        if (prev_q && prev_q != q && prev_size > 0) {
            double local = (normal_ln(a, q, (double)len) - normal_ln(a, prev_q, prev_size)) /
                           (quality_x(q) - quality_x(prev_q));
            if (local > 0.05)
                slope = local;
        }
        prev_q = q, prev_size = (double)len;
        stall = side == last_side ? stall + 1 : 0;
        last_side = side;
        if (a->lo_q == a->q_max)
            return AXIS_BELOW;
        if (a->hi_q == a->q_min)
            return AXIS_ABOVE;
        if (a->lo_q && a->hi_q == a->lo_q + 1)
            return AXIS_GAP;
        q = next_quality(s, a, slope, stall > 0);
    }
}

void gpi_fix_search_quality(gpi_fix_encoder encode, void *context, uint64_t min, uint64_t max,
                           gpi_fix_search *result)
{
    *result = (gpi_fix_search){0};
    search_state s = {.encode = encode, .context = context, .min = min, .max = max,
                      .target = ((double)min + (double)max) / 2, .result = result};
    axis main_axis = {.q_min = 1, .q_max = 100, .mixed = true};
    axis_end end = search_axis(&s, &main_axis, START_QUALITY);
    if (end == AXIS_GAP) {
        /* neighbours jump over the window: the other subsampling at the
         * qualities where its sizes lie between theirs */
        axis other;
        int start;
        if (axis_chroma(&main_axis, main_axis.hi_q) == GPI_FIX_CHROMA_444) {
            other = (axis){.q_min = main_axis.hi_q, .q_max = 100, .chroma = GPI_FIX_CHROMA_420};
            start = main_axis.hi_q + 2;
        } else {
            other = (axis){.q_min = 1, .q_max = main_axis.lo_q, .chroma = GPI_FIX_CHROMA_444};
            start = main_axis.lo_q - 3;
        }
        end = search_axis(&s, &other, start);
        if (end != AXIS_FOUND && end != AXIS_FAILED)
            end = AXIS_GAP;
    }
    /* the miss worth reporting: below the window when it cannot be reached,
     * above it when it cannot be left, else the one nearer the window */
    bool report_below = end == AXIS_BELOW ||
                        (end != AXIS_ABOVE && s.below_len &&
                         (!s.above_len || (double)(s.min - s.below_len) <
                                              (double)(s.above_len - s.max)));
    if (end != AXIS_FOUND) {
        if (report_below && s.below_len)
            result->best_len = s.below_len, result->best_quality = s.below_q,
            result->best_chroma = s.below_chroma;
        else if (s.above_len)
            result->best_len = s.above_len, result->best_quality = s.above_q,
            result->best_chroma = s.above_chroma;
    }
    switch (end) {
    case AXIS_FOUND: result->fit = GPI_FIX_FIT_IN_WINDOW; break;
    case AXIS_BELOW: result->fit = GPI_FIX_FIT_BELOW_MIN; break;
    case AXIS_ABOVE: result->fit = GPI_FIX_FIT_ABOVE_MAX; break;
    case AXIS_FAILED: result->fit = GPI_FIX_FIT_FAILED; break;
    default: result->fit = GPI_FIX_FIT_MISSED; break;
    }
}
