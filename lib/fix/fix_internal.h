/*
 * fix_internal.h — the pieces of `gradpack fix`, one concept per file:
 *   fix_aspect.c   3:4 tolerance, centre crop box, DCT scale choice
 *   fix_frame.c    --frame: the crop that puts the head inside the bands
 *   fix_decode.c   libjpeg decode (DCT-scaled) to RGB or CMYK + ICC bytes
 *   fix_color.c    lcms2: embedded profiles, CMYK and YCCK to sRGB
 *   fix_orient.c   Exif orientation applied to the pixels
 *   fix_resize.c   stb_image_resize (sRGB-aware) to the target size
 *   fix_encode.c   libjpeg encode: JFIF 300 dpi, no metadata
 *   fix_quality.c  the search for a quality that lands in the size window
 *   fix_lossless.c metadata-only fixes: markers rewritten, image data kept
 *   fix_photo.c    one photo through the whole pipeline
 *   fix.c          the folder: scan, parallel work, outputs, report
 * Everything here is thread-safe and does no I/O except fix.c.
 */
#ifndef GPI_FIX_INTERNAL_H
#define GPI_FIX_INTERNAL_H

#include "check/check.h"

/* An 8-bit raster, rows packed (stride = width * channels). */
typedef struct gpi_fix_image {
    unsigned char *pixels;
    int width, height;
    int channels; /* 3 = RGB, 4 = CMYK */
} gpi_fix_image;

void gpi_fix_image_free(gpi_fix_image *image);

/* A rectangle in pixels. */
typedef struct gpi_fix_box {
    int x, y, width, height;
} gpi_fix_box;

/* ---- fix_aspect.c ------------------------------------------------------ */

/** Whether w×h has the target's aspect ratio within 1%. */
bool gpi_fix_aspect_ok(int w, int h, int target_w, int target_h);
/** The largest box of the target's aspect ratio centred in w×h. */
gpi_fix_box gpi_fix_center_crop(int w, int h, int target_w, int target_h);
/** The DCT scale M/8 (M = 1..8) for decoding: the smallest that keeps a
 *  box_w×box_h region, in the stored (not yet turned) orientation, at least
 *  target_w×target_h once Exif `orientation` is applied (5-8 swap the
 *  axes).  8 (no scaling) when the region is smaller than the target. */
int gpi_fix_scale_eighths(int box_w, int box_h, int orientation, int target_w, int target_h);
/** Clerk-facing description of the crop that makes w×h the target's
 *  aspect ratio, e.g. "左右各裁掉 756 像素，保留 3024×4032 中间的 …". */
void gpi_fix_describe_crop(int w, int h, int target_w, int target_h, char *buf, size_t size);

/* ---- fix_frame.c ------------------------------------------------------- */

/* The standard's geometry bands in pixels of the target photo (the profile's
 * bands for target_w × target_h). */
typedef struct gpi_fix_bands {
    double head_top_min, head_top_max;     /* y of the head top */
    double eye_line_min, eye_line_max;     /* y of the eye line */
    double face_width_min, face_width_max; /* cheek to cheek */
    double center_tolerance;               /* |face centre - width/2| */
} gpi_fix_bands;

/* Where the head is in a target-sized picture, in target pixels. */
typedef struct gpi_fix_geometry {
    double head_top, eye_line, face_width;
    double center_offset; /* face centre - width/2: + = right of centre */
} gpi_fix_geometry;

typedef enum gpi_fix_frame_verdict {
    GPI_FRAME_KEEP,        /* already inside every band: the usual path, box = default */
    GPI_FRAME_CROP,        /* box is the new crop */
    GPI_FRAME_NO_FACE,     /* no face, or more than one */
    GPI_FRAME_NO_HEAD_TOP, /* the head top was not found against the backdrop */
    GPI_FRAME_PROPORTIONS, /* face width and head-top-to-eyes cannot both fit */
    GPI_FRAME_MISSING,     /* the crop would need picture outside the original */
    GPI_FRAME_TOO_SMALL    /* the crop would be upscaled more than allowed */
} gpi_fix_frame_verdict;

/* The largest upscale --frame accepts (target pixels per source pixel):
 * a 768×1024 crop for 960×1280.  Beyond it the detail is invented. */
#define GPI_FIX_MAX_UPSCALE 1.25

typedef struct gpi_fix_frame_plan {
    gpi_fix_frame_verdict verdict;
    gpi_fix_box box;          /* KEEP, CROP: the crop in source pixels (3:4) */
    double scale;            /* target pixels per source pixel of box */
    gpi_fix_geometry before;  /* with the default box (whole, or centred 3:4) */
    gpi_fix_geometry after;   /* CROP, KEEP: with box */
    /* MISSING: source pixels lacking beyond each edge for the best crop */
    int missing_top, missing_bottom, missing_left, missing_right;
    double needed_scale;     /* TOO_SMALL: the smallest upscale that would fit */
} gpi_fix_frame_plan;

