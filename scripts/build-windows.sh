#!/usr/bin/env bash
# Cross-build gradpack for 64-bit Windows on Debian 12 with mingw-w64 and make
# dist/gradpack-<version>-windows-x64.zip.
#
# Every dependency is built from Debian's own source package (apt-get source:
# apt checks the archive's InRelease signature against the Debian archive
# keyring and the .dsc, .orig and .debian files against the hashes of the
# signed Sources index, as for any download) with its upstream build system,
# as a static library, into a cache outside the checkout:
#   ${GRADPACK_WIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gradpack-win}/<pkg>-<version>/
# A package is rebuilt only when its Debian version changes, so a second run
# builds gradpack alone.
#
# Which suite each package comes from: bookworm (the system's own sources:
# bookworm, bookworm-updates, bookworm-security), except a package whose
# bookworm source the mirror lists but does not serve, which comes from the
# next release, trixie, fetched with apt in an isolated configuration (see
# "the next suite" below).  Today that is libinih alone: deb.debian.org lists
# libinih 55-1 for bookworm but answers 404 for libinih_55.orig.tar.gz, so
# libinih is 59-1 from trixie.  The log says "(trixie)" for such a package.
#
# Usage: scripts/build-windows.sh [--no-install] [--deps-only]
#   --no-install  do not apt-get install the build tools (they are present)
#   --deps-only   build the dependency cache and stop
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

install=1
deps_only=0
for a in "$@"; do
  case $a in
    --no-install) install=0 ;;
    --deps-only) deps_only=1 ;;
    *) echo "build-windows: unknown option $a" >&2; exit 2 ;;
  esac
done

host=x86_64-w64-mingw32
cache=${GRADPACK_WIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gradpack-win}
jobs=${JOBS:-2}
mkdir -p "$cache/src"

run() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
log() { printf 'build-windows: %s\n' "$*" >&2; }

# --- the packages -----------------------------------------------------------
# One line per dependency: Debian source package, build recipe.  Order matters
# (a package may use the ones above it).  Adding a library is one line here
# (plus a recipe function if its build system has none yet).
packages=(
  "zlib          zlib_configure"
  "libjpeg-turbo cmake_jpeg"
  "openssl       openssl_configure"
  "libzip        cmake_libzip"
  "libxlsxwriter cmake_xlsxwriter"
  "libcsv        autotools_libcsv"
  "lcms2         autotools"
  "jansson       cmake_jansson"
  "libinih       meson_inih"
  "libstb        stb_headers"
  "libxml2       cmake_libxml2"
  "freexl        autotools_freexl"
  "libexif       autotools_libexif"
  "dlib          cmake_dlib"
)

# --- tools and source entries -----------------------------------------------
if [[ $install -eq 1 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  # deb-src lines for the same suites, archives and keys as the deb lines.
  src_list=/etc/apt/sources.list.d/gradpack-deb-src.sources
  if [[ ! -f $src_list ]]; then
    tmp=$(mktemp)
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f $f ]] || continue
      awk '/^Types:/ { if ($0 ~ /deb-src/) next; print "Types: deb-src"; next } { print }' "$f" >>"$tmp"
      echo >>"$tmp"
    done
    if [[ -f /etc/apt/sources.list ]]; then
      grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >"$tmp.list" || true
      [[ -s $tmp.list ]] && run install -m 644 "$tmp.list" /etc/apt/sources.list.d/gradpack-deb-src.list
      rm -f "$tmp.list"
    fi
    run install -m 644 "$tmp" "$src_list"
    rm -f "$tmp"
  fi
  run apt-get update -qq
  run apt-get install -y -qq --no-install-recommends \
    gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 mingw-w64-tools nasm cmake meson ninja-build \
    pkg-config dpkg-dev make perl autoconf automake libtool autopoint gettext zip unzip \
    wine64 wine >/dev/null
fi

