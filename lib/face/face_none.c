/* face_none.c — built with -Dface=disabled: no face detection.  Every call
 * says so; the content rules then report once that face rules were not
 * run. */
#include "face/face.h"

#include <stdio.h>

bool gp_face_built(void)
{
    return false;
}

void gp_face_set_model(const char *path, bool explicit_choice)
{
    (void)path;
    (void)explicit_choice;
}

const char *gp_face_model_path(void)
{
    return GP_FACE_DEFAULT_MODEL;
}

gp_face_status gp_face_load(char *message, size_t size)
{
    if (message && size)
        snprintf(message, size, "%s", "本程序构建时未包含人脸检测（-Dface=disabled）");
    return GP_FACE_NOT_BUILT;
}

int gp_face_detect(const unsigned char *rgb, int width, int height, int stride,
                   gp_face *faces, int max_faces, gp_face_status *status)
{
    (void)rgb;
    (void)width;
    (void)height;
    (void)stride;
    (void)faces;
    (void)max_faces;
    if (status)
        *status = GP_FACE_NOT_BUILT;
    return -1;
}
