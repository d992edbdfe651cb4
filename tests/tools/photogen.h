/*
 * photogen.h — deterministic fake graduate photos for tests, samples and
 * benchmarks: a head-and-shoulders figure on the light-blue background
 * RGB(100,197,255) of 教毕指[2017]99号, with seeded fine texture so JPEG
 * sizes are like real photos.  Every defect gradpack checks for can be
 * switched on.  The same options give the same bytes on every run.
 */
#ifndef PHOTOGEN_H
#define PHOTOGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum photogen_color {
    PHOTOGEN_RGB,  /* 3 × 8-bit, stored as YCbCr (what cameras write) */
    PHOTOGEN_GRAY,
    PHOTOGEN_CMYK, /* Adobe convention: stored inverted, with an APP14 marker */
    PHOTOGEN_YCCK
} photogen_color;

typedef enum photogen_icc { PHOTOGEN_ICC_NONE, PHOTOGEN_ICC_SRGB, PHOTOGEN_ICC_ADOBE } photogen_icc;

typedef enum photogen_texture {
    PHOTOGEN_TEXTURE_NORMAL, /* 960×1280 lands mid-window (≈ 590 KB) at quality 92 */
    PHOTOGEN_TEXTURE_FLAT,   /* no texture: ≈ 94 KB even at quality 100 */
    PHOTOGEN_TEXTURE_NOISY   /* heavy grain: 830 KB at quality 75, above 650 KB
                                down to quality ≈ 56; in the window near 45–55 */
} photogen_texture;

typedef struct photogen_options {
    int width, height;          /* 960 × 1280 */
    uint32_t seed;              /* varies the figure and the texture */
    int quality;                /* 1–100; 0 = search the size window */
    uint64_t min_bytes, max_bytes; /* the window searched (563200–665600) */
    int dpi;                    /* 300 */
    int density_unit;           /* JFIF unit: 1 dpi, 2 dots/cm (dpi/2.54 rounded), 0 none */
    int density;                /* when > 0, the raw JFIF density value (e.g. 119 dots/cm) */
    bool exif_dpi_only;         /* no JFIF segment; dpi in Exif X/YResolution (inches);
                                   CMYK and YCCK always state dpi this way */
    int orientation;            /* Exif orientation written when > 0 */
    photogen_icc icc;
    photogen_color color;
    bool progressive;
    size_t truncate;            /* cut this many bytes off the end */
    bool png;                   /* write a real, valid PNG of the same picture
                                   (stb_image_write), to be renamed .jpg */
    photogen_texture texture;
} photogen_options;

typedef struct photogen_result {
    unsigned char *data;  /* malloc'd file bytes; free with photogen_result_free */
    size_t len;
    int quality;          /* the JPEG quality used (0 for PNG) */
    int encodes;          /* trial encodes the window search needed */
    bool in_window;       /* the size (before truncation) is inside the window */
} photogen_result;

/** The in-profile defaults: 960×1280, seed 1, window search, 300 dpi JFIF. */
void photogen_defaults(photogen_options *options);

/** The picture before encoding: width × height × 3 RGB bytes, malloc'd
 *  (caller frees); NULL on OOM.  Tests compare decoded pixels against it. */
unsigned char *photogen_render(const photogen_options *options);

/** Make the file.  false (with a message in why) on OOM or bad options.
 *  When the window cannot be reached the closest result is returned with
 *  in_window false. */
bool photogen_make(const photogen_options *options, photogen_result *out, char *why,
                   size_t why_size);
void photogen_result_free(photogen_result *result);

/** Write bytes to path (not atomically: test data only).  false with errno. */
bool photogen_write(const char *path, const unsigned char *data, size_t len);

/** Write dir/NNNN.jpg for NNNN = start … start+count-1, in-profile photos,
 *  each with seed NNNN, on all cores.  Returns how many were written; the
 *  first failure's message goes to why. */
size_t photogen_batch(const char *dir, int start, int count, char *why, size_t why_size);

#endif /* PHOTOGEN_H */