/** Where the head lands when source box `box` becomes target_w × target_h. */
gpi_fix_geometry gpi_fix_geometry_of(const gpi_photo_measure *m, const gpi_fix_box *box,
                                   int target_w, int target_h);
/** Whether every measure is inside its band. */
bool gpi_fix_geometry_inside(const gpi_fix_geometry *g, const gpi_fix_bands *bands);
/** The crop and scale for --frame: pure arithmetic over a measurement of
 *  the upright source (src_w × src_h pixels, coordinates in those pixels),
 *  the bands and the target size.  Aims at the middle of every band with a
 *  margin, face centred, the face no larger than needed to fit the picture;
 *  only crops and scales (never more than max_upscale); never places the
 *  crop outside the source. */
void gpi_fix_frame(const gpi_photo_measure *m, const gpi_fix_bands *bands, int src_w, int src_h,
                  int target_w, int target_h, double max_upscale, gpi_fix_frame_plan *plan);
/** The clerk's sentence for a MISSING plan: "头顶上方缺少约 60 像素、…". */
void gpi_fix_describe_missing(const gpi_fix_frame_plan *plan, char *buf, size_t size);
/** "头顶 160、眼睛 500、脸宽 480 像素、脸偏右 12 像素" for the report. */
void gpi_fix_describe_geometry(const gpi_fix_geometry *g, char *buf, size_t size);

/* ---- fix_measure.c ----------------------------------------------------- */

/** Measure the head in an upright sRGB picture of the whole photo (any
 *  scale; the photo is photo_w × photo_h upright pixels) with the content
 *  rules: coordinates in *out are in upright photo pixels.  false when face
 *  measurement cannot run in this build or with this model (*why says so in
 *  Chinese); true otherwise, even when no face was found. */
bool gpi_fix_measure(const gpi_fix_image *image, int photo_w, int photo_h,
                    gpi_photo_measure *out, char *why, size_t why_size);
/** Whether face measurement can run (built in, model loadable): false with
 *  *why in Chinese.  gp_fix asks before touching any output. */
bool gpi_fix_measure_ready(char *why, size_t why_size);
/** The profile's geometry bands in pixels of its target size. */
void gpi_fix_bands_for(const gp_profile *profile, gpi_fix_bands *bands);

/* ---- fix_decode.c ------------------------------------------------------ */

typedef struct gpi_fix_raster {
    gpi_fix_image image;      /* RGB (3) or CMYK (4) as stored */
    bool adobe_inverted;     /* CMYK stored inverted, as Photoshop writes it */
    unsigned char *icc;      /* embedded ICC profile or NULL (malloc'd) */
    unsigned int icc_len;
    int full_width, full_height;  /* before DCT scaling */
    int quality_estimate;    /* IJG quality the luma table matches, 0 unknown */
} gpi_fix_raster;

/** Decode a JPEG held in memory, scaled by eighths/8, to RGB (YCbCr,
 *  RGB) or CMYK (CMYK, YCCK).  Grayscale is refused.  false with a message
 *  in error on any libjpeg error or warning. */
bool gpi_fix_decode(const unsigned char *data, size_t len, int eighths,
                   gpi_fix_raster *out, char *error, size_t error_size);
void gpi_fix_raster_free(gpi_fix_raster *raster);

/* ---- fix_color.c ------------------------------------------------------- */

/** Turn the raster into sRGB RGB in place: through its embedded profile
 *  with lcms2 (perceptual intent) when it has one that is not sRGB, or for
 *  CMYK without a usable profile with the naive device conversion
 *  R = (1-C)(1-K) that browsers also use.  `from` gets a short description
 *  of the source colour ("Adobe RGB (1998)", "CMYK", "sRGB").  false with a
 *  message on failure (out of memory). */
bool gpi_fix_to_srgb(gpi_fix_raster *raster, char *from, size_t from_size,
                    char *error, size_t error_size);

/* ---- fix_orient.c ------------------------------------------------------ */

/** Apply Exif orientation 1-8 to an image, so it shows upright without the
 *  tag.  Orientations 5-8 swap width and height.  false on OOM or a value
 *  outside 1-8 (the image is then unchanged). */
bool gpi_fix_orient(gpi_fix_image *image, int orientation);

/* ---- fix_resize.c ------------------------------------------------------ */

/** Resample the `crop` region of an RGB image to exactly w×h into out
 *  (malloc'd), with a Catmull-Rom filter in linear light (sRGB-aware). */
bool gpi_fix_resize(const gpi_fix_image *in, const gpi_fix_box *crop, int w, int h,
                   gpi_fix_image *out);

/* ---- fix_encode.c ------------------------------------------------------ */

typedef enum gpi_fix_chroma { GPI_FIX_CHROMA_420, GPI_FIX_CHROMA_444 } gpi_fix_chroma;

/** Encode RGB as a baseline JPEG: JFIF with `dpi` dots per inch, no Exif,
 *  XMP, ICC or comments, optimised Huffman tables.  *out is malloc'd. */
bool gpi_fix_encode(const gpi_fix_image *image, int quality, gpi_fix_chroma chroma, int dpi,
                   unsigned char **out, size_t *len, char *error, size_t error_size);

