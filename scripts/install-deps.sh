#!/usr/bin/env bash
# Install everything gradpack needs to build and test, from Debian's packages.
# Usage: scripts/install-deps.sh [--bench]   (--bench adds the benchmark's tools)
set -euo pipefail

packages=(
  gcc g++ pkg-config meson ninja-build
  libjpeg62-turbo-dev libturbojpeg0-dev
  libcsv-dev libxlsxwriter-dev libzip-dev libssl-dev
  libjansson-dev libinih-dev liblcms2-dev libstb-dev libexif-dev
  libcmocka-dev libicu-dev libxml2-dev libfreexl-dev
  libdlib-dev libdlib-data
  clang libclang-rt-14-dev
  python3 python3-openpyxl python3-xlwt python3-pil
  zip unzip coreutils strace
  # the Windows build (scripts/build-windows.sh) and its tests under Wine
  gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 mingw-w64-tools nasm cmake dpkg-dev make perl
  autoconf automake libtool autopoint gettext wine64 wine
  chromium fonts-wqy-microhei
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(imagemagick time bc)
fi

run() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

export DEBIAN_FRONTEND=noninteractive
run apt-get update -qq
run apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: ${#packages[@]} packages present"
