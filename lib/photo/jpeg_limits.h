/* Decoding a photo from an untrusted bundle at a bounded cost: the caller
 * (verify) knows the profile and refuses, before decoding, a photo far
 * larger than the profile allows, and caps progressive scans and libjpeg's
 * memory.  docs/limits.md gives the measured worst case. */
#ifndef GP_JPEG_LIMITS_H
#define GP_JPEG_LIMITS_H

#include "gp_internal.h"

typedef struct gp_jpeg_limits {
    uint64_t max_pixels;  /* width × height refused before any decoding; 0 = built-in */
    int max_scans;        /* progressive scans; 0 = built-in (500) */
    long max_memory;      /* libjpeg's max_memory_to_use; 0 = built-in (512 MiB) */
} gp_jpeg_limits;

/** gp_jpeg_inspect_preview within limits (limits NULL = the built-in
 *  ones; preview may be NULL).  A photo over max_pixels is not decoded:
 *  info->decoded false, info->skipped true, width/height set, decode_error
 *  says why.  Too many scans or too much memory stop the decode (decoded
 *  false, decode_error says which). */
void gp_jpeg_inspect_limited(const unsigned char *data, size_t len, gp_jpeg_info *info,
                             const gp_jpeg_limits *limits, int min_width, gp_preview *preview);

#endif
