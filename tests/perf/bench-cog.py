#!/usr/bin/python3
"""A publishable NDVI (Cloud-Optimized GeoTIFF): geostrip against GDAL's tools, in one run.

    tests/perf/bench-cog.py [--geostrip build/apps/geostrip] [--size 8780x8780]
                            [--repeats 3] [--work DIR] [--docs docs/perf]

The job: NDVI (ndi of B08 and B04 of `geostrip synth s2`, 77 Mpixel by
default) as a COG with overviews (average) and statistics, DEFLATE with
predictor 3, 512-pixel tiles. Compared, at 2 threads:

  geostrip --format COG       the whole job in one run (overview tiles at
                              DEFLATE level 1, igzip's, for NDVI, 4 for RGB:
                              geostrip's defaults)
  ... --overview-level 6      overview tiles at the full resolution's level,
                              as GDAL's COG driver makes them
  ... --overview-compress zstd
                              overview tiles in ZSTD (level 3), the full
                              resolution in DEFLATE (GDAL's OVERVIEW_COMPRESS)
  ... --overview-compress zstd --overview-level 1
                              the same at ZSTD's fastest level
  geostrip, plain GeoTIFF     the same NDVI without overviews or statistics:
                              what COG costs geostrip itself
  gdal_calc.py + gdal_translate -of COG
                              NDVI with numpy into a tiled GeoTIFF, then GDAL's
                              COG driver (NUM_THREADS=2, -stats)
  geostrip plain + gdaladdo   geostrip's GeoTIFF, then gdaladdo -r average
                              (internal overviews, GDAL_NUM_THREADS=2)

and the same geostrip runs for an RGB composite (rgb of B04, B03,
B02: Byte, nearest overviews), where the overview level matters most.

Median wall seconds and peak RSS of --repeats runs go to docs/perf/cog.md;
geostrip's runs of one operation take turns. Then the plain NDVI and its COG
run in turn 4 x --repeats times more: the median of each pair's ratio holds
on a machine whose speed drifts from second to second.
Not part of ctest: speed is measured, not asserted.
"""
import json
import os
import shutil
import statistics
import subprocess

from bench_support import interleaved, median, setup, turns
from peers import gdal_calc_ndi, gdal_translate_cog


def validate(path):
    """Whether GDAL's COG validator (full check) finds neither errors nor warnings."""
    from osgeo_utils.samples import validate_cloud_optimized_geotiff as validator
    warnings, errors, _ = validator.validate(path, full_check=True)
    return not warnings and not errors


