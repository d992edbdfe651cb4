/*
 * photogen — the command-line face of photogen.h, for samples, benchmarks
 * and trying a defect by hand.  See usage() for the options.
 */
#include "photogen.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: photogen OUT.jpg [options]\n"
          "       photogen --batch DIR N [--start 1]\n"
          "  --width W --height H   picture size (960×1280)\n"
          "  --seed N               varies the figure and texture (1)\n"
          "  --quality Q            fixed JPEG quality; default: search the size window\n"
          "  --target-window        search the quality so the size lands in 563200–665600\n"
          "  --min-bytes N --max-bytes N   another window\n"
          "  --dpi D                resolution (300)\n"
          "  --density-unit 1|2|0   JFIF unit: dpi, dots/cm (dpi/2.54 rounded), none\n"
          "  --density N            raw JFIF density value (e.g. 119 with unit 2)\n"
          "  --exif-dpi-only        no JFIF segment; resolution only in Exif\n"
          "  --orientation N        write Exif orientation N\n"
          "  --icc srgb|adobe       embed an sRGB or Adobe RGB (1998) profile\n"
          "  --cmyk | --ycck | --gray   colour space other than RGB\n"
          "  --progressive          progressive JPEG\n"
          "  --truncate N           cut N bytes off the end\n"
          "  --png                  write a PNG (to be renamed .jpg)\n"
          "  --flat | --noisy       texture: none (cannot reach 550 KB) or heavy grain\n"
          "Prints bytes and quality.  When the window cannot be reached the file is\n"
          "still written, and a note goes to stderr.\n",
          out);
}

static long number(const char *text, const char *option, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || end == text || v < lo || v > hi) {
        fprintf(stderr, "photogen: %s needs a number from %ld to %ld, not '%s'\n", option, lo,
                hi, text);
        exit(2);
    }
    return v;
}

enum {
    OPT_WIDTH = 256, OPT_HEIGHT, OPT_SEED, OPT_QUALITY, OPT_WINDOW, OPT_MIN, OPT_MAX, OPT_DPI,
    OPT_UNIT, OPT_DENSITY, OPT_EXIF_DPI, OPT_ORIENTATION, OPT_ICC, OPT_CMYK, OPT_YCCK,
    OPT_GRAY, OPT_PROGRESSIVE, OPT_TRUNCATE, OPT_PNG, OPT_FLAT, OPT_NOISY, OPT_BATCH,
    OPT_START, OPT_HELP
};

