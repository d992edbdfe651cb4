/* Thumbnails for the HTML report, made from the inspection's preview (the
 * photo decoded once at a small DCT scale), never from a second read. */
#ifndef GPI_PHOTO_THUMBNAIL_H
#define GPI_PHOTO_THUMBNAIL_H

#include "check/check.h"
#include "photo/jpeg_limits.h"

/* The box a thumbnail fits in (3:4 like the photos), and the preview width
 * to ask gpi_jpeg_inspect_preview for so that no thumbnail is enlarged. */
#define GPI_THUMB_WIDTH 240
/* The preview the inspection keeps when a thumbnail or the content rules
 * want pixels: the smallest DCT scale at least this wide. */
#define GPI_PREVIEW_WIDTH 240
#define GPI_THUMB_HEIGHT 320
#define GPI_THUMB_QUALITY 70

/** Shrink preview (area average) to fit GPI_THUMB_WIDTH × GPI_THUMB_HEIGHT,
 *  keeping its shape (never enlarged), and encode it as a baseline JPEG at
 *  GPI_THUMB_QUALITY with no metadata.  *jpeg is malloc'd.  false (and
 *  *jpeg NULL) when the preview has no pixels or on failure. */
bool gpi_thumbnail_encode(const gpi_preview *preview, unsigned char **jpeg, size_t *len);

/* What one inspection of a photo is asked to produce besides the facts. */
typedef struct gpi_inspect_wants {
    bool thumbnail;               /* out->thumb for the HTML report */
    bool content;                 /* out->measure: the content rules' measurements */
    const gpi_jpeg_limits *limits; /* NULL = the built-in limits (a clerk's own photos) */
} gpi_inspect_wants;

/** The one inspection of a photo held in memory: out->info, and from the
 *  same decode whatever `wants` asks for (wants may be NULL = facts only). */
void gpi_photo_inspect(const unsigned char *data, size_t len, const gpi_inspect_wants *wants,
                      gpi_photo_result *out);

#endif