def overview_bytes(path):
    """The compressed bytes of every overview tile of the file, as GDAL lists them."""
    from osgeo import gdal
    total = 0
    dataset = gdal.Open(path)  # kept open: its bands are freed with it
    first = dataset.GetRasterBand(1)
    for i in range(first.GetOverviewCount()):
        band = first.GetOverview(i)
        across, down = [(n + b - 1) // b for n, b in zip((band.XSize, band.YSize), band.GetBlockSize())]
        total += sum(int(band.GetMetadataItem(f"BLOCK_SIZE_{x}_{y}", "TIFF") or 0)
                     for y in range(down) for x in range(across))
    return total


def main():
    args, work = setup(__doc__, "geostrip-cog-")
    geostrip, docs = args.geostrip, args.docs
    if not os.path.exists("scene/B04.tif"):
        subprocess.run([geostrip, "synth", "s2", "-o", "scene", "--size", args.size, "--overwrite"], check=True,
                       capture_output=True)
    print(f"scene {args.size}, {args.repeats} runs each, in {work}")

    results = {}

    def record(key, tool, output, measured):
        s, rss, parts = measured
        results[key] = {"tool": tool, "seconds": s, "rss": rss, "parts": parts, "bytes": os.path.getsize(output),
                        "overview_bytes": overview_bytes(output), "valid_cog": validate(output)}
        r = results[key]
        print(f"  {tool:60} {s:7.2f} s  {rss / 2**20:6.0f} MiB  ({' + '.join(f'{p:.2f}' for p in parts)})"
              f"  {r['bytes'] / 2**20:.0f} MiB, COG: {r['valid_cog']}")

    def add(key, tool, commands, output, env=None, outputs=None):
        record(key, tool, output, median(commands, args.repeats, outputs or [output], env=env))

    common = ["--threads", "2", "--progress", "none"]
    ndi = [geostrip, "run", "ndi", "-i", "a=scene/B08.tif", "-i", "b=scene/B04.tif"] + common
    rgb = [geostrip, "run", "rgb", "-i", "red=scene/B04.tif", "-i", "green=scene/B03.tif", "-i", "blue=scene/B02.tif",
           "--clamp", "3000"] + common
    for name, job in (("ndi", ndi), ("rgb", rgb)):
        # geostrip's runs take turns, so that their ratios hold on a machine whose speed drifts.
        runs = [(f"{name} cog", f"geostrip {name} --format COG", "cog.tif", ["--format", "COG", "--report",
                                                                           f"{name}-cog.json"]),
                (f"{name} cog 6", f"geostrip {name} --format COG --overview-level 6", "cog6.tif",
                 ["--format", "COG", "--overview-level", "6"]),
                (f"{name} cog zstd", f"geostrip {name} --format COG --overview-compress zstd", "cogz.tif",
                 ["--format", "COG", "--overview-compress", "zstd"]),
                (f"{name} cog zstd 1", f"geostrip {name} --format COG --overview-compress zstd --overview-level 1",
                 "cogz1.tif", ["--format", "COG", "--overview-compress", "zstd", "--overview-level", "1"]),
                (f"{name} plain", f"geostrip {name}, plain GeoTIFF", f"{name}-plain.tif",
                 ["--report", f"{name}-plain.json"])]
        measured = interleaved([([job + ["-o", output] + options], [output]) for _, _, output, options in runs],
                               args.repeats)
        for (key, tool, output, _), result in zip(runs, measured):
            record(key, tool, output, result)
        if name == "ndi":
            calc = gdal_calc_ndi("scene/B08.tif", "scene/B04.tif", "calc.tif")
            add("calc", "gdal_calc.py, then gdal_translate -of COG",
                [calc, gdal_translate_cog("calc.tif", "calc-cog.tif")], "calc-cog.tif", outputs=["calc.tif", "calc-cog.tif"])
            addo = ["gdaladdo", "-q", "-r", "average", "--config", "COMPRESS_OVERVIEW", "DEFLATE", "--config",
                    "PREDICTOR_OVERVIEW", "3", "addo.tif"]
            add("addo", "gdaladdo -r average on geostrip's plain output (after cp)",
                [["cp", "ndi-plain.tif", "addo.tif"], addo], "addo.tif", env={"GDAL_NUM_THREADS": "2"})

    ratios = paired_ratios(([ndi + ["-o", "ndi-plain.tif"]], ["ndi-plain.tif"]),
                           ([ndi + ["-o", "cog.tif", "--format", "COG"]], ["cog.tif"]), 4 * args.repeats)
    low, _, high = statistics.quantiles(ratios, n=4)
    print(f"  ndi COG / plain in {len(ratios)} pairs: median {statistics.median(ratios):.3f}, quartiles {low:.3f} "
          f"and {high:.3f}")
    reports = {key: json.load(open(f"{key}.json")) for key in ("ndi-cog", "ndi-plain", "rgb-cog", "rgb-plain")}
    write_docs(docs, args, reports, results, ratios)
    if not args.work:
        shutil.rmtree(work)


def paired_ratios(first, second, pairs):
    """The wall seconds of job `second` over those of job `first` (each
    commands and outputs, as turns() takes them) in `pairs` runs of the two
    in turn, sorted."""
    totals, _, _ = turns([first, second], pairs)
    return sorted(b / a for a, b in zip(*totals))


def equal_level_floor(plain, cog):
    """COG over plain if overview tiles cost what full-resolution tiles do
    and nothing else were added: the plain run's CPU seconds, its encode
    grown by the overviews' tiles over the full resolution's."""
    def tiles(rows, cols):
        return ((rows + 511) // 512) * ((cols + 511) // 512)

    size = cog["decomposition"]
    extra = sum(tiles(r, c) for r, c in cog["output_format"]["overviews"]) / tiles(size["rows"], size["cols"])
    stages = plain["stage_seconds"]
    cpu = stages["read"] + stages["compute"] + stages["encode"]
    return (cpu + extra * stages["encode"]) / cpu, extra


def write_docs(docs, args, reports, results, paired):
    lines = [
        "# A publishable NDVI: COG with overviews and statistics",
        "",
        "Produced by `tests/perf/bench-cog.py"
        + (f" --size {args.size}" if args.size != "8780x8780" else "")
        + f"` (median of {args.repeats} runs, 2 threads, {os.cpu_count()} cores; geostrip's runs of one operation "
        "take turns). NDVI of B08 and B04 of a "
        f"{args.size} `geostrip synth s2` scene, DEFLATE with predictor 3, 512-pixel tiles; overviews by average. "
        "Then an RGB composite of B04, B03, B02 (Byte, nearest overviews).",
        "",
        "| tool | seconds | peak RSS | steps (s) | file | overview tiles | COG validator: no error or warning "
        "| time / geostrip COG |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, r in results.items():
        base = results[key.split()[0] + " cog"] if key.split()[0] in ("ndi", "rgb") else results["ndi cog"]
        lines.append(f"| {r['tool']} | {r['seconds']:.2f} | {r['rss'] / 2**20:.0f} MiB | "
                     f"{' + '.join(f'{p:.2f}' for p in r['parts'])} | {r['bytes'] / 2**20:.1f} MiB | "
                     f"{r['overview_bytes'] / 2**20:.1f} MiB | {'yes' if r['valid_cog'] else 'no'} | "
                     f"{r['seconds'] / base['seconds']:.2f}x |")
    low, _, high = statistics.quantiles(paired, n=4)
    for name in ("ndi", "rgb"):
        cog, cog6, plain = results[f"{name} cog"], results[f"{name} cog 6"], results[f"{name} plain"]
        zstd, zstd1 = results[f"{name} cog zstd"], results[f"{name} cog zstd 1"]
        report, plain_report = reports[f"{name}-cog"], reports[f"{name}-plain"]
        floor, extra = equal_level_floor(plain_report, report)
        stages, plain_stages = report["stage_seconds"], plain_report["stage_seconds"]
        lines += [
            "",
            f"**{name}**: COG costs geostrip {cog['seconds'] / plain['seconds']:.2f}x its plain GeoTIFF; with the "
            f"overview tiles at the full resolution's level (`--overview-level 6`) "
            f"{cog6['seconds'] / plain['seconds']:.2f}x, for {100 * (cog['overview_bytes'] / cog6['overview_bytes'] - 1):+.1f}% "
            f"overview bytes ({100 * (cog['bytes'] / cog6['bytes'] - 1):+.1f}% of the file); with ZSTD overview "
            f"tiles (`--overview-compress zstd`) {zstd['seconds'] / plain['seconds']:.2f}x, for "
            f"{100 * (zstd['overview_bytes'] / cog['overview_bytes'] - 1):+.1f}% overview bytes, and at ZSTD's level 1 "
            f"(`--overview-level 1`) {zstd1['seconds'] / plain['seconds']:.2f}x, for "
            f"{100 * (zstd1['overview_bytes'] / cog['overview_bytes'] - 1):+.1f}% overview bytes. The overviews are "
            f"{100 * extra:.0f}% more tiles than the full resolution: at the full resolution's level, with no other "
            f"cost at all, the plain run's stages would make COG {floor:.2f}x."
            + (f" In {len(paired)} further runs of the plain GeoTIFF and the COG in turn, the COG took "
               f"{statistics.median(paired):.2f}x the plain run's time (the median of the pairs' ratios; quartiles "
               f"{low:.2f}x and {high:.2f}x)."
               if name == "ndi" else "")
            + " Stages (summed over threads; write is rank 0's writer thread):",
            "",
            "| stage | COG | plain |",
            "|---|---|---|",
        ]
        for k in ("read", "compute", "encode", "gather", "write"):
            lines.append(f"| {k} | {stages[k]:.2f} s | {plain_stages[k]:.2f} s |")
        lines.append(f"| of which the end on rank 0 (COG's order: room inserted after the header, overviews written "
                     f"there) | {report['output_format']['finish_seconds']:.2f} s | "
                     f"{plain_report['output_format']['finish_seconds']:.2f} s |")
    plain, addo = results["ndi plain"], results["addo"]
    lines += [
        "",
        f"geostrip's plain GeoTIFF and then gdaladdo take {plain['seconds'] + addo['seconds']:.2f} s, "
        f"{(plain['seconds'] + addo['seconds']) / results['ndi cog']['seconds']:.2f}x the COG made in one pass, and "
        "the file is not a COG.",
        "",
        "COG's extra cost is the overviews' tiles, a third more pixels to encode, of averaged pixels that compress "
        "worse than the full resolution's, and the levels and statistics made from every pixel. geostrip encodes "
        "overview tiles at level 1 by default for samples wider than a byte, whose low bytes of noise no level "
        "compresses, with igzip, the fastest DEFLATE encoder, and at level 4 for bytes (`--overview-level`; the "
        "user guide's "
        "\"Overview level\" has the table). gdal_translate -of COG "
        "reads the intermediate GeoTIFF again, computes every level and statistics in further passes and writes the "
        "file once more; gdaladdo reads geostrip's file again and appends overviews after its full resolution "
        "(not a COG layout).",
        "",
    ]
    with open(os.path.join(docs, "cog.md"), "w") as out:
        out.write("\n".join(lines))


if __name__ == "__main__":
    main()
