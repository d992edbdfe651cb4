/*
 * fuzz_jpeg.c — libFuzzer harness for JPEG inspection and judging: any
 * bytes must come back as findings, never a crash, hang or leak.
 * Not part of the default build: tests/fuzz/build.sh builds every harness
 * with clang; then
 *
 *   mkdir -p corpus && build/tests/tools/photogen corpus/seed.jpg --quality 20
 *   ./build-fuzz/fuzz_jpeg -max_len=65536 -timeout=5 corpus
 */
#include "core/findings.h"
#include "core/profile.h"
#include "photo/photo.h"
#include "photo/jpeg_limits.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static gp_profile profile = {
        .width = 960, .height = 1280, .min_bytes = 563200, .max_bytes = 665600,
        .dpi = 300, .components = 3, .bits = 8, .allow_srgb_icc = true,
    };
    gpi_jpeg_info info;
    /* verify's bounded decode (pixels, scans, memory) first, then check's */
    gpi_jpeg_limits limits = {.max_pixels = 4ull * 960 * 1280, .max_scans = 64,
                             .max_memory = 64l << 20};
    gpi_jpeg_inspect_limited(data, size, &info, &limits, 0, NULL);
    gpi_jpeg_inspect(data, size, &info);
    (void)gpi_jpeg_dpi(&info);
    gp_report *report = gp_report_new("fuzz");
    if (report) {
        gpi_where where = {.seq = "0001", .file = "0001.jpg"};
        gpi_photo_judge(&info, size, &profile, &where, report);
        gp_report_free(report);
    }
    return 0;
}