# --- recipes: $1 = source dir, $2 = install prefix ---------------------------
# C++ (dlib, lib/face/face_dlib.cpp) uses the compiler of the posix thread
# model: the default win32 one of Debian 12's mingw-w64 (gcc 12) has no
# std::mutex, std::call_once or std::thread.  Its threads are winpthreads,
# which the static gradpack.exe contains anyway.
cross_cmake_file=$cache/toolchain.cmake
cat >"$cross_cmake_file" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_C_COMPILER $host-gcc)
set(CMAKE_CXX_COMPILER $host-g++-posix)
set(CMAKE_RC_COMPILER $host-windres)
set(CMAKE_FIND_ROOT_PATH \${GP_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF

deps_prefix=$cache/prefix  # every package is also installed here, for the next ones

cmake_build() { # src prefix extra-args...
  local src=$1 prefix=$2
  shift 2
  cmake -S "$src" -B "$src/_build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$cross_cmake_file" \
    -DGP_PREFIX="$deps_prefix" -DCMAKE_PREFIX_PATH="$deps_prefix" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
    -DBUILD_SHARED_LIBS=OFF "$@" >"$src/_build.log" 2>&1
  cmake --build "$src/_build" -j "$jobs" >>"$src/_build.log" 2>&1
  cmake --install "$src/_build" >>"$src/_build.log" 2>&1
}

zlib_configure() {
  # Debian's zlib source has no win32/ folder (dfsg); its configure handles a
  # mingw CHOST and writes zlib.pc.
  (cd "$1" && CHOST=$host ./configure --static --prefix="$2" && make -j "$jobs" libz.a &&
    make install) >"$1/_build.log" 2>&1
}

cmake_jpeg() {
  # libjpeg-turbo resolves a relative CMAKE_INSTALL_LIBDIR against the working
  # directory, not the prefix: give it absolute
  cmake_build "$1" "$2" -DCMAKE_INSTALL_LIBDIR="$2/lib" -DCMAKE_INSTALL_INCLUDEDIR="$2/include" \
    -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_TURBOJPEG=ON \
    -DWITH_JPEG8=OFF -DCMAKE_ASM_NASM_COMPILER=nasm -DWITH_TESTS=OFF
}

openssl_configure() {
  # libcrypto only, no shared library, no tests, docs or engines: gradpack needs
  # SHA-256 and RAND_bytes, libzip needs AES, HMAC and PBKDF2 for WinZip AES.
  (cd "$1" && ./Configure mingw64 --cross-compile-prefix=$host- --prefix="$2" --libdir=lib \
      no-shared no-tests no-module no-engine no-dso no-legacy no-comp \
      no-ssl3 no-dtls no-srp no-ct no-ocsp no-cms no-ts no-sm2 no-sm3 no-sm4 no-idea no-seed \
      no-rc2 no-rc4 no-rc5 no-md4 no-mdc2 no-whirlpool no-camellia no-aria no-bf no-cast \
      no-des no-gost no-siphash no-blake2 no-scrypt no-ui-console no-async \
      >"$1/_build.log" 2>&1 &&
    make -j "$jobs" build_libs >>"$1/_build.log" 2>&1 &&
    make install_dev >>"$1/_build.log" 2>&1)
}

cmake_libzip() {
  cmake_build "$1" "$2" -DENABLE_OPENSSL=ON -DENABLE_WINDOWS_CRYPTO=OFF -DENABLE_GNUTLS=OFF \
    -DENABLE_MBEDTLS=OFF -DENABLE_COMMONCRYPTO=OFF -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF \
    -DENABLE_ZSTD=OFF -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF \
    -DOPENSSL_ROOT_DIR="$deps_prefix" -DOPENSSL_USE_STATIC_LIBS=ON
}

cmake_xlsxwriter() {
  cmake_build "$1" "$2" -DUSE_SYSTEM_MINIZIP=OFF -DBUILD_TESTS=OFF -DBUILD_EXAMPLES=OFF \
    -DUSE_STATIC_MSVC_RUNTIME=OFF
}

cmake_jansson() {
  cmake_build "$1" "$2" -DJANSSON_BUILD_DOCS=OFF -DJANSSON_EXAMPLES=OFF \
    -DJANSSON_WITHOUT_TESTS=ON -DJANSSON_BUILD_SHARED_LIBS=OFF
}

autotools() { # src prefix extra-configure-args...
  local src=$1 prefix=$2
  shift 2
  (cd "$src" && { [[ -x configure ]] || autoreconf -fi; } &&
    ./configure --host=$host --prefix="$prefix" --enable-static --disable-shared \
      CPPFLAGS="-I$deps_prefix/include" LDFLAGS="-L$deps_prefix/lib" \
      PKG_CONFIG_LIBDIR="$deps_prefix/lib/pkgconfig" "$@" &&
    make -j "$jobs" && make install) >"$src/_build.log" 2>&1
}

cmake_libxml2() {
  # only what reading .xlsx needs: no iconv (mingw has none; libxml2's own
  # UTF-8/UTF-16/Latin-1 suffice), no network, no Python, no compression
  cmake_build "$1" "$2" -DLIBXML2_WITH_PYTHON=OFF -DLIBXML2_WITH_ICONV=OFF \
    -DLIBXML2_WITH_ICU=OFF -DLIBXML2_WITH_LZMA=OFF -DLIBXML2_WITH_ZLIB=OFF \
    -DLIBXML2_WITH_HTTP=OFF -DLIBXML2_WITH_FTP=OFF -DLIBXML2_WITH_MODULES=OFF \
    -DLIBXML2_WITH_TESTS=OFF -DLIBXML2_WITH_PROGRAMS=OFF
}

autotools_libcsv() {
  autotools "$1" "$2" || return 1
  # libcsv installs no .pc file; write the one gradpack's meson.build looks for
  mkdir -p "$2/lib/pkgconfig"
  printf 'prefix=%s\nlibdir=${prefix}/lib\nincludedir=${prefix}/include\n\nName: libcsv\nDescription: CSV parser\nVersion: %s\nLibs: -L${libdir} -lcsv\nCflags: -I${includedir}\n' \
    "$2" "$(sed -n 's/^#define CSV_MAJOR \([0-9]*\)/\1/p' "$1/csv.h")" >"$2/lib/pkgconfig/libcsv.pc"
}

autotools_freexl() {
  # freexl needs iconv, which mingw lacks and Debian 12 has no source of for
  # mingw: a small Win32 iconv (scripts/windows/iconv/) goes in with it
  mkdir -p "$2/lib" "$2/include"
  $host-gcc -O2 -c "$root/scripts/windows/iconv/iconv.c" -o "$1/_iconv.o" &&
    $host-ar rcs "$2/lib/libiconv.a" "$1/_iconv.o" &&
    cp "$root/scripts/windows/iconv/iconv.h" "$root/scripts/windows/iconv/localcharset.h" "$2/include/" || return 1
  autotools "$1" "$2" CPPFLAGS="-I$2/include -I$deps_prefix/include" \
    LDFLAGS="-L$2/lib -L$deps_prefix/lib" LIBS="-liconv" ac_cv_search_locale_charset="none required" || return 1
  # the static library needs the iconv and libm at link time
  sed -i 's/^Libs: \(.*\)/Libs: \1 -liconv -lm/' "$2/lib/pkgconfig/freexl.pc"
}

autotools_libexif() {
  autotools "$1" "$2" --disable-nls --disable-docs
}

cmake_dlib() {
  # Only what lib/face/face_dlib.cpp needs (the HOG detector and the shape
  # predictor are header templates; the library adds serialisation, the
  # embedded detector's decoder and the platform code its headers declare):
  # no GUI, BLAS, LAPACK, CUDA, SQLite, FFT, or image file formats.
  # (DLIB_ISO_CPP_ONLY would leave out the threads its matrix headers include.)
  # SOVERSION: Debian's fix-soname.patch takes the library's version from it,
  # as debian/rules passes it.  apt-get source also fetches and unpacks the
  # 200 MB dlib-models component (about 45 s here); the one model used comes
  # from it below.
  local rc=0
  cmake_build "$1/dlib" "$2" -DDLIB_NO_GUI_SUPPORT=ON -DDLIB_USE_BLAS=OFF -DDLIB_USE_LAPACK=OFF \
    -DDLIB_USE_CUDA=OFF -DDLIB_USE_MKL_FFT=OFF -DDLIB_LINK_WITH_SQLITE3=OFF \
    -DDLIB_JPEG_SUPPORT=OFF -DDLIB_PNG_SUPPORT=OFF -DDLIB_GIF_SUPPORT=OFF -DDLIB_WEBP_SUPPORT=OFF \
    -DDLIB_IN_PROJECT_BUILD=OFF -DSOVERSION=19.1 || rc=$?
  cp "$1/dlib/_build.log" "$1/_build.log"
  [[ $rc -eq 0 ]] || return $rc
  # dlib-1.pc names its Windows libraries without -l and has no prefix= line
  sed -i -e "1i prefix=$2" -e 's|^libdir=.*|libdir=${prefix}/lib|' \
    -e 's|^includedir=.*|includedir=${prefix}/include|' \
    -e 's|^Libs: .*|Libs: -L${libdir} -ldlib -lws2_32 -lwinmm|' "$2/lib/pkgconfig/dlib-1.pc"
  # The 68-point landmark model, from the same verified source package (its
  # dlib-models component): the file libdlib-data installs as
  # /usr/share/dlib/ (debian/libdlib-data.install), with the models' README
  # (where the model comes from, the training data's licence) and LICENSE
  mkdir -p "$2/share/dlib"
  install -m 644 "$1/dlib-models/shape_predictor_68_face_landmarks.dat" "$1/dlib-models/README.md" \
    "$1/dlib-models/LICENSE" "$2/share/dlib/"
}

meson_inih() {
  local cf=$cache/meson-deps.ini
  cat >"$cf" <<EOF
[binaries]
c = '$host-gcc'
cpp = '$host-g++'
ar = '$host-ar'
strip = '$host-strip'
[host_machine]
system = 'windows'
cpu_family = 'x86_64'
cpu = 'x86_64'
endian = 'little'
EOF
  (meson setup "$1/_build" "$1" --cross-file "$cf" --prefix="$2" --libdir=lib \
      --buildtype=release -Ddefault_library=static -Ddistro_install=true &&
    meson compile -C "$1/_build" -j "$jobs" && meson install -C "$1/_build") >"$1/_build.log" 2>&1
}

stb_headers() {
  # Header-only use (gradpack defines the implementation it needs); install as
  # Debian's libstb-dev does, under include/stb/.
  mkdir -p "$2/include/stb"
  cp "$1"/*.h "$2/include/stb/"
}

# --- the next suite ---------------------------------------------------------
# A package whose bookworm source cannot be fetched is taken from trixie (the
# release after bookworm) by apt itself, with a configuration of its own: its
# sources list, index lists and package cache live under $cache/apt-trixie/,
# Dir::Etc::SourceParts points at an empty folder, and the one deb-src line is
# Signed-By the Debian archive keyring (debian-archive-keyring of Debian 12
# holds the trixie signing keys).  So the system's apt sources and lists are
# neither read for nor changed by this, and apt verifies the InRelease
# signature and every file's hash exactly as for the system's own sources.
# The archive is the one the system's bookworm deb-src entry uses.
next_suite=trixie
next_dir=$cache/apt-$next_suite
next_keyring=/usr/share/keyrings/debian-archive-keyring.gpg
next_opts=(-o "Dir::Etc::SourceList=$next_dir/sources.list" -o "Dir::Etc::SourceParts=$next_dir/sources.list.d"
  -o "Dir::State::Lists=$next_dir/lists" -o "Dir::Cache=$next_dir/cache")
next_updated=0
next_suite_update() {
  [[ $next_updated -eq 1 ]] && return 0
  local mirror
  # shellcheck disable=SC2016 # apt's own $(FIELD) placeholders
  mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Identifier: Sources' 2>/dev/null |
    awk '$1 == "bookworm" { print $2; exit }')
  mirror=${mirror:-http://deb.debian.org/debian/}
  mkdir -p "$next_dir/sources.list.d" "$next_dir/lists/partial" "$next_dir/cache/archives/partial"
  echo "deb-src [signed-by=$next_keyring] $mirror $next_suite main" >"$next_dir/sources.list"
  log "reading the $next_suite source index from $mirror (apt configuration: $next_dir)"
  if ! apt-get "${next_opts[@]}" update >"$next_dir/update.log" 2>&1 ||
    grep -qE '^(E:|W: GPG error|W: Failed to fetch)' "$next_dir/update.log"; then
    cat "$next_dir/update.log" >&2
    log "apt-get update of $next_suite failed"
    return 1
  fi
  next_updated=1
}

# The versions of a source package one apt configuration lists, newest first.
src_versions() { # pkg apt-options...
  local pkg=$1
  shift
  apt-cache "$@" showsrc --only-source "$pkg" 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -Vru
}

# --- fetch, build, cache ----------------------------------------------------
build_package() { # source-package recipe
  local pkg=$1 recipe=$2 version="" suite="" dir v
  # The newest version the archives list; an archive that lists a version but
  # no longer serves it (a superseded security update) falls back to the next,
  # and when bookworm serves none, to trixie's.
  local versions next_versions=""
  versions=$(src_versions "$pkg")
  [[ -n $versions ]] || { log "no source package $pkg (deb-src entries missing?)"; exit 1; }
  [[ -d $next_dir/lists ]] && next_versions=$(src_versions "$pkg" "${next_opts[@]}")
  for v in $versions $next_versions; do
    if [[ -f $cache/$pkg-${v//:/_}/.built ]]; then version=$v; break; fi
  done
  if [[ -n $version ]]; then
    dir=$cache/$pkg-${version//:/_}
    suite=$(cat "$dir/.built")
    log "$pkg $version${suite:+ ($suite)}: cached"
  else
    local t0=$SECONDS work
    log "$pkg: fetching and building"
    work=$cache/src/$pkg
    rm -rf "$work"
    mkdir -p "$work"
    # only "not served" (HTTP 404 for a listed file) leads to trixie; any
    # other failure (network, hash mismatch, bad signature) stops the build
    local not_served=1
    for v in $versions; do
      rm -rf "${work:?}"/*
      if (cd "$work" && apt-get source --only-source "$pkg=$v" >"$work/fetch.log" 2>&1); then
        version=$v
        break
      fi
      if grep -q '404  *Not Found' "$work/fetch.log"; then
        log "$pkg $v: not served by the archive (404), trying an older version"
      else
        not_served=0
        log "$pkg $v: apt-get source failed, trying an older version"
      fi
    done
    if [[ -z $version && $not_served -eq 1 ]]; then
      log "$pkg: bookworm serves no version; trying $next_suite"
      next_suite_update || exit 1
      next_versions=$(src_versions "$pkg" "${next_opts[@]}")
      for v in $next_versions; do
        rm -rf "${work:?}"/*
        if (cd "$work" && apt-get "${next_opts[@]}" source --only-source "$pkg=$v" >"$work/fetch.log" 2>&1); then
          version=$v suite=$next_suite
          break
        fi
        log "$pkg $v ($next_suite): not served by the archive, trying an older version"
      done
    fi
    if [[ -z $version ]]; then
      cat "$work/fetch.log" >&2
      log "$pkg: apt-get source failed"
      exit 1
    fi
    dir=$cache/$pkg-${version//:/_}
    rm -rf "$dir"
    local srcdir
    srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
    log "$pkg $version${suite:+ ($suite)}: building"
    if ! (cd "$srcdir" && "$recipe" "$srcdir" "$dir"); then
      tail -40 "$srcdir/_build.log" >&2 || true
      log "$pkg: build failed (log: $srcdir/_build.log)"
      exit 1
    fi
    # the stamp names the suite when it is not bookworm
    printf '%s' "$suite" >"$dir/.built"
    rm -rf "$work"
    log "$pkg $version${suite:+ ($suite)}: built in $((SECONDS - t0)) s"
  fi
  # Merge into the shared prefix the later packages and gradpack build against.
  cp -a "$dir/." "$deps_prefix/"
  rm -f "$deps_prefix/.built"
}

# Earlier versions of this script built a package the mirror did not serve
# from an unverified upstream tree placed by hand in $cache/fallback-src/
# <pkg>-<upstream version>/.  Such builds are dropped (and the trees with
# them), so that only verified sources are ever linked.
if [[ -d $cache/fallback-src ]]; then
  for fb in "$cache"/fallback-src/*/; do
    [[ -d $fb ]] || continue
    fb=$(basename "$fb")
    log "dropping $cache/$fb-* (built from the unverified tree fallback-src/$fb)"
    rm -rf "$cache/$fb"-*
  done
  rm -rf "$cache/fallback-src"
fi

t_start=$SECONDS
rm -rf "$deps_prefix"
mkdir -p "$deps_prefix"
for line in "${packages[@]}"; do
  # shellcheck disable=SC2086
  build_package $line
done
# .pc files carry the package's own prefix: point them at the merged one.
find "$deps_prefix/lib/pkgconfig" -name '*.pc' -exec sed -i "s|^prefix=.*|prefix=$deps_prefix|" {} +
log "dependencies ready in $((SECONDS - t_start)) s"
[[ $deps_only -eq 1 ]] && exit 0

# --- gradpack ---------------------------------------------------------------
version=$(sed -n "s/^ *version : '\([^']*\)'.*/\1/p" meson.build | head -1)
build=build-windows
local_ini=$cache/meson-paths.ini
cat >"$local_ini" <<EOF
[properties]
pkg_config_libdir = ['$deps_prefix/lib/pkgconfig']
[built-in options]
c_args = ['-I$deps_prefix/include']
c_link_args = ['-L$deps_prefix/lib', '-static']
cpp_args = ['-I$deps_prefix/include']
cpp_link_args = ['-L$deps_prefix/lib', '-static']
EOF
# Faces (dlib) are required, not auto: a Windows zip without the content rules
# must not be made by accident.  The landmark model travels in the zip's
# templates folder (templates/dlib/), where gradpack.exe looks by default.
face_model=dlib/shape_predictor_68_face_landmarks.dat
face_opt=(-Dface=enabled -Dface_model=$face_model)
rm -rf "$build"
LIBRARY_PATH="$deps_prefix/lib" meson setup "$build" --cross-file scripts/mingw-w64-x86_64.ini --cross-file "$local_ini" \
  --buildtype=release -Ddefault_library=static -Dprefer_static=true \
  "${face_opt[@]}" >"$build.log" 2>&1 || { cat "$build.log" >&2; exit 1; }
LIBRARY_PATH="$deps_prefix/lib" meson compile -C "$build" -j "$jobs" >>"$build.log" 2>&1 || { tail -60 "$build.log" >&2; exit 1; }
# The build keeps its unstripped gradpack.exe (for addr2line on a crash
# address: Wine prints one); the zip gets a stripped copy.
exe=$build/cmd/gradpack.exe

dlls=$($host-objdump -p "$exe" | awk '/DLL Name:/ { print tolower($3) }' | sort -u)
for d in $dlls; do
  case $d in
    kernel32.dll | user32.dll | advapi32.dll | shell32.dll | ws2_32.dll | crypt32.dll | \
      bcrypt.dll | gdi32.dll | msvcrt.dll | ole32.dll | shlwapi.dll | normaliz.dll | winmm.dll | \
      api-ms-win-*) ;;
    *) log "gradpack.exe needs $d, which Windows does not ship"; exit 1 ;;
  esac
done

# A thread_local with a destructor crashes at thread exit under mingw-w64
# (its storage is freed before the destructor runs: GCC bug 80816); the C++
# runtime's __cxa_thread_atexit is linked in when one exists.
if $host-nm "$exe" | grep -q ' T __cxa_thread_atexit$'; then
  log "gradpack.exe has a thread_local with a destructor (it links __cxa_thread_atexit),"
  log "which mingw-w64 destroys after freeing its storage: use no thread_local objects with destructors"
  exit 1
fi

# --- the zip, made reproducibly --------------------------------------------
stage=$build/stage/gradpack-$version-windows-x64
rm -rf "$build/stage"
mkdir -p "$stage"
$host-strip -o "$stage/gradpack.exe" "$exe"
cp -r templates "$stage/templates"
# the 68-point landmark model (Debian's dlib source, dlib-models component: the
# file libdlib-data installs), with its README (provenance, training data
# licence) and LICENSE
mkdir -p "$stage/templates/dlib"
cp "$deps_prefix/share/dlib/shape_predictor_68_face_landmarks.dat" "$deps_prefix/share/dlib/README.md" \
  "$deps_prefix/share/dlib/LICENSE" "$stage/templates/dlib/"
cp scripts/windows/使用说明.txt "$stage/使用说明.txt"
cp scripts/windows/检查并打包.bat "$stage/检查并打包.bat"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 1700000000)}
find "$stage" -exec touch -h -d "@$epoch" {} +
mkdir -p dist
zipfile=$root/dist/gradpack-$version-windows-x64.zip
rm -f "$zipfile"
# Python's zipfile marks the Chinese names as UTF-8 (general purpose bit
# 11), which Info-ZIP's zip 3.0 does not: Explorer would show mojibake.
python3 - "$build/stage" "gradpack-$version-windows-x64" "$zipfile" "$epoch" <<'PY'
import os, sys, time, zipfile
stage, top, out, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
when = time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
paths = []
for base, dirs, files in os.walk(os.path.join(stage, top)):
    paths += [os.path.join(base, f) for f in files]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for p in sorted(paths, key=lambda p: os.path.relpath(p, stage).encode()):
        info = zipfile.ZipInfo(os.path.relpath(p, stage).replace(os.sep, "/"), when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 0  # MS-DOS attributes: what Windows expects
        info.external_attr = 0x20  # archive bit
        with open(p, "rb") as f:
            z.writestr(info, f.read())
PY
log "wrote dist/gradpack-$version-windows-x64.zip ($(stat -c %s "$zipfile") bytes) in $((SECONDS - t_start)) s"
