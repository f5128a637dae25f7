#!/usr/bin/python3
"""What a DEFLATE level costs overview tiles: time and bytes by sample type.

    tests/perf/overview-levels.py [--geostrip build/apps/geostrip]
        [--bench-tiles build/tests/geostrip_bench_tiles] [--size 4096x4096] [--work DIR]

Makes NDVI (Float32), RGB (Byte RGBA), slope (Float32), hillshade (Byte), a
DEM (Float32) and a band (UInt16) with geostrip, takes each one's first
overview as GDAL makes it (gdal_translate -outsize 50% 50%, average; nearest
for RGB), and encodes it with geostrip's own tile encoder on one thread
(geostrip_bench_tiles: 512-pixel tiles, DEFLATE, predictor 2 or 3) at levels
1 (igzip's), 4 and 6 (libdeflate's), and with GDAL at its level 1
(libdeflate's, as geostrip's level 1 was): the CPU nanoseconds a pixel (best
of 3) and the bytes against level 4. The user guide's "Overview level"
quotes this table.
"""
import argparse
import os
import subprocess
import tempfile
import time

from osgeo import gdal

gdal.UseExceptions()
LEVELS = (1, 4, 6)  # geostrip's


def gdal_encode_seconds(source, level, predictor):
    """CPU seconds and bytes of `source` encoded by GDAL at DEFLATE `level`, best of 3."""
    options = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", f"PREDICTOR={predictor}",
               f"ZLEVEL={level}", "NUM_THREADS=1"]
    best = None
    for _ in range(3):
        start = time.process_time()
        gdal.GetDriverByName("GTiff").CreateCopy("/vsimem/level.tif", source, options=options)
        seconds = time.process_time() - start
        best = seconds if best is None else min(best, seconds)
    size = gdal.VSIStatL("/vsimem/level.tif").size
    gdal.Unlink("/vsimem/level.tif")
    return best, size


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geostrip", default="build/apps/geostrip")
    parser.add_argument("--bench-tiles", default="build/tests/geostrip_bench_tiles")
    parser.add_argument("--size", default="4096x4096")
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="geostrip-overview-levels-")
    geostrip = os.path.abspath(args.geostrip)

    def run(*command):
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    scene, dem = os.path.join(work, "s"), os.path.join(work, "d")
    run(geostrip, "synth", "s2", "-o", scene, "--size", args.size)
    run(geostrip, "synth", "dem", "-o", dem, "--size", args.size)
    band = lambda name: os.path.join(scene, name + ".tif")
    outputs = {
        "Float32 NDVI": ["ndi", "-i", "a=" + band("B08"), "-i", "b=" + band("B04")],
        "Float32 slope": ["slope", "-i", "dem=" + os.path.join(dem, "dem.tif")],
        "Byte RGBA": ["rgb", "-i", "red=" + band("B04"), "-i", "green=" + band("B03"), "-i", "blue=" + band("B02")],
        "Byte hillshade": ["hillshade", "-i", "dem=" + os.path.join(dem, "dem.tif")],
    }
    full = {"Float32 DEM": os.path.join(dem, "dem.tif"), "UInt16 B08": band("B08")}
    for name, operation in outputs.items():
        full[name] = os.path.join(work, name.replace(" ", "-") + ".tif")
        run(geostrip, "run", *operation, "-o", full[name], "--progress", "none", "--overwrite", "--no-resume")

    print("| pixels | " + " | ".join(f"level {level}" for level in LEVELS) + " | GDAL's level 1 (libdeflate) |")
    print("|---|" + "---|" * (len(LEVELS) + 1))
    overview_path = os.path.join(work, "overview.tif")
    for name, path in full.items():
        method = "nearest" if name == "Byte RGBA" else "average"
        overview = gdal.Translate(overview_path, path, widthPct=50, heightPct=50, resampleAlg=method)
        pixels = overview.RasterXSize * overview.RasterYSize
        predictor = 3 if "Float" in name else 2
        overview.FlushCache()  # for geostrip_bench_tiles to read
        lines = subprocess.run([args.bench_tiles, overview_path, *map(str, LEVELS)], check=True,
                               capture_output=True, text=True).stdout.split("\n")
        results = {int(level): (float(ns), int(size)) for level, ns, size in (line.split() for line in lines if line)}
        seconds, size = gdal_encode_seconds(overview, 1, predictor)
        results["gdal"] = (seconds / pixels * 1e9, size)
        base = results[4][1]
        cells = [f"{ns:.1f}, {100 * (size / base - 1):+.1f}%" for ns, size in results.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")
        overview = None
        os.remove(overview_path)

if __name__ == "__main__":
    main()
