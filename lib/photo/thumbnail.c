/* Thumbnails for the HTML report: the inspection's preview shrunk to fit
 * 240 × 320 by averaging whole source pixels into each target pixel (a box
 * filter: exact, deterministic, enough for a contact sheet) and encoded
 * with libjpeg-turbo at quality 70: about 10 KB each, so a 300-photo page
 * stays near 4 MB. */
#include "thumbnail.h"
#include "check/check.h"
#include "photo/photo.h"

#include "content.h"

#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

/* Source span [lo, hi) of target index i when n source pixels become m. */
static void span(int i, int n, int m, int *lo, int *hi)
{
    *lo = (int)((long long)i * n / m);
    *hi = (int)((long long)(i + 1) * n / m);
    if (*hi <= *lo)
        *hi = *lo + 1;
}

static unsigned char *shrink(const gpi_preview *p, int w, int h)
{
    unsigned char *out = malloc((size_t)w * h * 3);
    if (!out)
        return NULL;
    for (int y = 0; y < h; y++) {
        int y0, y1;
        span(y, p->height, h, &y0, &y1);
        for (int x = 0; x < w; x++) {
            int x0, x1;
            span(x, p->width, w, &x0, &x1);
            unsigned long sum[3] = {0, 0, 0};
            for (int sy = y0; sy < y1; sy++) {
                const unsigned char *row = p->rgb + ((size_t)sy * p->width + x0) * 3;
                for (int sx = x0; sx < x1; sx++, row += 3)
                    for (int c = 0; c < 3; c++)
                        sum[c] += row[c];
            }
            unsigned long n = (unsigned long)(y1 - y0) * (x1 - x0);
            for (int c = 0; c < 3; c++)
                out[((size_t)y * w + x) * 3 + c] = (unsigned char)((sum[c] + n / 2) / n);
        }
    }
    return out;
}

bool gpi_thumbnail_encode(const gpi_preview *preview, unsigned char **jpeg, size_t *len)
{
    *jpeg = NULL;
    *len = 0;
    if (!preview || !preview->rgb || preview->width <= 0 || preview->height <= 0)
        return false;
    int w = preview->width, h = preview->height;
    /* fit the box: the smaller of the two ratios, rounded, at least 1 */
    if (w > GPI_THUMB_WIDTH || h > GPI_THUMB_HEIGHT) {
        if ((long long)w * GPI_THUMB_HEIGHT >= (long long)h * GPI_THUMB_WIDTH) {
            h = (int)(((long long)h * GPI_THUMB_WIDTH + w / 2) / w);
            w = GPI_THUMB_WIDTH;
        } else {
            w = (int)(((long long)w * GPI_THUMB_HEIGHT + h / 2) / h);
            h = GPI_THUMB_HEIGHT;
        }
        w = w < 1 ? 1 : w;
        h = h < 1 ? 1 : h;
    }
    unsigned char *pixels = w == preview->width && h == preview->height
                                ? preview->rgb
                                : shrink(preview, w, h);
    if (!pixels)
        return false;
    tjhandle tj = tjInitCompress();
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    bool ok = tj && tjCompress2(tj, pixels, w, 0, h, TJPF_RGB, &buffer, &size, TJSAMP_420,
                                GPI_THUMB_QUALITY, TJFLAG_ACCURATEDCT) == 0;
    if (tj)
        tjDestroy(tj);
    if (pixels != preview->rgb)
        free(pixels);
    if (ok) {
        /* hand back plain malloc'd memory (tjFree may not be free) */
        *jpeg = malloc(size);
        ok = *jpeg != NULL;
        if (ok) {
            memcpy(*jpeg, buffer, size);
            *len = size;
        }
    }
    tjFree(buffer);
    return ok;
}

void gpi_photo_inspect(const unsigned char *data, size_t len, const gpi_inspect_wants *wants,
                      gpi_photo_result *out)
{
    static const gpi_inspect_wants nothing = {0};
    if (!wants)
        wants = &nothing;
    gpi_preview preview = {0};
    bool keep = wants->thumbnail || wants->content;
    /* one preview serves both: 240 wide is 1/4 of a 960-wide photo */
    gpi_jpeg_inspect_limited(data, len, &out->info, wants->limits,
                            keep ? GPI_PREVIEW_WIDTH : 0, keep ? &preview : NULL);
    if (wants->content)
        gpi_content_measure(&preview, out->info.width, out->info.height, &out->measure);
    free(out->thumb);
    out->thumb = NULL;
    out->thumb_len = 0;
    if (wants->thumbnail)
        gpi_thumbnail_encode(&preview, &out->thumb, &out->thumb_len);
    gpi_preview_free(&preview);
}
