/*
 * photo.h — what lib/photo offers the others: the photo folder, JPEG
 * inspection and judging against the profile.
 */
#ifndef GPI_PHOTO_H
#define GPI_PHOTO_H

#include "core/findings.h"

#define GPI_MAX_PHOTO_READ_BYTES (64u << 20)   /* a photo file read into memory */

struct gpi_photo_dir;

typedef struct gpi_photo_file {
    char seq[5];        /* "0001" */
    char *name;         /* as found: "0001.JPG" */
    char *path;         /* dir + "/" + name (for messages) */
    uint64_t size;      /* from stat */
    const struct gpi_photo_dir *folder; /* read relative to its fd; NULL: by path */
} gpi_photo_file;

typedef struct gpi_photo_dir {
    gpi_photo_file *files;  /* one per photo number, sorted by seq */
    size_t count;
    int fd;                /* the folder, open from the scan to the free: photos
                              are read relative to it, never by re-resolving
                              the path (lib/core/os.h) */
} gpi_photo_dir;

/** List `dir`: photos named NNNN.jpg/.jpeg (any case) become files; two for
 *  one number -> photo.ambiguous (the first by name is kept); stray files ->
 *  info (Thumbs.db, desktop.ini, .DS_Store silently ignored).  Only regular
 *  files (or symlinks to them) are listed: a photo name that is a FIFO, a
 *  device or a broken link -> photo.unreadable, never opened.  gradpack's
 *  own files (.gradpack.lock, temporary outputs) are ignored silently.  The
 *  folder is opened once and listed and read by that fd.  NULL with err
 *  set when the folder cannot be opened. */
gpi_photo_dir *gpi_photo_dir_scan(const char *dir, gp_report *report, gp_error *err);
void gpi_photo_dir_free(gpi_photo_dir *photos);

typedef enum gpi_jpeg_color {
    GPI_JCOLOR_UNKNOWN, GPI_JCOLOR_GRAY, GPI_JCOLOR_YCBCR, GPI_JCOLOR_RGB,
    GPI_JCOLOR_CMYK, GPI_JCOLOR_YCCK
} gpi_jpeg_color;

typedef enum gpi_icc_kind { GPI_ICC_NONE, GPI_ICC_SRGB, GPI_ICC_OTHER, GPI_ICC_BROKEN } gpi_icc_kind;

typedef struct gpi_jpeg_info {
    bool is_jpeg;            /* starts with the SOI marker (FF D8 FF); width is
                                0 when no frame header could be read after it */
    const char *looks_like;  /* when !is_jpeg: what the content looks like
                                ("PNG", "GIF", "HEIC", "BMP", "WebP", "PDF",
                                "TIFF", "空文件"), NULL when unrecognised; static */
    bool decoded;            /* the whole image decoded without error */
    bool skipped;            /* not decoded because a caller's limit refused it
                                (gpi_jpeg_inspect_limited): not damage, the caller
                                reports the limit */
    char decode_error[512];  /* libjpeg's message (Chinese, the original in parentheses) when !decoded */
    int width, height;
    int components;
    int bits;                /* sample precision */
    gpi_jpeg_color color;
    bool progressive;
    bool has_jfif;
    int density_unit;        /* JFIF: 0 none, 1 dpi, 2 dots/cm */
    int x_density, y_density;
    bool has_exif_resolution;
    int exif_resolution_unit; /* Exif ResolutionUnit: 2 inch, 3 cm */
    double exif_x_dpi, exif_y_dpi; /* converted to dots per inch */
    int orientation;         /* Exif orientation, 1 when absent */
    gpi_icc_kind icc;
    char icc_description[64];
} gpi_jpeg_info;

/** Inspect a JPEG held in memory: headers, metadata, and a full (DCT-scaled)
 *  decode so a truncated or corrupt file never passes.  Thread-safe; no I/O;
 *  never exits or crashes on hostile input. */
void gpi_jpeg_inspect(const unsigned char *data, size_t len, gpi_jpeg_info *info);

/* The picture at a small DCT scale: what the content rules measure and the
 * HTML report's thumbnail is made from, so that each photo is decoded once.
 * RGB, 8 bits, rows top to bottom, as stored (Exif orientation not applied:
 * the agency judges the stored picture). */
typedef struct gpi_preview {
    unsigned char *rgb;   /* width × height × 3 bytes, malloc'd; NULL when none */
    int width, height;
    int scale_num;        /* decoded at scale_num/8 of the photo's size */
} gpi_preview;

/** gpi_jpeg_inspect, and when the whole picture decodes, a preview at the
 *  smallest scale M/8 whose width is at least min_width (the whole photo
 *  when it is narrower).  preview may be NULL (then the decode runs at 1/8,
 *  fastest).  On failure preview->rgb stays NULL.  Free with
 *  gpi_preview_free. */
void gpi_jpeg_inspect_preview(const unsigned char *data, size_t len, gpi_jpeg_info *info,
                             int min_width, gpi_preview *preview);
void gpi_preview_free(gpi_preview *preview);

/** The effective horizontal resolution in dpi: the JFIF density when its
 *  unit is dpi (1) or dots/cm (2, times 2.54), else Exif XResolution, else
 *  0 (unknown). */
double gpi_jpeg_dpi(const gpi_jpeg_info *info);
/** Whether both axes' resolution counts as `dpi`.  In dots per inch the
 *  value must round to dpi (|v - dpi| < 0.5).  JFIF can store only whole
 *  dots/cm, so a dots/cm value counts when it lies between floor(dpi/2.54)
 *  and ceil(dpi/2.54) inclusive: 118 and 119 dots/cm count as 300 dpi. */
bool gpi_jpeg_dpi_matches(const gpi_jpeg_info *info, int dpi);

/** Judge an inspected photo against the profile, adding photo.* findings
 *  at `where`.  Returns the number of error findings added. */
int gpi_photo_judge(const gpi_jpeg_info *info, uint64_t file_size,
                   const gp_profile *profile, const gpi_where *where, gp_report *report);

#endif
