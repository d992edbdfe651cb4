/*
 * photo_parts.h — pieces of JPEG inspection shared only inside lib/photo/:
 * the Exif IFD0 reader, the ICC classifier and the content sniffer.  Each
 * works on bytes already in memory and trusts none of them.
 */
#ifndef GPI_PHOTO_PARTS_H
#define GPI_PHOTO_PARTS_H

#include "photo/photo.h"

/* What IFD0 of an Exif block says about display and resolution. */
typedef struct gpi_exif_ifd0 {
    int orientation;      /* 0 when absent */
    bool has_resolution;  /* XResolution and YResolution both readable */
    int resolution_unit;  /* 1 none, 2 inch, 3 cm (2 when absent, per Exif) */
    double x_resolution, y_resolution; /* in resolution_unit */
} gpi_exif_ifd0;

/** Read IFD0 of an APP1 payload that starts with "Exif\0\0".  Returns false
 *  when it is not Exif or its TIFF header is unreadable; entries that point
 *  outside the block are skipped. */
bool gpi_exif_read_ifd0(const unsigned char *app1, size_t len, gpi_exif_ifd0 *out);

/** Classify an ICC profile (lcms2): sRGB, another profile, or unparsable.
 *  The profile's description (printable ASCII, may be "") goes to desc. */
gpi_icc_kind gpi_icc_classify(const unsigned char *icc, size_t len, char *desc, size_t desc_size);

/** What non-JPEG content looks like by its magic bytes ("PNG", "HEIC", ...,
 *  "空文件" when empty), or NULL when unrecognised.  Static string. */
const char *gpi_sniff_format(const unsigned char *data, size_t len);

#endif /* GPI_PHOTO_PARTS_H */
