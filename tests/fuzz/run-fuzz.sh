#!/bin/sh
# run-fuzz.sh FUZZER CORPUS [GEOSTRIP]: fuzzes for GEOSTRIP_FUZZ_SECONDS
# (default 60), growing CORPUS. With GEOSTRIP, first seeds CORPUS with small
# real-format inputs made by `geostrip synth` (GeoTIFFs with several codecs,
# an HDF5 SLC); a harness that makes its own seeds writes them to
# $GEOSTRIP_FUZZ_SEED_DIR. Findings are written beside CORPUS as crash-*,
# leak-* or timeout-* files and fail the test.
set -eu
fuzzer=$(realpath "$1") corpus=$(realpath -m "$2") geostrip=${3:-}
seconds=${GEOSTRIP_FUZZ_SECONDS:-60}
mkdir -p "$corpus"
export GEOSTRIP_FUZZ_SEED_DIR="$corpus"
if [ -n "$geostrip" ]; then
  seeds=$(mktemp -d)
  trap 'rm -rf "$seeds"' EXIT
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  for codec in deflate zstd lzw none; do
    "$geostrip" synth s2 -o "$seeds/s2-$codec" --size 40x24 --tile 16 --compress "$codec" > /dev/null
    cp "$seeds/s2-$codec/B04.tif" "$corpus/s2-$codec.tif"
  done
  "$geostrip" synth dem -o "$seeds/dem" --size 32x32 --tile 16 > /dev/null
  cp "$seeds/dem/dem.tif" "$corpus/dem.tif"
  "$geostrip" synth slc -o "$seeds/slc" --size 24x16 > /dev/null
  cp "$seeds/slc/reference.h5" "$corpus/slc.h5"
fi
cd "$(dirname "$corpus")"
# A corrupt size field makes HDF5 or GDAL ask malloc for absurd amounts; in a
# normal build malloc fails and the library reports an error, so ASan must
# return NULL too rather than abort.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1"
exec "$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -malloc_limit_mb=4096 \
  -print_final_stats=1 "$corpus"
