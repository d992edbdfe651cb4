/* face_none.c — built with -Dface=disabled: no face detection.  Every call
 * says so; the content rules then report once that face rules were not
 * run. */
#include "face/face.h"

#include <stdio.h>

bool gpi_face_built(void)
{
    return false;
}

void gpi_face_set_model(const char *path, bool explicit_choice)
{
    (void)path;
    (void)explicit_choice;
}

const char *gpi_face_model_path(void)
{
    return GPI_FACE_DEFAULT_MODEL;
}

gpi_face_status gpi_face_load(char *message, size_t size)
{
    if (message && size)
        snprintf(message, size, "%s", "本程序构建时未包含人脸检测（-Dface=disabled）");
    return GPI_FACE_NOT_BUILT;
}

int gpi_face_detect(const unsigned char *rgb, int width, int height, int stride,
                   gpi_face *faces, int max_faces, gpi_face_status *status)
{
    (void)rgb;
    (void)width;
    (void)height;
    (void)stride;
    (void)faces;
    (void)max_faces;
    if (status)
        *status = GPI_FACE_NOT_BUILT;
    return -1;
}
