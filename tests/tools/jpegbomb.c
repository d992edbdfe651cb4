/*
 * jpegbomb — a progressive JPEG with many scans: the "small file, minutes of
 * CPU" attack verify must bound (issue 9).  A flat grey picture compresses to
 * almost nothing; a custom scan script splits every component's spectrum into
 * one-coefficient bands, first at reduced precision (Al = 1) and then refined,
 * which gives up to 1 + 3 x 63 x 2 + 3 = 382 scans for a colour image.
 *
 *   jpegbomb OUT.jpg WIDTH HEIGHT SCANS [--sof WxH | --noise]
 *
 * SCANS cuts the script (any prefix of a valid progression is valid).  --sof
 * writes other dimensions into the frame header afterwards: a header that
 * claims 8000x8000 without the memory and minutes it takes to make one.
 * --noise fills the picture with pseudo-random grey levels instead (every
 * coefficient non-zero: the costliest scans, and a much larger file).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

static jpeg_scan_info *scan_script(int components, int limit, int *count)
{
    int cap = 1 + components * 63 * 2 + components + 1;
    jpeg_scan_info *s = calloc((size_t)cap, sizeof *s);
    if (!s)
        return NULL;
    int n = 0;
    /* DC of all components at once (interleaved), reduced precision */
    s[n].comps_in_scan = components;
    for (int c = 0; c < components; c++)
        s[n].component_index[c] = c;
    s[n].Ss = 0, s[n].Se = 0, s[n].Ah = 0, s[n].Al = 1;
    n++;
    for (int c = 0; c < components; c++)
        for (int k = 1; k <= 63; k++) {
            s[n].comps_in_scan = 1, s[n].component_index[0] = c;
            s[n].Ss = k, s[n].Se = k, s[n].Ah = 0, s[n].Al = 1;
            n++;
        }
    s[n].comps_in_scan = components; /* DC refinement */
    for (int c = 0; c < components; c++)
        s[n].component_index[c] = c;
    s[n].Ss = 0, s[n].Se = 0, s[n].Ah = 1, s[n].Al = 0;
    n++;
    for (int c = 0; c < components; c++)
        for (int k = 1; k <= 63; k++) {
            s[n].comps_in_scan = 1, s[n].component_index[0] = c;
            s[n].Ss = k, s[n].Se = k, s[n].Ah = 1, s[n].Al = 0;
            n++;
        }
    *count = limit > 0 && limit < n ? limit : n;
    return s;
}

/* Rewrite the first SOFn's height and width. */
static int patch_sof(unsigned char *data, size_t len, unsigned w, unsigned h)
{
    for (size_t i = 2; i + 9 < len;) {
        if (data[i] != 0xFF)
            return -1;
        unsigned char m = data[i + 1];
        size_t seg = (size_t)data[i + 2] << 8 | data[i + 3];
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            data[i + 5] = (unsigned char)(h >> 8), data[i + 6] = (unsigned char)h;
            data[i + 7] = (unsigned char)(w >> 8), data[i + 8] = (unsigned char)w;
            return 0;
        }
        i += 2 + seg;
    }
    return -1;
}

int main(int argc, char **argv)
{
    bool noise = argc == 6 && strcmp(argv[5], "--noise") == 0;
    if (argc != 5 && argc != 7 && !noise) {
        fprintf(stderr, "usage: jpegbomb OUT.jpg WIDTH HEIGHT SCANS [--sof WxH | --noise]\n");
        return 2;
    }
    int width = atoi(argv[2]), height = atoi(argv[3]), scans = atoi(argv[4]);
    unsigned sof_w = 0, sof_h = 0;
    if (argc == 7 && (strcmp(argv[5], "--sof") != 0 ||
                      sscanf(argv[6], "%ux%u", &sof_w, &sof_h) != 2)) {
        fprintf(stderr, "jpegbomb: --sof WxH expected\n");
        return 2;
    }
    if (width <= 0 || height <= 0 || width > 65500 || height > 65500) {
        fprintf(stderr, "jpegbomb: bad size\n");
        return 2;
    }
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long out_len = 0;
    jpeg_mem_dest(&c, &out, &out_len);
    c.image_width = (JDIMENSION)width;
    c.image_height = (JDIMENSION)height;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    int count = 0;
    jpeg_scan_info *script = scan_script(c.num_components, scans, &count);
    if (!script)
        return 1;
    c.scan_info = script;
    c.num_scans = count;
    jpeg_start_compress(&c, TRUE);
    unsigned char *row = malloc((size_t)width * 3);
    if (!row)
        return 1;
    memset(row, 128, (size_t)width * 3);
    JSAMPROW rows[1] = {row};
    unsigned seed = 12345;
    while (c.next_scanline < c.image_height) {
        for (int x = 0; noise && x < width; x++) {
            seed = seed * 1103515245u + 12345u;
            memset(row + 3 * x, (int)(seed >> 24), 3);
        }
        jpeg_write_scanlines(&c, rows, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    if (sof_w && patch_sof(out, out_len, sof_w, sof_h) != 0) {
        fprintf(stderr, "jpegbomb: no frame header to patch\n");
        return 1;
    }
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0) {
        perror(argv[1]);
        return 1;
    }
    fprintf(stderr, "jpegbomb: %s %dx%d, %d scans, %lu bytes\n", argv[1], width, height, count,
            out_len);
    free(out);
    free(row);
    free(script);
    return 0;
}
