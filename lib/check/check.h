/*
 * check.h — the check pipeline, shared by check, pack and verify: one
 * photo's result from its single read, and rows matched to photos.
 */
#ifndef GPI_CHECK_H
#define GPI_CHECK_H

#include "roster/roster.h"

#include "photo/photo.h"

/* What the content rules measured on one photo (lib/photo content rules;
 * issue "judge the picture").  Coordinates are pixels of the stored photo
 * (not of the preview), origin top left; a value is meaningful only when
 * its flag says so.  The report carries these as per-photo numbers under
 * the keys named in docs/cli.md ("measurements"), which the HTML report
 * draws. */
typedef struct gpi_photo_measure {
    bool measured;             /* the content rules ran on this photo */
    int faces;                 /* faces found (0, 1, more) */
    bool has_face;             /* the fields below describe the one face */
    double face_left, face_top, face_right, face_bottom; /* face box */
    double eye_left_x, eye_left_y, eye_right_x, eye_right_y;
    double eye_line;           /* mean eye y */
    double face_width;         /* cheek to cheek */
    double face_center_x;
    double tilt_deg;           /* eye line roll, + = clockwise */
    bool has_head_top;
    double head_top;           /* top of the hair, found against the backdrop */
    bool has_background;
    double background_lab[3];  /* CIE L*a*b* (D50) of the backdrop */
    double background_spread;  /* ΔE2000 between backdrop patches, largest */
    double face_luminance;     /* mean L* on the face */
    double face_clipped;       /* fraction of face pixels clipped at white */
    double face_lr_ratio;      /* mean L* of the darker cheek / the lighter */
    double sharpness;          /* normalised detail on the face */
    double saturation;         /* mean chroma of the picture */
    /* added by the content rules (lib/photo/content.h) */
    bool face_ran;             /* face detection ran (built with it, model loaded) */
    int face_status;           /* why not: 0 ran, 1 built without, 2 model unusable */
    bool has_landmarks;        /* eye_open, mouth_open are meaningful */
    double eye_open;           /* eye aspect ratio, mean of both eyes */
    double mouth_open;         /* inner-lip gap / mouth width */
    bool has_clothing;
    double clothing_fraction;  /* clothing pixels that look like the backdrop */
} gpi_photo_measure;

/* One photo's result from the single read: inspection and hash. */
typedef struct gpi_photo_result {
    bool read_ok;
    int read_errno;
    uint64_t size;            /* bytes actually read */
    unsigned char sha256[32];
    gpi_jpeg_info info;
    gpi_photo_measure measure; /* content rules; measure.measured false when not run */
    unsigned char *thumb;     /* small JPEG for the HTML report, malloc'd; NULL when none */
    size_t thumb_len;
} gpi_photo_result;

/** Free what a result owns (the thumbnail) and zero it.  NULL is fine. */
void gpi_photo_result_clear(gpi_photo_result *result);

/** Everything check learned, for pack to reuse without reading again. */
typedef struct gpi_check_state {
    gp_profile *profile;
    gpi_roster *roster;
    gpi_photo_dir *photos;
    gpi_photo_result *results;  /* parallel to photos->files */
    bool thumbnails;           /* gp_check_options.thumbnails */
} gpi_check_state;

void gpi_check_state_clear(gpi_check_state *state);

/* check in its three steps; pack reads the photos itself between prepare
 * and finish, and archives them from the same buffers. */
/** Whether photo_dir is a folder; false with err set (GP_ERR_OPEN). */
bool gpi_check_is_directory(const char *photo_dir, gp_error *err);
/** No photo is read: profile, roster (rules applied), the folder listing
 *  (stat sizes), findings into report; state->results allocated (zeroed),
 *  one per listed photo.  false with err set. */
bool gpi_check_prepare(const char *roster_path, const char *photo_dir,
                      const gp_check_options *options, gpi_check_state *state,
                      gp_report *report, gp_error *err);
/** Read one photo once, hash and inspect it into *out (with a thumbnail
 *  in out->thumb when thumbnails).  keep non-NULL: the bytes are handed
 *  over in *keep (malloc'd; NULL when unreadable). */
void gpi_check_read_photo(const gpi_photo_file *file, bool thumbnails, gpi_photo_result *out,
                         unsigned char **keep, size_t *keep_len);
/** Read every listed photo (gpi_check_read_photo) on `threads` threads. */
void gpi_check_inspect(gpi_check_state *state, int threads, gp_progress_fn progress,
                      void *progress_context);
/** Match and judge every photo (all results filled), set the summary
 *  values rows, photos, encoding, and sort the report.  false on OOM. */
bool gpi_check_finish(gpi_check_state *state, gp_report *report, gp_error *err);

/** Match roster rows to photos and judge each inspected photo: photo.missing,
 *  photo.orphan, photo.duplicate and the inspection codes.  `names[i]` and
 *  `results[i]` describe photo i with number `seqs[i]` (sorted ascending).
 *  Used by check (a folder) and verify (entries of a zip). */
void gpi_check_match_photos(const gpi_roster *roster, const gp_profile *profile,
                           const char *const *seqs, const char *const *names,
                           const gpi_photo_result *results, size_t count,
                           const char *source, gp_report *report);

#endif
