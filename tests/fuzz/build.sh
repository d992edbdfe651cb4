#!/usr/bin/env bash
# Build the libFuzzer harnesses (one per parser of untrusted input: JPEG,
# roster CSV, bundle zip, workbooks) with clang, ASan and UBSan into build-fuzz-manual/.  Not
# part of the default build or of CI.  Needs clang (Debian: clang,
# libclang-rt-14-dev).  The meson build does the same with -Dfuzz=true and
# runs each harness briefly as a test (scripts/test.sh, build-fuzz/).  Run
# from anywhere:
#
#   tests/fuzz/build.sh && cd "$(git rev-parse --show-toplevel)" &&
#   ./build-fuzz-manual/fuzz_roster -max_total_time=60 -max_len=65536
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build-fuzz-manual
cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c11 -Ilib
        -DGP_VERSION='"fuzz"' -DGPI_SOURCE_DATADIR="\"$PWD/templates\""
        -DGPI_INSTALLED_DATADIR='"/nonexistent"' -I/usr/include/xlsxwriter -I/usr/include/libxml2)
libs=(-ljpeg -lturbojpeg -llcms2 -lexif -lcrypto -ljansson -linih -lcsv -lzip -lxlsxwriter -licuuc -lxml2 -lfreexl -lm -lpthread)
# the library minus nothing: every harness links all of lib/ (static linking
# drops what it does not use)
mapfile -t sources < <(find lib -name '*.c' | sort)
for harness in jpeg roster bundle workbook; do
  clang "${cflags[@]}" "tests/fuzz/fuzz_$harness.c" "${sources[@]}" "${libs[@]}" \
    -o "build-fuzz-manual/fuzz_$harness"
  echo "built build-fuzz-manual/fuzz_$harness"
done
