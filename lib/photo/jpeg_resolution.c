/*
 * jpeg_resolution.c — the resolution a photo states, and whether it counts
 * as the profile's dpi.  JFIF comes first (it is what Windows and Photoshop
 * show); Exif XResolution is the fallback when JFIF states no unit.
 *
 * The rounding rule: JFIF stores whole numbers, so 300 dpi in dots/cm is
 * either 118 (299.72 dpi) or 119 (302.26 dpi) depending on the program that
 * rounded 118.11; both count.  A value in dots per inch counts when it
 * rounds to the profile's dpi.
 */
#include "photo/photo.h"

#include <math.h>

#define CM_PER_INCH 2.54

double gpi_jpeg_dpi(const gpi_jpeg_info *info)
{
    if (info->has_jfif && info->density_unit == 1)
        return info->x_density;
    if (info->has_jfif && info->density_unit == 2)
        return info->x_density * CM_PER_INCH;
    if (info->has_exif_resolution)
        return info->exif_x_dpi;
    return 0;
}

static bool dpcm_counts(double dots_per_cm, int dpi)
{
    double exact = dpi / CM_PER_INCH;
    return dots_per_cm >= floor(exact) - 1e-9 && dots_per_cm <= ceil(exact) + 1e-9;
}

static bool dpi_counts(double value, int dpi)
{
    return fabs(value - dpi) < 0.5;
}

bool gpi_jpeg_dpi_matches(const gpi_jpeg_info *info, int dpi)
{
    if (info->has_jfif && info->density_unit == 1)
        return dpi_counts(info->x_density, dpi) && dpi_counts(info->y_density, dpi);
    if (info->has_jfif && info->density_unit == 2)
        return dpcm_counts(info->x_density, dpi) && dpcm_counts(info->y_density, dpi);
    if (!info->has_exif_resolution)
        return false;
    if (info->exif_resolution_unit == 3)
        return dpcm_counts(info->exif_x_dpi / CM_PER_INCH, dpi) &&
               dpcm_counts(info->exif_y_dpi / CM_PER_INCH, dpi);
    return dpi_counts(info->exif_x_dpi, dpi) && dpi_counts(info->exif_y_dpi, dpi);
}
