/* The head measurement --frame works from: the content rules' measurement
 * (lib/photo/content.h) of an upright sRGB picture, and the profile's
 * geometry bands.  Until the content rules are part of this build, face
 * measurement is unavailable and --frame refuses to run (an operational
 * error, never a guessed crop). */
#include "fix_internal.h"

#include <stdio.h>
#include <string.h>

bool gp_fix_measure_ready(char *why, size_t why_size)
{
    snprintf(why, why_size, "这个版本的 gradpack 不含人脸测量，不能自动构图");
    return false;
}

bool gp_fix_measure(const gp_fix_image *image, int photo_w, int photo_h,
                    gp_photo_measure *out, char *why, size_t why_size)
{
    (void)image;
    (void)photo_w;
    (void)photo_h;
    memset(out, 0, sizeof *out);
    snprintf(why, why_size, "这个版本的 gradpack 不含人脸测量，不能自动构图");
    return false;
}

void gp_fix_bands_for(const gp_profile *profile, gp_fix_bands *bands)
{
    /* 教毕指[2017]99号 at 480×640, scaled to the profile's size */
    double sx = profile->width / 480.0, sy = profile->height / 640.0;
    bands->head_top_min = 50 * sy;
    bands->head_top_max = 110 * sy;
    bands->eye_line_min = 200 * sy;
    bands->eye_line_max = 300 * sy;
    bands->face_width_min = 180 * sx;
    bands->face_width_max = 300 * sx;
    bands->center_tolerance = 0.05 * profile->width;
}
