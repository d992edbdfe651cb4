#!/usr/bin/env bash
# Regenerate the samples from the generators in tests/tools: a roster of six
# fake students (valid ID check digits, not real people) and six generated
# head-and-shoulders photos on the standard light-blue background.  The same
# command gives the same bytes.  Usage: samples/make-samples.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export GRADPACK_DATADIR=$PWD/templates
"$build/tests/tools/rostergen" 6 --seed 2021 >samples/roster.csv
rm -rf samples/photos
mkdir -p samples/photos
"$build/tests/tools/photogen" --batch samples/photos 6 >/dev/null
echo "samples: $(ls samples/photos | wc -l) photos, $(($(wc -l <samples/roster.csv) - 1)) rows"
