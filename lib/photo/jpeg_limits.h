/* Decoding a photo from an untrusted bundle at a bounded cost: the caller
 * (verify) knows the profile and refuses, before decoding, a photo far
 * larger than the profile allows, and caps progressive scans and libjpeg's
 * memory.  docs/limits.md gives the measured worst case. */
#ifndef GPI_JPEG_LIMITS_H
#define GPI_JPEG_LIMITS_H

#include "photo/photo.h"
#include <stdint.h>

typedef struct gpi_jpeg_limits {
    uint64_t max_pixels;  /* width × height refused before any decoding; 0 = built-in */
    int max_scans;        /* progressive scans; 0 = built-in (500) */
    long max_memory;      /* libjpeg's max_memory_to_use; 0 = built-in (512 MiB) */
} gpi_jpeg_limits;

/** gpi_jpeg_inspect_preview within limits (limits NULL = the built-in
 *  ones; preview may be NULL).  A photo over max_pixels is not decoded:
 *  info->decoded false, info->skipped true, width/height set, decode_error
 *  says why.  Too many scans or too much memory stop the decode (decoded
 *  false, decode_error says which). */
void gpi_jpeg_inspect_limited(const unsigned char *data, size_t len, gpi_jpeg_info *info,
                             const gpi_jpeg_limits *limits, int min_width, gpi_preview *preview);

#endif
