#!/usr/bin/python3
"""A publishable NDVI (Cloud-Optimized GeoTIFF): geostrip against GDAL's tools, in one run.

    tests/perf/bench-cog.py [--geostrip build/apps/geostrip] [--size 8780x8780]
                            [--repeats 3] [--work DIR] [--docs docs/perf]

The job: NDVI (ndi of B08 and B04 of `geostrip synth s2`, 77 Mpixel by
default) as a COG with overviews (average) and statistics, DEFLATE with
predictor 3, 512-pixel tiles. Compared, at 2 threads:

  geostrip --format COG       the whole job in one run
  geostrip, plain GeoTIFF     the same NDVI without overviews or statistics:
                              what COG costs geostrip itself
  gdal_calc.py + gdal_translate -of COG
                              NDVI with numpy into a tiled GeoTIFF, then GDAL's
                              COG driver (NUM_THREADS=2, -stats)
  geostrip plain + gdaladdo   geostrip's GeoTIFF, then gdaladdo -r average
                              (internal overviews, GDAL_NUM_THREADS=2)

Median wall seconds and peak RSS of --repeats runs go to docs/perf/cog.md.
Not part of ctest: speed is measured, not asserted.
"""
import json
import os
import shutil
import subprocess

from bench_support import median, setup
from peers import gdal_calc_ndi, gdal_translate_cog


def validate(path):
    """Whether GDAL's COG validator (full check) finds neither errors nor warnings."""
    from osgeo_utils.samples import validate_cloud_optimized_geotiff as validator
    warnings, errors, _ = validator.validate(path, full_check=True)
    return not warnings and not errors


def main():
    args, work = setup(__doc__, "geostrip-cog-")
    geostrip, docs = args.geostrip, args.docs
    if not os.path.exists("scene/B04.tif"):
        subprocess.run([geostrip, "synth", "s2", "-o", "scene", "--size", args.size, "--overwrite"], check=True,
                       capture_output=True)
    print(f"scene {args.size}, {args.repeats} runs each, in {work}")

    results = []

    def add(tool, seconds, rss, parts, output):
        results.append({"tool": tool, "seconds": seconds, "rss": rss, "parts": parts, "bytes": os.path.getsize(output),
                        "valid_cog": validate(output)})
        print(f"  {tool:52} {seconds:7.2f} s  {rss / 2**20:6.0f} MiB  ({' + '.join(f'{p:.2f}' for p in parts)})"
              f"  {results[-1]['bytes'] / 2**20:.0f} MiB, COG: {results[-1]['valid_cog']}")

    ndi = [geostrip, "run", "ndi", "-i", "a=scene/B08.tif", "-i", "b=scene/B04.tif", "--threads", "2",
           "--progress", "none"]
    s, rss, parts = median([ndi + ["-o", "cog.tif", "--format", "COG", "--report", "cog.json"]], args.repeats,
                           ["cog.tif"])
    add("geostrip ndi --format COG", s, rss, parts, "cog.tif")
    report = json.load(open("cog.json"))
    s, rss, parts = median([ndi + ["-o", "plain.tif", "--report", "plain.json"]], args.repeats, ["plain.tif"])
    add("geostrip ndi, plain GeoTIFF", s, rss, parts, "plain.tif")
    plain_report = json.load(open("plain.json"))

    calc = gdal_calc_ndi("scene/B08.tif", "scene/B04.tif", "calc.tif")
    translate = gdal_translate_cog("calc.tif", "calc-cog.tif")
    s, rss, parts = median([calc, translate], args.repeats, ["calc.tif", "calc-cog.tif"])
    add("gdal_calc.py, then gdal_translate -of COG", s, rss, parts, "calc-cog.tif")

    addo = ["gdaladdo", "-q", "-r", "average", "--config", "COMPRESS_OVERVIEW", "DEFLATE", "--config",
            "PREDICTOR_OVERVIEW", "3", "addo.tif"]
    copy = ["cp", "plain.tif", "addo.tif"]
    s, rss, parts = median([copy, addo], args.repeats, ["addo.tif"], env={"GDAL_NUM_THREADS": "2"})
    add("gdaladdo -r average on geostrip's plain output (after cp)", s, rss, parts, "addo.tif")

    write_docs(docs, args, report, plain_report, results)
    if not args.work:
        shutil.rmtree(work)


def write_docs(docs, args, report, plain_report, results):
    cog, plain = results[0], results[1]
    lines = [
        "# A publishable NDVI: COG with overviews and statistics",
        "",
        "Produced by `tests/perf/bench-cog.py"
        + (f" --size {args.size}" if args.size != "8780x8780" else "")
        + f"` (median of {args.repeats} runs, 2 threads, {os.cpu_count()} cores). NDVI of B08 and B04 of a "
        f"{args.size} `geostrip synth s2` scene, DEFLATE with predictor 3, 512-pixel tiles; overviews by average.",
        "",
        "| tool | seconds | peak RSS | steps (s) | file | COG validator: no error or warning | time / geostrip COG |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['tool']} | {r['seconds']:.2f} | {r['rss'] / 2**20:.0f} MiB | "
                     f"{' + '.join(f'{p:.2f}' for p in r['parts'])} | {r['bytes'] / 2**20:.0f} MiB | "
                     f"{'yes' if r['valid_cog'] else 'no'} | {r['seconds'] / cog['seconds']:.2f}x |")
    stages, plain_stages = report["stage_seconds"], plain_report["stage_seconds"]
    lines += [
        "",
        f"COG costs geostrip {cog['seconds'] / plain['seconds']:.2f}x its plain GeoTIFF. Stages (summed over threads; "
        "write is rank 0's writer thread):",
        "",
        "| stage | COG | plain |",
        "|---|---|---|",
    ]
    for k in ("read", "compute", "encode", "gather", "write"):
        lines.append(f"| {k} | {stages[k]:.2f} s | {plain_stages[k]:.2f} s |")
    lines += [
        f"| of which the end on rank 0 (COG's order: room inserted after the header, overviews written there) | "
        f"{report['output_format']['finish_seconds']:.2f} s | {plain_report['output_format']['finish_seconds']:.2f} s |",
        "",
        f"geostrip's plain GeoTIFF and then gdaladdo take {plain['seconds'] + results[3]['seconds']:.2f} s, "
        f"{(plain['seconds'] + results[3]['seconds']) / cog['seconds']:.2f}x the COG made in one pass, and the file "
        "is not a COG.",
        "",
        "The overviews add a third of the pixels to encode, and averaged pixels compress worse than the full "
        "resolution's: most of COG's extra cost is DEFLATE (perf: libdeflate is 70% of the COG run's cycles, "
        "making overviews and statistics 5%). gdal_translate -of COG reads the intermediate GeoTIFF again, "
        "computes every level and statistics in further passes and writes the file once more; gdaladdo reads "
        "geostrip's file again and appends overviews after its full resolution (not a COG layout).",
        "",
    ]
    with open(os.path.join(docs, "cog.md"), "w") as out:
        out.write("\n".join(lines))


if __name__ == "__main__":
    main()
