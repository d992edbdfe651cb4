/*
 * content_sniff.c — naming what a file that is not a JPEG actually is, so
 * the clerk hears "this is a PNG renamed to .jpg" rather than "bad file".
 * Only magic bytes at the start are looked at.
 */
#include "photo_parts.h"
#include "core/base.h"

#include <string.h>

static bool starts_with(const unsigned char *data, size_t len, const void *magic, size_t n)
{
    return len >= n && memcmp(data, magic, n) == 0;
}

/* ISO base media files (HEIC, AVIF) start with a box "....ftyp<brand>". */
static const char *iso_media_kind(const unsigned char *data, size_t len)
{
    if (len < 12 || memcmp(data + 4, "ftyp", 4) != 0)
        return NULL;
    static const char *const heif_brands[] = {"heic", "heix", "hevc", "heim", "heis",
                                              "hevm", "hevs", "mif1", "msf1"};
    for (size_t i = 0; i < GPI_ARRAY_LEN(heif_brands); i++)
        if (memcmp(data + 8, heif_brands[i], 4) == 0)
            return "HEIC";
    if (memcmp(data + 8, "avif", 4) == 0 || memcmp(data + 8, "avis", 4) == 0)
        return "AVIF";
    return "MP4/QuickTime";
}

const char *gpi_sniff_format(const unsigned char *data, size_t len)
{
    if (len == 0)
        return "空文件";
    if (starts_with(data, len, "\x89PNG\r\n\x1a\n", 8))
        return "PNG";
    if (starts_with(data, len, "GIF87a", 6) || starts_with(data, len, "GIF89a", 6))
        return "GIF";
    if (len >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0)
        return "WebP";
    if (starts_with(data, len, "%PDF", 4))
        return "PDF";
    if (starts_with(data, len, "II*\0", 4) || starts_with(data, len, "MM\0*", 4))
        return "TIFF";
    /* "BM", file size, then four reserved zero bytes */
    if (len >= 14 && starts_with(data, len, "BM", 2) && memcmp(data + 6, "\0\0\0\0", 4) == 0)
        return "BMP";
    return iso_media_kind(data, len);
}
