#!/bin/bash -eu
# build.sh - ClusterFuzzLite/OSS-Fuzz build: every fuzz target of fuzz/targets.txt into $OUT with
# its seed corpus ($OUT/fuzz_<name>_seed_corpus.zip from corpora/<name>/), options and the
# dictionary they name. Uses the
# engine's $CC, $CFLAGS and $LIB_FUZZING_ENGINE; cJSON is compiled from source with the same
# flags ($SRC/cjson-src from the Dockerfile, else fuzz/fetch_cjson.sh). Runs outside Docker
# too, e.g.:
#   CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   OUT=/tmp/cflite-out SRC=/work WORK=/tmp/cflite-work .clusterfuzzlite/build.sh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -f "$here/../fuzz/CMakeLists.txt" ]; then
    repo="$(cd "$here/.." && pwd)" # run from a checkout
else
    repo="$SRC/conform" # the Docker image: build.sh is copied to $SRC
fi
. "$repo/fuzz/targets.sh"
work="${WORK:-/tmp/cflite-work}"
mkdir -p "$OUT" "$work"

cjson_dir="$(find "$SRC/cjson-src" -mindepth 1 -maxdepth 2 -name cJSON.c -printf '%h\n' 2>/dev/null | head -n 1 || true)"
if [ -z "$cjson_dir" ]; then
    cjson_dir="$("$repo/fuzz/fetch_cjson.sh" "$work/cjson-src")"
fi

# The runner image has none of the build's shared libraries: the targets find the ones they
# need in $OUT/lib through their run path.
cmake -S "$repo" -B "$work/build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
    -DCMAKE_BUILD_TYPE=Release -DCONFORM_FUZZ=ON -DCONFORM_TESTS=OFF \
    -DCONFORM_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DCONFORM_CJSON_SOURCE="$cjson_dir" \
    '-DCONFORM_FUZZ_RPATH=$ORIGIN/lib'
targets="$(fuzz_targets)"
# shellcheck disable=SC2046 # one word per target
cmake --build "$work/build" -j "$(nproc)" --target $(sed 's/^/fuzz_/' <<<"$targets")

mkdir -p "$OUT/lib"
for name in $targets; do
    cp "$work/build/fuzz/fuzz_$name" "$OUT/"
    cp "$repo/fuzz/fuzz_$name.options" "$OUT/"
    cp "$(fuzz_dict "$name")" "$OUT/" # under the name the options give it
    rm -f "$OUT/fuzz_${name}_seed_corpus.zip"
    (cd "$repo/corpora/$name" && zip -q -j "$OUT/fuzz_${name}_seed_corpus.zip" ./*)
    # Shared libraries beyond glibc's (libcurl, libmicrohttpd and what they pull in).
    ldd "$OUT/fuzz_$name" | awk '/=> \// { print $3 }' | while read -r lib; do
        case "$(basename "$lib")" in
        libc.so* | libm.so* | libpthread.so* | libdl.so* | librt.so* | ld-linux* | libresolv.so* | \
            libgcc_s.so* | libstdc++.so*) ;;
        *) cp -n "$lib" "$OUT/lib/" ;;
        esac
    done
done
