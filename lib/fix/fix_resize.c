/* Resampling to the target size with stb_image_resize (Debian libstb-dev
 * ships v0.97, stb_image_resize.h; bookworm has no stb_image_resize2.h), a
 * well-kept resampler, rather than a home-made one.  Filtering happens in
 * linear light (STBIR_COLORSPACE_SRGB), otherwise downscaling darkens fine
 * detail such as hair.  The filter is Catmull-Rom, both ways: the decode
 * before it is already DCT-scaled close to the target (fix_aspect.c), so the
 * resampler only bridges the last factor (1.18 for a phone photo, below
 * M/(M-1) for a decode at M/8) and a softer filter
 * (Mitchell, which this file used before) throws away about half of the
 * fine detail; see docs/design.md for the measurements behind the choice.
 * This is the only file that compiles the implementation. */
#include "fix_internal.h"

#include <stdlib.h>

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb/stb_image_resize.h>
#pragma GCC diagnostic pop

bool gpi_fix_resize(const gpi_fix_image *in, const gpi_fix_box *crop, int w, int h,
                   gpi_fix_image *out)
{
    out->pixels = NULL;
    out->width = out->height = 0;
    out->channels = 3;
    if (in->channels != 3 || w <= 0 || h <= 0 || crop->width <= 0 || crop->height <= 0 ||
        crop->x < 0 || crop->y < 0 || crop->x + crop->width > in->width ||
        crop->y + crop->height > in->height)
        return false;
    unsigned char *pixels = malloc((size_t)w * (size_t)h * 3);
    if (!pixels)
        return false;
    size_t in_stride = (size_t)in->width * 3;
    const unsigned char *origin = in->pixels + (size_t)crop->y * in_stride + (size_t)crop->x * 3;
    if (!stbir_resize_uint8_generic(origin, crop->width, crop->height, (int)in_stride, pixels, w,
                                    h, w * 3, 3, STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP,
                                    STBIR_FILTER_CATMULLROM, STBIR_COLORSPACE_SRGB, NULL)) {
        free(pixels);
        return false;
    }
    out->pixels = pixels;
    out->width = w;
    out->height = h;
    return true;
}