static const struct option long_options[] = {
    {"width", required_argument, NULL, OPT_WIDTH},
    {"height", required_argument, NULL, OPT_HEIGHT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"quality", required_argument, NULL, OPT_QUALITY},
    {"target-window", no_argument, NULL, OPT_WINDOW},
    {"min-bytes", required_argument, NULL, OPT_MIN},
    {"max-bytes", required_argument, NULL, OPT_MAX},
    {"dpi", required_argument, NULL, OPT_DPI},
    {"density-unit", required_argument, NULL, OPT_UNIT},
    {"density", required_argument, NULL, OPT_DENSITY},
    {"exif-dpi-only", no_argument, NULL, OPT_EXIF_DPI},
    {"orientation", required_argument, NULL, OPT_ORIENTATION},
    {"icc", required_argument, NULL, OPT_ICC},
    {"cmyk", no_argument, NULL, OPT_CMYK},
    {"ycck", no_argument, NULL, OPT_YCCK},
    {"gray", no_argument, NULL, OPT_GRAY},
    {"progressive", no_argument, NULL, OPT_PROGRESSIVE},
    {"truncate", required_argument, NULL, OPT_TRUNCATE},
    {"png", no_argument, NULL, OPT_PNG},
    {"flat", no_argument, NULL, OPT_FLAT},
    {"noisy", no_argument, NULL, OPT_NOISY},
    {"batch", no_argument, NULL, OPT_BATCH},
    {"start", required_argument, NULL, OPT_START},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    photogen_options o;
    photogen_defaults(&o);
    bool batch = false;
    long start = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_WIDTH: o.width = (int)number(optarg, "--width", 1, 20000); break;
        case OPT_HEIGHT: o.height = (int)number(optarg, "--height", 1, 20000); break;
        case OPT_SEED: o.seed = (uint32_t)number(optarg, "--seed", 0, 0xFFFFFFFFl); break;
        case OPT_QUALITY: o.quality = (int)number(optarg, "--quality", 1, 100); break;
        case OPT_WINDOW: o.quality = 0; break;
        case OPT_MIN: o.min_bytes = (uint64_t)number(optarg, "--min-bytes", 0, 1l << 40); break;
        case OPT_MAX: o.max_bytes = (uint64_t)number(optarg, "--max-bytes", 0, 1l << 40); break;
        case OPT_DPI: o.dpi = (int)number(optarg, "--dpi", 1, 65535); break;
        case OPT_UNIT: o.density_unit = (int)number(optarg, "--density-unit", 0, 2); break;
        case OPT_DENSITY: o.density = (int)number(optarg, "--density", 1, 65535); break;
        case OPT_EXIF_DPI: o.exif_dpi_only = true; break;
        case OPT_ORIENTATION: o.orientation = (int)number(optarg, "--orientation", 1, 65535); break;
        case OPT_ICC:
            if (strcmp(optarg, "srgb") == 0)
                o.icc = PHOTOGEN_ICC_SRGB;
            else if (strcmp(optarg, "adobe") == 0)
                o.icc = PHOTOGEN_ICC_ADOBE;
            else {
                fprintf(stderr, "photogen: --icc is srgb or adobe, not '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_CMYK: o.color = PHOTOGEN_CMYK; break;
        case OPT_YCCK: o.color = PHOTOGEN_YCCK; break;
        case OPT_GRAY: o.color = PHOTOGEN_GRAY; break;
        case OPT_PROGRESSIVE: o.progressive = true; break;
        case OPT_TRUNCATE: o.truncate = (size_t)number(optarg, "--truncate", 0, 1l << 40); break;
        case OPT_PNG: o.png = true; break;
        case OPT_FLAT: o.texture = PHOTOGEN_TEXTURE_FLAT; break;
        case OPT_NOISY: o.texture = PHOTOGEN_TEXTURE_NOISY; break;
        case OPT_BATCH: batch = true; break;
        case OPT_START: start = number(optarg, "--start", 1, 9999); break;
        case 'h':
        case OPT_HELP: usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    char why[256] = "";
    if (batch) {
        if (argc - optind != 2) {
            usage(stderr);
            return 2;
        }
        int count = (int)number(argv[optind + 1], "N", 0, 9999);
        size_t written = photogen_batch(argv[optind], (int)start, count, why, sizeof why);
        if (why[0])
            fprintf(stderr, "photogen: %s\n", why);
        printf("%zu photos written to %s\n", written, argv[optind]);
        return written == (size_t)count ? 0 : 1;
    }
    if (argc - optind != 1) {
        usage(stderr);
        return 2;
    }
    photogen_result r;
    if (!photogen_make(&o, &r, why, sizeof why)) {
        fprintf(stderr, "photogen: %s\n", why);
        return 1;
    }
    if (!photogen_write(argv[optind], r.data, r.len)) {
        fprintf(stderr, "photogen: cannot write %s: %s\n", argv[optind], strerror(errno));
        photogen_result_free(&r);
        return 1;
    }
    printf("%s: %zu bytes, quality %d, %d encode(s)\n", argv[optind], r.len, r.quality,
           r.encodes);
    if (!o.png && !r.in_window && o.quality == 0)
        fprintf(stderr, "photogen: note: no quality puts this picture in %llu–%llu bytes; "
                "wrote the closest (%zu bytes before truncation)\n",
                (unsigned long long)o.min_bytes, (unsigned long long)o.max_bytes,
                r.len + o.truncate);
    photogen_result_free(&r);
    return 0;
}
