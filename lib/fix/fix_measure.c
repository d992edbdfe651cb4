/* The head measurement --frame works from: the content rules' measurement
 * (lib/photo/content.h, dlib landmarks and the head top against the
 * backdrop) of an upright sRGB picture, and the profile's geometry bands
 * (the ones `check` judges).  When face detection is not in this build or
 * its model cannot be loaded, --frame refuses to run: an operational error,
 * never a guessed crop. */
#include "fix_internal.h"
#include "check/check.h"
#include "core/profile.h"
#include "photo/photo.h"

#include "face/face.h"
#include "photo/content.h"

#include <stdio.h>
#include <string.h>

bool gpi_fix_measure_ready(char *why, size_t why_size)
{
    if (!gpi_face_built()) {
        snprintf(why, why_size,
                 "这个版本的 gradpack 构建时没有包含人脸测量（dlib），不能自动构图");
        return false;
    }
    char message[256] = "";
    if (gpi_face_load(message, sizeof message) != GPI_FACE_OK) {
        snprintf(why, why_size, "人脸测量不可用：%s", message[0] ? message : "无法加载人脸模型");
        return false;
    }
    return true;
}

bool gpi_fix_measure(const gpi_fix_image *image, int photo_w, int photo_h,
                    gpi_photo_measure *out, char *why, size_t why_size)
{
    gpi_preview preview = {.rgb = image->pixels, .width = image->width, .height = image->height,
                          .scale_num = 0};
    if (image->channels != 3) {
        memset(out, 0, sizeof *out);
        return true; /* nothing measured: the plan says no face */
    }
    gpi_content_measure(&preview, photo_w, photo_h, out);
    if (out->measured && !out->face_ran) {
        if (out->face_status == GPI_FACE_NOT_BUILT)
            snprintf(why, why_size,
                     "这个版本的 gradpack 构建时没有包含人脸测量（dlib），不能自动构图");
        else
            snprintf(why, why_size, "人脸模型 %s 无法加载，不能自动构图", gpi_face_model_path());
        return false;
    }
    return true;
}

void gpi_fix_bands_for(const gp_profile *profile, gpi_fix_bands *bands)
{
    gpi_content_bands cb;
    gpi_content_bands_for(profile, profile->width, profile->height, &cb);
    bands->head_top_min = cb.head_top_min;
    bands->head_top_max = cb.head_top_max;
    bands->eye_line_min = cb.eye_line_min;
    bands->eye_line_max = cb.eye_line_max;
    bands->face_width_min = cb.face_width_min;
    bands->face_width_max = cb.face_width_max;
    bands->center_tolerance = cb.center_tolerance;
}
