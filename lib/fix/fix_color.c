/* Colour for fixing: the station accepts sRGB only, so every photo leaves
 * as sRGB pixels with no profile.  Embedded profiles (Adobe RGB, a studio's
 * CMYK print profile, ...) are honoured through lcms2 with the perceptual
 * intent.  CMYK without a usable profile has no defined colour at all; we
 * use the naive device conversion R = (1-C)(1-K), G = (1-M)(1-K),
 * B = (1-Y)(1-K) that web browsers also apply to untagged CMYK, so the
 * result looks as the clerk saw it on screen.  Photoshop stores CMYK
 * inverted (0 = full ink) when it writes an Adobe APP14 marker. */
#include "fix_internal.h"

#include <lcms2.h>
#include <stdlib.h>
#include <string.h>

/* The profile's English description, or "".  Uses at most half the buffer,
 * leaving room for a note after it. */
static void describe_profile(cmsHPROFILE profile, char *buf, size_t size)
{
    size /= 2;
    buf[0] = '\0';
    if (size && cmsGetProfileInfoASCII(profile, cmsInfoDescription, "en", "US", buf,
                                       (cmsUInt32Number)size) == 0)
        buf[0] = '\0';
}

static void naive_cmyk_to_rgb(const unsigned char *cmyk, unsigned char *rgb, size_t pixels,
                              bool inverted)
{
    for (size_t i = 0; i < pixels; i++, cmyk += 4, rgb += 3) {
        /* ink-free fractions, 0..255 */
        unsigned c = inverted ? cmyk[0] : 255u - cmyk[0];
        unsigned m = inverted ? cmyk[1] : 255u - cmyk[1];
        unsigned y = inverted ? cmyk[2] : 255u - cmyk[2];
        unsigned k = inverted ? cmyk[3] : 255u - cmyk[3];
        rgb[0] = (unsigned char)((c * k + 127) / 255);
        rgb[1] = (unsigned char)((m * k + 127) / 255);
        rgb[2] = (unsigned char)((y * k + 127) / 255);
    }
}

/* Transform rows through lcms2 from `in_format` to RGB_8 sRGB. */
static bool lcms_to_srgb(cmsContext context, cmsHPROFILE source, cmsUInt32Number in_format,
                         const unsigned char *in, unsigned char *out, size_t pixels)
{
    cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(context);
    if (!srgb)
        return false;
    cmsHTRANSFORM transform = cmsCreateTransformTHR(context, source, in_format, srgb, TYPE_RGB_8,
                                                    INTENT_PERCEPTUAL,
                                                    cmsFLAGS_BLACKPOINTCOMPENSATION);
    cmsCloseProfile(srgb);
    if (!transform)
        return false;
    /* in chunks: lcms counts pixels in 32 bits */
    const size_t chunk = 1u << 20;
    size_t in_px = (size_t)T_CHANNELS(in_format) + (size_t)T_EXTRA(in_format);
    for (size_t done = 0; done < pixels; done += chunk) {
        size_t n = pixels - done < chunk ? pixels - done : chunk;
        cmsDoTransform(transform, in + done * in_px, out + done * 3, (cmsUInt32Number)n);
    }
    cmsDeleteTransform(transform);
    return true;
}

bool gpi_fix_to_srgb(gpi_fix_raster *raster, char *from, size_t from_size, char *error,
                    size_t error_size)
{
    gpi_fix_image *image = &raster->image;
    size_t pixels = (size_t)image->width * (size_t)image->height;
    if (from_size)
        from[0] = '\0';
    cmsContext context = cmsCreateContext(NULL, NULL);
    if (!context) {
        snprintf(error, error_size, "无法初始化颜色转换（lcms2）");
        return false;
    }
    cmsHPROFILE profile = raster->icc
        ? cmsOpenProfileFromMemTHR(context, raster->icc, raster->icc_len) : NULL;
    cmsColorSpaceSignature space = profile ? cmsGetColorSpace(profile) : (cmsColorSpaceSignature)0;
    if (profile)
        describe_profile(profile, from, from_size);
    bool ok = true;

    if (image->channels == 3) {
        /* an RGB profile other than sRGB: convert in place */
        /* an RGB profile other than sRGB: convert in place; one lcms2 cannot
         * use is treated as sRGB, as viewers do */
        if (profile && space == cmsSigRgbData && !strstr(from, "sRGB") &&
            !lcms_to_srgb(context, profile, TYPE_RGB_8, image->pixels, image->pixels, pixels))
            strncat(from, "（无法使用，按 sRGB 处理）", from_size - strlen(from) - 1);
    } else {
        unsigned char *rgb = malloc(pixels * 3 + 1);
        if (!rgb) {
            ok = false;
        } else if (!(profile && space == cmsSigCmykData &&
                     lcms_to_srgb(context, profile,
                                  raster->adobe_inverted ? TYPE_CMYK_8_REV : TYPE_CMYK_8,
                                  image->pixels, rgb, pixels))) {
            naive_cmyk_to_rgb(image->pixels, rgb, pixels, raster->adobe_inverted);
            if (profile)
                strncat(from, "（无法使用，按简单公式转换）", from_size - strlen(from) - 1);
        }
        if (ok) {
            free(image->pixels);
            image->pixels = rgb;
            image->channels = 3;
        } else {
            free(rgb);
        }
    }
    if (profile)
        cmsCloseProfile(profile);
    cmsDeleteContext(context);
    if (!ok)
        snprintf(error, error_size, "颜色转换时内存不足");
    return ok;
}
