/*
 * fuzz_jpeg.c — libFuzzer harness for JPEG inspection and judging: any
 * bytes must come back as findings, never a crash, hang or leak.
 * Not part of the default build.  Build and run with clang from the
 * source root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c11 \
 *       -Ilib tests/fuzz/fuzz_jpeg.c $(find lib/photo lib/core -name '*.c') \
 *       -DGP_VERSION='"fuzz"' -DGP_SOURCE_DATADIR='"templates"' \
 *       -DGP_INSTALLED_DATADIR='"/nonexistent"' \
 *       -ljpeg -llcms2 -lcrypto -ljansson -linih -lm -lpthread -o fuzz_jpeg
 *   mkdir -p corpus && build-photo/tests/tools/photogen corpus/seed.jpg --quality 20
 *   ./fuzz_jpeg -max_len=65536 -timeout=5 corpus
 */
#include "gp_internal.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_profile profile = {
        .width = 960, .height = 1280, .min_bytes = 563200, .max_bytes = 665600,
        .dpi = 300, .components = 3, .bits = 8, .allow_srgb_icc = true,
    };
    gp_jpeg_info info;
    gp_jpeg_inspect(data, size, &info);
    (void)gp_jpeg_dpi(&info);
    gp_report *report = gp_report_new("fuzz");
    if (report) {
        gp_where where = {.seq = "0001", .file = "0001.jpg"};
        gp_photo_judge(&info, size, &profile, &where, report);
        gp_report_free(report);
    }
    return 0;
}
