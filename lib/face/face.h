/*
 * face.h — faces and their 68 landmarks (dlib's HOG frontal face detector
 * and shape predictor), behind a C interface.  The C++ stays in
 * face_dlib.cpp; face_none.c stands in when gradpack is built with
 * -Dface=disabled (then every call says GPI_FACE_NOT_BUILT).
 */
#ifndef GPI_FACE_H
#define GPI_FACE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GPI_FACE_POINTS 68
/* the build's default model (meson -Dface_model); a relative path is taken
 * inside the data directory (gp_datadir()) */
#ifndef GPI_FACE_DEFAULT_MODEL
#define GPI_FACE_DEFAULT_MODEL "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"
#endif

typedef enum gpi_face_status {
    GPI_FACE_OK = 0,
    GPI_FACE_NOT_BUILT = 1,    /* built with -Dface=disabled */
    GPI_FACE_NO_MODEL = 2      /* the landmark model is missing or unreadable */
} gpi_face_status;

typedef struct gpi_face {
    double left, top, right, bottom;   /* detector box, image pixels */
    double score;                      /* detector confidence */
    double x[GPI_FACE_POINTS], y[GPI_FACE_POINTS]; /* iBUG 300-W 68 points, 0-based */
} gpi_face;

/** Whether this build has face detection. */
bool gpi_face_built(void);
/** Use this model file (NULL = the build's default, GPI_FACE_DEFAULT_MODEL).  Takes effect only before
 *  the model is first loaded; `explicit_choice` marks a path the user named
 *  (it wins over one a profile names). */
void gpi_face_set_model(const char *path, bool explicit_choice);
/** The model file that will be (or was) loaded.  Static/owned string. */
const char *gpi_face_model_path(void);
/** Load the model once (thread-safe; later calls return the first
 *  result).  On failure message (may be NULL) gets a Chinese sentence. */
gpi_face_status gpi_face_load(char *message, size_t size);
/** Find faces in an RGB image (rows `stride` bytes apart), strongest
 *  first, with landmarks; at most max_faces are described, the return value
 *  is how many were found (-1 when detection cannot run: *status says why).
 *  Images whose faces are small are upsampled internally.  Thread-safe. */
int gpi_face_detect(const unsigned char *rgb, int width, int height, int stride,
                   gpi_face *faces, int max_faces, gpi_face_status *status);

#ifdef __cplusplus
}
#endif

#endif /* GPI_FACE_H */
