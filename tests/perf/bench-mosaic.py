#!/usr/bin/python3
"""A mosaic across two UTM zones: geostrip against gdalwarp, in one run.

    tests/perf/bench-mosaic.py [--geostrip build/apps/geostrip] [--size 8780x8780]
                               [--repeats 3] [--work DIR] [--docs docs/perf]

`geostrip synth s2 --tiles 4x4 --overlap 32 --utm-split` cuts a Sentinel-2-like
scene into 16 tiles a band, the eastern half in the neighbouring UTM zone.
The job: NDVI (ndi of B08 and B04) of the mosaic on the first tile's grid,
written tiled DEFLATE with predictor 3, resampled bilinear and nearest.
Compared, at 2 threads:

  geostrip          ndi of the two 16-tile mosaics in one run, with exact
                    transforms (the default; for nearest, exact picks) and,
                    bilinear, with --transform-error 0.125
  gdalwarp + ...    gdalwarp -multi -wo NUM_THREADS=2 of each band's tiles
                    onto the same grid (tiled, DEFLATE, predictor 2), then
                    the same ndi by geostrip, or by gdal_calc.py

gdalwarp runs with -et 0 (exact, the pixels geostrip makes by default) and,
bilinear, with its default error threshold (0.125 pixel, an approximated
transform, as geostrip's --transform-error 0.125).
Median wall seconds and peak RSS of --repeats runs go to docs/perf/mosaic.md.
Not part of ctest: speed is measured, not asserted.
"""
import json
import os
import shutil
import subprocess

from bench_support import median, setup
from peers import INTEGER_CO, gdal_calc_ndi


def main():
    args, work = setup(__doc__, "geostrip-mosaic-")
    geostrip, docs = args.geostrip, args.docs
    if not os.path.exists("scene/B04.tiles.txt"):
        subprocess.run([geostrip, "synth", "s2", "-o", "scene", "--size", args.size, "--tiles", "4x4", "--overlap", "32",
                        "--utm-split", "--overwrite"], check=True, capture_output=True)
    b08 = open("scene/B08.tiles.txt").read().split()
    b04 = open("scene/B04.tiles.txt").read().split()
    print(f"scene {args.size}, {len(b08)} tiles a band, {args.repeats} runs each, in {work}")

    results = []

    def add(tool, seconds, rss, parts, same):
        """`same`: the index of the geostrip row at the same method and precision."""
        results.append({"tool": tool, "seconds": seconds, "rss": rss, "parts": parts, "same": same})
        print(f"  {tool:58} {seconds:7.2f} s  {rss / 2**20:6.0f} MiB  ({' + '.join(f'{p:.2f}' for p in parts)})")

    ndi = [geostrip, "run", "ndi", "-i", "a=@scene/B08.tiles.txt", "-i", "b=@scene/B04.tiles.txt",
           "--threads", "2", "--progress", "none"]
    # The grid gdalwarp is given: geostrip's, from its first run's report.
    report = None
    # Each method's precisions: geostrip's label and options, and gdalwarp's at the same precision.
    cases = (("bilinear", (("exact", [], "-et 0", ["-et", "0"]),
                           ("--transform-error 0.125", ["--transform-error", "0.125"], "default -et 0.125", []))),
             ("near", (("exact picks", [], "-et 0", ["-et", "0"]),)))
    for method, precisions in cases:
        for label, extra, warp_label, et in precisions:
            same = len(results)
            command = ndi + ["--resampling", method, "-o", "geostrip.tif", *extra]
            if report is None:
                command += ["--report", "geostrip.json"]
            s, rss, parts = median([command], args.repeats, ["geostrip.tif"])
            add(f"geostrip ndi of the mosaics, {method}, {label}", s, rss, parts, same)
            if report is None:
                report = json.load(open("geostrip.json"))
                grid = report["grid"]
                t = grid["geotransform"]
                te = [str(t[0]), str(t[3] + grid["rows"] * t[5]), str(t[0] + grid["cols"] * t[1]), str(t[3])]
                tr = [str(t[1]), str(-t[5])]
                co = sum((["-co", o] for o in INTEGER_CO), [])

            def warp(tiles, out):
                return ["gdalwarp", "-q", "-multi", "-wo", "NUM_THREADS=2", "-r", method, *et, "-t_srs",
                        grid["crs_wkt"], "-te", *te, "-tr", *tr, *co, "-overwrite", *tiles, out]
            outputs = ["b08.tif", "b04.tif", "ndi-warped.tif"]
            then_ndi = [geostrip, "run", "ndi", "-i", "a=b08.tif", "-i", "b=b04.tif", "-o", "ndi-warped.tif",
                        "--threads", "2", "--progress", "none"]
            s, rss, parts = median([warp(b08, "b08.tif"), warp(b04, "b04.tif"), then_ndi], args.repeats, outputs)
            add(f"gdalwarp -multi -r {method} ({warp_label}) x2, then geostrip ndi", s, rss, parts, same)
            calc = gdal_calc_ndi("b08.tif", "b04.tif", "calc.tif")
            s, rss, parts = median([warp(b08, "b08.tif"), warp(b04, "b04.tif"), calc], args.repeats,
                                   outputs[:2] + ["calc.tif"])
            add(f"gdalwarp -multi -r {method} ({warp_label}) x2, then gdal_calc.py", s, rss, parts, same)

    write_docs(docs, args, len(b08), report, results)
    if not args.work:
        shutil.rmtree(work)


