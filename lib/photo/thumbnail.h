/* Thumbnails for the HTML report, made from the inspection's preview (the
 * photo decoded once at a small DCT scale), never from a second read. */
#ifndef GP_PHOTO_THUMBNAIL_H
#define GP_PHOTO_THUMBNAIL_H

#include "gp_internal.h"
#include "jpeg_limits.h"

/* The box a thumbnail fits in (3:4 like the photos), and the preview width
 * to ask gp_jpeg_inspect_preview for so that no thumbnail is enlarged. */
#define GP_THUMB_WIDTH 240
#define GP_THUMB_HEIGHT 320
#define GP_THUMB_QUALITY 70

/** Shrink preview (area average) to fit GP_THUMB_WIDTH × GP_THUMB_HEIGHT,
 *  keeping its shape (never enlarged), and encode it as a baseline JPEG at
 *  GP_THUMB_QUALITY with no metadata.  *jpeg is malloc'd.  false (and
 *  *jpeg NULL) when the preview has no pixels or on failure. */
bool gp_thumbnail_encode(const gp_preview *preview, unsigned char **jpeg, size_t *len);

/* What one inspection of a photo is asked to produce besides the facts. */
typedef struct gp_inspect_wants {
    bool thumbnail;               /* out->thumb for the HTML report */
    const gp_jpeg_limits *limits; /* NULL = the built-in limits (a clerk's own photos) */
} gp_inspect_wants;

/** The one inspection of a photo held in memory: out->info, and from the
 *  same decode whatever `wants` asks for (wants may be NULL = facts only). */
void gp_photo_inspect(const unsigned char *data, size_t len, const gp_inspect_wants *wants,
                      gp_photo_result *out);

#endif
