/* Exif orientation applied to the pixels.  The standard forbids rotated
 * photos, so the tag must go, and the picture must then be stored the way
 * it was meant to be seen.  For each output pixel (c, r) the source pixel
 * (x, y) is, by tag value (Exif 2.3, "Orientation"):
 *   1 (c, r)            2 mirrored: (W-1-c, r)
 *   3 rotated 180       4 flipped: (c, H-1-r)
 *   5 transposed: (r, c)          6 rotate 90 CW: (r, H-1-c)
 *   7 transversed: (W-1-r, H-1-c) 8 rotate 270 CW: (W-1-r, c)
 * and 5-8 swap width and height. */
#include "fix_internal.h"

#include <stdlib.h>
#include <string.h>

bool gpi_fix_orient(gpi_fix_image *image, int orientation)
{
    if (orientation < 1 || orientation > 8)
        return false;
    if (orientation == 1)
        return true;
    const int w = image->width, h = image->height, ch = image->channels;
    const bool swap = orientation >= 5;
    const int ow = swap ? h : w, oh = swap ? w : h;
    unsigned char *out = malloc((size_t)ow * (size_t)oh * (size_t)ch + 1);
    if (!out)
        return false;
    const size_t in_stride = (size_t)w * (size_t)ch;
    for (int r = 0; r < oh; r++) {
        unsigned char *dst = out + (size_t)r * (size_t)ow * (size_t)ch;
        for (int c = 0; c < ow; c++, dst += ch) {
            int x, y;
            switch (orientation) {
            case 2: x = w - 1 - c, y = r; break;
            case 3: x = w - 1 - c, y = h - 1 - r; break;
            case 4: x = c, y = h - 1 - r; break;
            case 5: x = r, y = c; break;
            case 6: x = r, y = h - 1 - c; break;
            case 7: x = w - 1 - r, y = h - 1 - c; break;
            default: x = w - 1 - r, y = c; break; /* 8 */
            }
            memcpy(dst, image->pixels + (size_t)y * in_stride + (size_t)x * (size_t)ch,
                   (size_t)ch);
        }
    }
    free(image->pixels);
    image->pixels = out;
    image->width = ow;
    image->height = oh;
    return true;
}
