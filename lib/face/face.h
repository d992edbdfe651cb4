/*
 * face.h — faces and their 68 landmarks (dlib's HOG frontal face detector
 * and shape predictor), behind a C interface.  The C++ stays in
 * face_dlib.cpp; face_none.c stands in when gradpack is built with
 * -Dface=disabled (then every call says GP_FACE_NOT_BUILT).
 */
#ifndef GP_FACE_H
#define GP_FACE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GP_FACE_POINTS 68
#define GP_FACE_DEFAULT_MODEL "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

typedef enum gp_face_status {
    GP_FACE_OK = 0,
    GP_FACE_NOT_BUILT = 1,    /* built with -Dface=disabled */
    GP_FACE_NO_MODEL = 2      /* the landmark model is missing or unreadable */
} gp_face_status;

typedef struct gp_face {
    double left, top, right, bottom;   /* detector box, image pixels */
    double score;                      /* detector confidence */
    double x[GP_FACE_POINTS], y[GP_FACE_POINTS]; /* iBUG 300-W 68 points, 0-based */
} gp_face;

/** Whether this build has face detection. */
bool gp_face_built(void);
/** Use this model file (NULL = Debian's path).  Takes effect only before
 *  the model is first loaded; `explicit_choice` marks a path the user named
 *  (it wins over one a profile names). */
void gp_face_set_model(const char *path, bool explicit_choice);
/** The model file that will be (or was) loaded.  Static/owned string. */
const char *gp_face_model_path(void);
/** Load the model once (thread-safe; later calls return the first
 *  result).  On failure message (may be NULL) gets a Chinese sentence. */
gp_face_status gp_face_load(char *message, size_t size);
/** Find faces in an RGB image (rows `stride` bytes apart), strongest
 *  first, with landmarks; at most max_faces are described, the return value
 *  is how many were found (-1 when detection cannot run: *status says why).
 *  Images whose faces are small are upsampled internally.  Thread-safe. */
int gp_face_detect(const unsigned char *rgb, int width, int height, int stride,
                   gp_face *faces, int max_faces, gp_face_status *status);

#ifdef __cplusplus
}
#endif

#endif /* GP_FACE_H */
