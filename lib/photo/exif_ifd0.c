/*
 * exif_ifd0.c — the few IFD0 tags gradpack needs from Exif: Orientation,
 * XResolution, YResolution and ResolutionUnit, read with Debian's libexif
 * (the input is hostile: a maintained parser, not a hand-written one).
 *
 * libexif is told not to "fix" the data (it would otherwise add default
 * tags, e.g. a ResolutionUnit, that the file does not have) and its log is
 * left unattached, so it never prints.
 */
#include "photo_parts.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <string.h>

/* A SHORT or LONG value (count ≥ 1); false for any other type. */
static bool entry_integer(const ExifEntry *e, ExifByteOrder order, unsigned *value)
{
    if (!e || !e->data || e->components < 1)
        return false;
    if (e->format == EXIF_FORMAT_SHORT && e->size >= 2)
        *value = exif_get_short(e->data, order);
    else if (e->format == EXIF_FORMAT_LONG && e->size >= 4)
        *value = exif_get_long(e->data, order);
    else
        return false;
    return true;
}

/* A RATIONAL value with a non-zero denominator. */
static bool entry_rational(const ExifEntry *e, ExifByteOrder order, double *value)
{
    if (!e || !e->data || e->format != EXIF_FORMAT_RATIONAL || e->components < 1 ||
        e->size < 8)
        return false;
    ExifRational r = exif_get_rational(e->data, order);
    if (r.denominator == 0)
        return false;
    *value = (double)r.numerator / r.denominator;
    return true;
}

static int clamp16(unsigned v)
{
    return (int)(v > 65535 ? 65535 : v);
}

bool gpi_exif_read_ifd0(const unsigned char *app1, size_t len, gpi_exif_ifd0 *out)
{
    memset(out, 0, sizeof *out);
    out->resolution_unit = 2;
    static const unsigned char exif_id[6] = {'E', 'x', 'i', 'f', 0, 0};
    const unsigned char *tiff = app1 + sizeof exif_id;
    /* libexif accepts a block without a valid TIFF header and returns empty
     * data; the header is checked here so "not Exif" stays distinguishable */
    if (len < sizeof exif_id + 8 || memcmp(app1, exif_id, sizeof exif_id) != 0)
        return false;
    bool big = tiff[0] == 'M' && tiff[1] == 'M';
    if (!big && !(tiff[0] == 'I' && tiff[1] == 'I'))
        return false;
    if ((big ? (tiff[2] << 8 | tiff[3]) : (tiff[3] << 8 | tiff[2])) != 42)
        return false;
    unsigned long ifd0_at = big ? (unsigned long)tiff[4] << 24 | (unsigned long)tiff[5] << 16 |
                                   (unsigned long)tiff[6] << 8 | tiff[7]
                             : (unsigned long)tiff[7] << 24 | (unsigned long)tiff[6] << 16 |
                                   (unsigned long)tiff[5] << 8 | tiff[4];
    size_t tiff_len = len - sizeof exif_id;
    if (ifd0_at > tiff_len || tiff_len - ifd0_at < 2)
        return false; /* IFD0 is not in the block: unreadable, as libexif would say */
    if (len > 0xFFFF + 2u)
        return false; /* an APP1 segment is at most 65533 bytes */

    ExifData *data = exif_data_new();
    if (!data)
        return false;
    exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_unset_option(data, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
    exif_data_load_data(data, app1, (unsigned int)len);
    ExifByteOrder order = exif_data_get_byte_order(data);
    ExifContent *ifd0 = data->ifd[EXIF_IFD_0];

    unsigned value;
    if (entry_integer(exif_content_get_entry(ifd0, EXIF_TAG_ORIENTATION), order, &value))
        out->orientation = clamp16(value);
    if (entry_integer(exif_content_get_entry(ifd0, EXIF_TAG_RESOLUTION_UNIT), order, &value))
        out->resolution_unit = clamp16(value);
    bool have_x = entry_rational(exif_content_get_entry(ifd0, EXIF_TAG_X_RESOLUTION), order,
                                 &out->x_resolution);
    bool have_y = entry_rational(exif_content_get_entry(ifd0, EXIF_TAG_Y_RESOLUTION), order,
                                 &out->y_resolution);
    out->has_resolution = have_x && have_y;
    exif_data_unref(data);
    return true;
}