def write_docs(docs, args, tiles, report, results):
    grid = report["grid"]
    lines = [
        "# Mosaic across two UTM zones: geostrip against gdalwarp",
        "",
        "Produced by `tests/perf/bench-mosaic.py"
        + (f" --size {args.size}" if args.size != "8780x8780" else "")
        + f"` (median of {args.repeats} runs, 2 threads, {os.cpu_count()} cores). A Sentinel-2-like scene of "
        f"{args.size} pixels cut into {tiles} tiles a band (4x4, 32 pixels of overlap, the eastern half in UTM "
        f"zone 34N, `geostrip synth s2 --tiles 4x4 --overlap 32 --utm-split`); the job is NDVI of the B08 and B04 "
        f"mosaics, bilinear and nearest, on the first tile's grid ({grid['rows']}x{grid['cols']}), written tiled "
        "DEFLATE.",
        "",
        "| tool | seconds | peak RSS | steps (s) | time / geostrip's at the same method and precision |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['tool']} | {r['seconds']:.2f} | {r['rss'] / 2**20:.0f} MiB | "
                     f"{' + '.join(f'{p:.2f}' for p in r['parts'])} | "
                     f"{r['seconds'] / results[r['same']]['seconds']:.2f}x |")
    stages = report["stage_seconds"]
    lines += [
        "",
        "geostrip's stages, bilinear and exact (summed over threads): "
        + ", ".join(f"{k} {stages[k]:.2f} s" for k in ("read", "compute", "encode", "gather", "write"))
        + ". Reading is where the warping happens: each block paints the tiles whose footprint meets it.",
        "",
        "gdalwarp writes each band to a compressed intermediate that the next step decodes again; geostrip "
        "resamples each block's rows as it reads them, so the mosaics never exist on disk, and transforms each "
        "row's coordinates once for both bands (their tiles share a geometry). gdalwarp's default error "
        "threshold approximates the transform (0.125 pixel) by interpolating along each chunk's rows, so its "
        "pixels depend on its chunks; geostrip's `--transform-error 0.125` interpolates between columns of a "
        "fixed lattice instead, the same for any blocks. With `-et 0` gdalwarp makes the pixels geostrip makes "
        "by default (tests/grid/test_mosaics.cpp compares them). Nearest needs only to know which source pixel a "
        "coordinate falls in: geostrip interpolates between exact columns of a fixed lattice and transforms "
        "exactly every pixel that lies near a source pixel's edge, so its picks, and pixels, are the exact "
        "transform's (docs/architecture.md).",
        "",
    ]
    with open(os.path.join(docs, "mosaic.md"), "w") as out:
        out.write("\n".join(lines))


if __name__ == "__main__":
    main()
