/*
 * exif_ifd0.c — the few IFD0 tags gradpack needs from Exif: Orientation,
 * XResolution, YResolution and ResolutionUnit.  Debian's libexif would do
 * it too, but it is not among our dependencies and IFD0 is a flat list of
 * 12-byte entries, so this bounded reader (both byte orders, every offset
 * checked against the block) is all that is needed.
 */
#include "photo_parts.h"

#include <string.h>

enum {
    TAG_ORIENTATION = 0x0112,
    TAG_X_RESOLUTION = 0x011A,
    TAG_Y_RESOLUTION = 0x011B,
    TAG_RESOLUTION_UNIT = 0x0128,
    TYPE_SHORT = 3,
    TYPE_LONG = 4,
    TYPE_RATIONAL = 5,
    ENTRY_BYTES = 12,
};

typedef struct tiff {
    const unsigned char *p;
    size_t len;
    bool big_endian;
} tiff;

static unsigned read16(const tiff *t, size_t at)
{
    const unsigned char *b = t->p + at;
    return t->big_endian ? (unsigned)(b[0] << 8 | b[1]) : (unsigned)(b[1] << 8 | b[0]);
}

static uint32_t read32(const tiff *t, size_t at)
{
    const unsigned char *b = t->p + at;
    if (t->big_endian)
        return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* A SHORT or LONG held in the entry's value field (count 1). */
static bool entry_integer(const tiff *t, size_t entry, unsigned *value)
{
    unsigned type = read16(t, entry + 2);
    if (read32(t, entry + 4) < 1)
        return false;
    if (type == TYPE_SHORT)
        *value = read16(t, entry + 8);
    else if (type == TYPE_LONG)
        *value = read32(t, entry + 8);
    else
        return false;
    return true;
}

/* A RATIONAL stored at the offset in the entry's value field. */
static bool entry_rational(const tiff *t, size_t entry, double *value)
{
    if (read16(t, entry + 2) != TYPE_RATIONAL || read32(t, entry + 4) < 1)
        return false;
    uint32_t offset = read32(t, entry + 8);
    if (offset > t->len || t->len - offset < 8)
        return false;
    uint32_t num = read32(t, offset), den = read32(t, offset + 4);
    if (den == 0)
        return false;
    *value = (double)num / den;
    return true;
}

bool gp_exif_read_ifd0(const unsigned char *app1, size_t len, gp_exif_ifd0 *out)
{
    memset(out, 0, sizeof *out);
    out->resolution_unit = 2;
    static const unsigned char exif_id[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (len < sizeof exif_id + 8 || memcmp(app1, exif_id, sizeof exif_id) != 0)
        return false;
    tiff t = {.p = app1 + sizeof exif_id, .len = len - sizeof exif_id};
    if (t.p[0] == 'I' && t.p[1] == 'I')
        t.big_endian = false;
    else if (t.p[0] == 'M' && t.p[1] == 'M')
        t.big_endian = true;
    else
        return false;
    if (read16(&t, 2) != 42)
        return false;
    uint32_t ifd = read32(&t, 4);
    if (ifd > t.len || t.len - ifd < 2)
        return false;
    size_t count = read16(&t, ifd);
    size_t room = (t.len - ifd - 2) / ENTRY_BYTES;
    if (count > room)
        count = room; /* a truncated directory: read the entries that are there */

    bool have_x = false, have_y = false;
    for (size_t i = 0; i < count; i++) {
        size_t entry = ifd + 2 + i * ENTRY_BYTES;
        unsigned value;
        switch (read16(&t, entry)) {
        case TAG_ORIENTATION:
            if (entry_integer(&t, entry, &value))
                out->orientation = (int)(value > 65535 ? 65535 : value);
            break;
        case TAG_RESOLUTION_UNIT:
            if (entry_integer(&t, entry, &value))
                out->resolution_unit = (int)(value > 65535 ? 65535 : value);
            break;
        case TAG_X_RESOLUTION:
            have_x = entry_rational(&t, entry, &out->x_resolution);
            break;
        case TAG_Y_RESOLUTION:
            have_y = entry_rational(&t, entry, &out->y_resolution);
            break;
        default:
            break;
        }
    }
    out->has_resolution = have_x && have_y;
    return true;
}