/* ---- fix_quality.c ----------------------------------------------------- */

/* The encoder the search calls: encodes at (quality, chroma). */
typedef bool (*gpi_fix_encoder)(void *context, int quality, gpi_fix_chroma chroma,
                               unsigned char **out, size_t *len);

typedef enum gpi_fix_fit {
    GPI_FIX_FIT_IN_WINDOW,   /* found: out holds it */
    GPI_FIX_FIT_BELOW_MIN,   /* even quality 100 4:4:4 is too small */
    GPI_FIX_FIT_ABOVE_MAX,   /* even quality 1 4:2:0 is too large */
    GPI_FIX_FIT_MISSED,      /* sizes jump over the window, or the encode budget ran out */
    GPI_FIX_FIT_FAILED       /* the encoder failed */
} gpi_fix_fit;

typedef struct gpi_fix_search {
    gpi_fix_fit fit;
    unsigned char *out;     /* the chosen encoding (malloc'd) when IN_WINDOW */
    size_t len;
    int quality;
    gpi_fix_chroma chroma;
    int encodes;            /* trial encodes spent */
    size_t best_len;        /* the largest size achieved (BELOW_MIN), the smallest (ABOVE_MAX) */
    int best_quality;
    gpi_fix_chroma best_chroma;
} gpi_fix_search;

/* Trial encodes allowed per photo. */
#define GPI_FIX_MAX_ENCODES 6

/** Find a (quality, chroma) whose encoding lands inside [min, max] bytes,
 *  aiming at the middle.  Quality and chroma form one axis ordered by size:
 *  4:2:0 below quality 90, 4:4:4 from 90 up (the rule libjpeg tools such as
 *  ImageMagick follow); the other subsampling is tried only when the sizes
 *  of neighbouring qualities jump over the window. */
void gpi_fix_search_quality(gpi_fix_encoder encode, void *context, uint64_t min, uint64_t max,
                           gpi_fix_search *result);

/* ---- fix_lossless.c ---------------------------------------------------- */

/** Rewrite a JPEG's marker segments: drop APP0-APP15 and COM, put a fresh
 *  JFIF APP0 at `dpi` dots per inch right after SOI, copy every other
 *  segment and the entropy-coded data byte for byte, stop at EOI.  false
 *  (nothing allocated) on a malformed marker structure or OOM. */
bool gpi_fix_rewrite_metadata(const unsigned char *data, size_t len, int dpi,
                             unsigned char **out, size_t *out_len);

/** The lossless fix: when the photo's only errors are its dpi, an sRGB
 *  profile the rules do not want and/or its size (dimensions right,
 *  8-bit YCbCr, orientation 1, no other profile, decodes cleanly), the
 *  rewritten file if it lands in the size window and judges clean.  false
 *  when the photo needs the re-encode path. */
bool gpi_fix_try_lossless(const unsigned char *data, size_t len, const gpi_jpeg_info *info,
                         const gp_report *judged, const gp_profile *profile,
                         unsigned char **out, size_t *out_len);

/* ---- fix_photo.c ------------------------------------------------------- */

typedef enum gpi_fix_action {
    GPI_FIX_COPIED,   /* already conforming: byte-for-byte copy */
    GPI_FIX_FIXED,    /* a conforming re-encoding */
    GPI_FIX_METADATA, /* only the metadata rewritten, image data byte for byte */
    GPI_FIX_FAILED    /* nothing written; `code` says why */
} gpi_fix_action;

typedef struct gpi_fix_outcome {
    gpi_fix_action action;
    gp_code code;              /* the finding to report (fix.* / photo.unreadable) */
    unsigned char *out;        /* FIXED, METADATA: the new file (malloc'd) */
    size_t out_len;
    int quality;               /* FIXED: the chosen quality */
    gpi_fix_chroma chroma;
    int encodes;
    char from[512];            /* dimensions, bytes, dpi, colour, orientation */
    char to[512];
    char actual[512];          /* for the finding */
    char expected[512];
    char message[1024];
    /* --frame */
    bool frame_ran;            /* the head was measured and a plan made */
    gpi_fix_frame_plan plan;
    bool face_unavailable;     /* face measurement cannot run: an operational error */
    char frame_error[256];     /* why, when face_unavailable */
} gpi_fix_outcome;

/** Decide and do what one photo needs.  `judged` is the report gpi_photo_judge
 *  filled for it.  With `frame`, the head is measured first and the photo
 *  cropped and scaled into the bands (fix_frame.c) unless it already meets
 *  them.  Thread-safe; no I/O.  `name` labels messages. */
void gpi_fix_photo(const unsigned char *data, size_t len, const gpi_jpeg_info *info,
                  const gp_report *judged, const gp_profile *profile, gp_crop crop,
                  bool frame, const char *name, gpi_fix_outcome *outcome);
void gpi_fix_outcome_clear(gpi_fix_outcome *outcome);

#endif /* GPI_FIX_INTERNAL_H */
