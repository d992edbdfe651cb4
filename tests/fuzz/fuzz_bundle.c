/*
 * fuzz_bundle.c — libFuzzer harness for reading untrusted zips: the bytes
 * are written to a temporary file, opened with the bundle reader (names,
 * types, limits) and every accepted entry is read within its limit.  Never
 * a crash, hang, leak or an unbounded read.  Build with tests/fuzz/build.sh;
 * run: ./build-fuzz/fuzz_bundle -max_len=1048576 corpus-bundle
 */
#include "verify/reader.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/gp-fuzz-bundle-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "wb");
    fwrite(data, 1, size, f);
    fclose(f);

    gp_report *report = gp_report_new("fuzz");
    gp_error err = {0};
    gpi_bundle *bundle = gpi_bundle_open(path, NULL, "fuzz.zip", report, &err);
    if (bundle) {
        gpi_bundle_limits limits;
        gpi_bundle_limits_for(NULL, &limits);
        limits.max_file_bytes = 1u << 20;
        limits.max_photo_bytes = 1u << 20;
        limits.max_total_bytes = 8u << 20;
        gpi_bundle_set_limits(bundle, &limits);
        gpi_bundle_reader *reader = gpi_bundle_reader_new(bundle, &err);
        for (size_t i = 0; reader && i < gpi_bundle_count(bundle); i++) {
            gpi_entry_read r = {0};
            gpi_bundle_read(reader, i, &r);
            free(r.data);
        }
        gpi_bundle_reader_free(reader);
        gpi_bundle_close(bundle);
    }
    gp_report_free(report);
    unlink(path);
    return 0;
}
