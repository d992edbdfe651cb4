/*
 * content.h — the content rules: what is in the picture (issue 11, "judge
 * the picture"): face geometry (教毕指[2017]99号 §四.2), the backdrop, light
 * and focus on the face, colour, clothing against the backdrop, eyes and
 * mouth.
 *
 * Two steps, so that measuring (slow, on worker threads, no profile) and
 * judging (fast, on the calling thread, in photo order) stay apart:
 *   gpi_content_measure  any RGB image → gpi_photo_measure (photo pixels)
 *   gpi_content_judge    gpi_photo_measure + profile → findings, and the
 *                       measurements as per-photo numbers of the report
 * The fix command uses both on full-resolution pixels to crop.
 */
#ifndef GPI_PHOTO_CONTENT_H
#define GPI_PHOTO_CONTENT_H

#include "check/check.h"

/* The profile's content settings ([content] and [severity] of a profile
 * file).  Bands are fractions of the photo's height (vertical) or width
 * (horizontal) so that one profile serves 480×640 and 960×1280. */
#define GPI_CONTENT_MAX_BACKDROPS 8
typedef struct gpi_content_profile {
    bool enabled;                  /* false: content rules off for this profile */
    double head_top_min, head_top_max;   /* × height: 50/640 – 110/640 */
    double eye_line_min, eye_line_max;   /* × height: 200/640 – 300/640 */
    double face_width_min, face_width_max; /* × width: 180/480 – 300/480 */
    double center_tolerance;       /* × width: 0.05 */
    double tilt_max_deg;           /* 6 */
    double backdrops[GPI_CONTENT_MAX_BACKDROPS][3]; /* allowed sRGB references */
    char backdrop_names[GPI_CONTENT_MAX_BACKDROPS][32]; /* "浅蓝" */
    int backdrop_count;
    double backdrop_tolerance;     /* CIEDE2000 to the nearest reference */
    double backdrop_spread_max;    /* CIEDE2000 between backdrop patches */
    double face_luminance_min, face_luminance_max; /* mean L* on the face */
    double face_clipped_max;       /* fraction of face pixels clipped */
    double face_lr_ratio_min;      /* darker half / lighter half */
    double sharpness_min;          /* see gpi_photo_measure.sharpness */
    double saturation_min;         /* below: a grey picture */
    double clothing_fraction_max;  /* clothing pixels that look like backdrop */
    double eye_open_min;           /* eye aspect ratio */
    double mouth_open_max;         /* inner-lip gap / mouth width */
    char *face_model;              /* model file; NULL = --face-model or Debian's */
    /* severity per content code, indexed by code - GP_PHOTO_NO_FACE;
     * -1 = the code's default */
    int severity[32];
} gpi_content_profile;

/** The defaults (the numbers each profile file documents under [content]). */
void gpi_content_profile_defaults(gpi_content_profile *content);
/** One key of [content] or [severity] (section "content" / "severity").
 *  Returns 1 when taken, 0 when the key or value is not understood
 *  (problem set to a Chinese sentence), -1 on OOM. */
int gpi_content_profile_set(gpi_content_profile *content, const char *section,
                           const char *name, const char *value, char *problem,
                           size_t problem_size);
void gpi_content_profile_free(gpi_content_profile *content);

/* The geometry bands in pixels of one photo size. */
typedef struct gpi_content_bands {
    double head_top_min, head_top_max;
    double eye_line_min, eye_line_max;
    double face_width_min, face_width_max;
    double center_tolerance;       /* |face_center_x - width/2| allowed */
    double tilt_max_deg;
} gpi_content_bands;

/** The profile's bands for a photo_width × photo_height photo (profile may
 *  be NULL: the defaults). */
void gpi_content_bands_for(const gp_profile *profile, int photo_width, int photo_height,
                          gpi_content_bands *bands);

/* Smaller pictures (and photos) are not measured (docs/limits.md). */
#define GPI_CONTENT_MIN_WIDTH 120

/** Measure an RGB image that shows a photo of photo_width × photo_height at
 *  some scale (a preview, or the photo itself).  All coordinates in *out
 *  are in photo pixels.  Thread-safe; loads the face model once, lazily.
 *  Returns out->measured: false when the image is unusable (NULL, empty);
 *  out->face_ran says whether face detection ran. */
bool gpi_content_measure(const gpi_preview *image, int photo_width, int photo_height,
                        gpi_photo_measure *out);

/** Judge measurements against the profile: photo.* content findings at
 *  `where` (actual/expected with the measured value and band) and the
 *  measurements as per-photo numbers (keys in docs/cli.md).  Says once per
 *  report when face rules could not run.  Returns the number of error
 *  findings added. */
int gpi_content_judge(const gpi_photo_measure *m, int photo_width, int photo_height,
                     const gp_profile *profile, const gpi_where *where, gp_report *report);

/** sRGB 0–255 → CIE L*a*b* (D50, lcms2); thread-safe. */
void gpi_content_srgb_to_lab(const double rgb[3], double lab[3]);
/** CIEDE2000 colour difference (lcms2's cmsCIE2000DeltaE). */
double gpi_content_delta_e(const double lab1[3], const double lab2[3]);

#endif /* GPI_PHOTO_CONTENT_H */
