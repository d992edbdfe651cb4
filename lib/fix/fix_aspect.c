/* The geometry of fixing: whether a photo already has the target's 3:4
 * shape (within 1%, so a few pixels of camera rounding do not count), the
 * centre crop that would give it that shape, and how far libjpeg may scale
 * the decode down (DCT scaling, any M/8) while keeping enough pixels: the
 * smaller the decode, the less work for the IDCT and for the resampler,
 * which then does the final, high-quality step. */
#include "fix_internal.h"

#include <stdlib.h>

bool gpi_fix_aspect_ok(int w, int h, int target_w, int target_h)
{
    if (w <= 0 || h <= 0 || target_w <= 0 || target_h <= 0)
        return false;
    /* |(w/h) / (tw/th) - 1| <= 1%, in integers */
    long long seen = (long long)w * target_h;
    long long want = (long long)h * target_w;
    return 100 * llabs(seen - want) <= want;
}

gpi_fix_box gpi_fix_center_crop(int w, int h, int target_w, int target_h)
{
    gpi_fix_box box = {0, 0, w, h};
    if (w <= 0 || h <= 0 || target_w <= 0 || target_h <= 0)
        return box;
    long long seen = (long long)w * target_h;
    long long want = (long long)h * target_w;
    if (seen > want) { /* too wide: keep the full height */
        box.width = (int)(((long long)h * target_w * 2 + target_h) / (2LL * target_h));
        if (box.width > w)
            box.width = w;
        box.x = (w - box.width) / 2;
    } else if (seen < want) { /* too tall: keep the full width */
        box.height = (int)(((long long)w * target_h * 2 + target_w) / (2LL * target_w));
        if (box.height > h)
            box.height = h;
        box.y = (h - box.height) / 2;
    }
    return box;
}

int gpi_fix_scale_eighths(int box_w, int box_h, int orientation, int target_w, int target_h)
{
    if (orientation >= 5 && orientation <= 8) { /* stored sideways: the target turns too */
        int t = target_w;
        target_w = target_h;
        target_h = t;
    }
    for (int m = 1; m < 8; m++) {
        /* floor(box × m/8): the scaled crop box never rounds up past what
         * libjpeg really produces */
        if ((long long)box_w * m / 8 >= target_w && (long long)box_h * m / 8 >= target_h)
            return m;
    }
    return 8;
}

void gpi_fix_describe_crop(int w, int h, int target_w, int target_h, char *buf, size_t size)
{
    gpi_fix_box box = gpi_fix_center_crop(w, h, target_w, target_h);
    int before, after;
    const char *side_a, *side_b, *both;
    if (box.width < w) {
        before = box.x;
        after = w - box.width - box.x;
        side_a = "左边", side_b = "右边", both = "左右";
    } else {
        before = box.y;
        after = h - box.height - box.y;
        side_a = "上边", side_b = "下边", both = "上下";
    }
    if (before == after)
        snprintf(buf, size, "%s各裁掉 %d 像素，保留 %d×%d（裁剪框 x=%d y=%d 宽 %d 高 %d）",
                 both, before, box.width, box.height, box.x, box.y, box.width, box.height);
    else
        snprintf(buf, size,
                 "%s裁掉 %d 像素、%s裁掉 %d 像素，保留 %d×%d（裁剪框 x=%d y=%d 宽 %d 高 %d）",
                 side_a, before, side_b, after, box.width, box.height, box.x, box.y, box.width,
                 box.height);
}
