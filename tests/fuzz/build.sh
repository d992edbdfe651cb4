#!/usr/bin/env bash
# Build the libFuzzer harnesses (one per parser of untrusted input: JPEG,
# roster CSV, bundle zip, workbooks) with clang, ASan and UBSan into build-fuzz/.  Not
# part of the default build or of CI.  Needs clang (Debian: clang,
# libclang-rt-14-dev).  Run from anywhere:
#
#   tests/fuzz/build.sh && cd "$(git rev-parse --show-toplevel)" &&
#   ./build-fuzz/fuzz_roster -max_total_time=60 -max_len=65536
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build-fuzz
cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -std=c11 -Ilib
        -DGP_VERSION='"fuzz"' -DGP_SOURCE_DATADIR="\"$PWD/templates\""
        -DGP_INSTALLED_DATADIR='"/nonexistent"' -I/usr/include/xlsxwriter -I/usr/include/libxml2)
libs=(-ljpeg -lturbojpeg -llcms2 -lcrypto -ljansson -linih -lcsv -lzip -lxlsxwriter -lxml2 -lfreexl -lm -lpthread)
# the library minus nothing: every harness links all of lib/ (static linking
# drops what it does not use)
mapfile -t sources < <(find lib -name '*.c' | sort)
for harness in jpeg roster bundle workbook; do
  clang "${cflags[@]}" "tests/fuzz/fuzz_$harness.c" "${sources[@]}" "${libs[@]}" \
    -o "build-fuzz/fuzz_$harness"
  echo "built build-fuzz/fuzz_$harness"
done
