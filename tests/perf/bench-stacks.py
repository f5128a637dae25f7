#!/usr/bin/python3
"""Stacks of dates and SAR pairs: geostrip against numpy (and dask), in one run.

    tests/perf/bench-stacks.py [--geostrip build/apps/geostrip] [--size 4000x4000]
                               [--repeats 3] [--work DIR] [--docs docs/perf]

The jobs, at 2 threads:
  median composite of 12 dates   B08 of `geostrip synth s2 --dates 12` (UInt16,
                                 nodata 0); geostrip composite --reduce median
                                 against numpy nanmedian over 512-row strips
                                 of the stack read with GDAL, and dask's
                                 nanmedian over 512-row chunks (both written
                                 as UInt16 DEFLATE GeoTIFF)
  median composite of 100 inputs the 12 dates again and again, at geostrip's
                                 default memory budget; numpy nanmedian
  interferogram, 4x4 looks       the pair of `geostrip synth slc` (complex64
                                 HDF5); numpy r*conj(s), cell means over valid
                                 pixels, written as a CFloat32 GeoTIFF

Median wall seconds and peak RSS of --repeats runs go to docs/perf/stacks.md.
Not part of ctest: speed is measured, not asserted.
"""
import json
import os
import shutil
import subprocess

from bench_support import PYTHON, median, setup
from peers import NUMPY_INTERFEROGRAM, NUMPY_MEDIAN

DATES = 12
MANY = 100
HH = ":/science/LSAR/GSLC/grids/frequencyA/HH"

# dask: the same median, on 2 threads.
DASK_MEDIAN = r"""
import sys, numpy as np, dask, dask.array as da
from osgeo import gdal
dask.config.set(scheduler="threads", num_workers=2)
out, files = sys.argv[1], sys.argv[2:]
first = gdal.Open(files[0])
rows, cols = first.RasterYSize, first.RasterXSize
def read(f, row, rows):
    ds = gdal.Open(f)  # one handle per read: dask runs reads on several threads
    a = ds.GetRasterBand(1).ReadAsArray(0, row, cols, rows).astype(np.float32)
    a[a == 0] = np.nan
    return a
layers = [da.concatenate([da.from_delayed(dask.delayed(read)(f, r, min(512, rows - r)), (min(512, rows - r), cols),
                                          np.float32) for r in range(0, rows, 512)]) for f in files]
median = da.nanmedian(da.stack(layers), axis=0).compute()
result = np.where(np.isnan(median), 0, np.rint(median)).astype(np.uint16)
ds = gdal.GetDriverByName("GTiff").Create(out, cols, rows, 1, gdal.GDT_UInt16,
                                          ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COMPRESS=DEFLATE", "PREDICTOR=2"])
ds.SetGeoTransform(first.GetGeoTransform()); ds.SetProjection(first.GetProjection())
ds.GetRasterBand(1).SetNoDataValue(0); ds.GetRasterBand(1).WriteArray(result)
"""


def main():
    args, work = setup(__doc__, "geostrip-stacks-")
    if args.size == "8780x8780":  # bench_support's default is for one scene
        args.size = "4000x4000"
    geostrip, docs = args.geostrip, args.docs
    if not os.path.exists(f"dates/d{DATES:02}/B08.tif"):
        subprocess.run([geostrip, "synth", "s2", "-o", "dates", "--size", args.size, "--dates", str(DATES),
                        "--overwrite"], check=True, capture_output=True)
    if not os.path.exists("slc/secondary.h5"):
        subprocess.run([geostrip, "synth", "slc", "-o", "slc", "--size", args.size, "--overwrite"], check=True,
                       capture_output=True)
    dates = [f"dates/d{d:02}/B08.tif" for d in range(1, DATES + 1)]
    many = [dates[i % DATES] for i in range(MANY)]
    with open("many.inputs", "w") as f:
        f.writelines(f"x{i:03}={path}\n" for i, path in enumerate(many))
    print(f"{DATES} dates and a SLC pair of {args.size}, {args.repeats} runs each, in {work}")

    results = []

    def add(job, tool, commands, outputs, report=None):
        seconds, rss, _ = median(commands, args.repeats, outputs)
        entry = {"job": job, "tool": tool, "seconds": seconds, "rss": rss}
        if report:
            entry["report"] = json.load(open(report))
        results.append(entry)
        print(f"  {job:32} {tool:34} {seconds:7.2f} s  {rss / 2**20:7.0f} MiB")

    run = [geostrip, "run", "composite", "--threads", "2", "--progress", "none", "--reduce", "median"]
    job = f"median of {DATES} dates"
    add(job, "geostrip composite", [run + ["-o", "median.tif", "--report", "median.json", "--inputs",
                                           "dates/B08.inputs"]], ["median.tif"], "median.json")
    add(job, "numpy nanmedian (512-row strips)", [[PYTHON, "-c", NUMPY_MEDIAN, "numpy.tif"] + dates], ["numpy.tif"])
    add(job, "dask nanmedian (2 threads)", [[PYTHON, "-c", DASK_MEDIAN, "dask.tif"] + dates], ["dask.tif"])
    job = f"median of {MANY} inputs"
    add(job, "geostrip composite", [run + ["-o", "many.tif", "--report", "many.json", "--inputs", "many.inputs"]],
        ["many.tif"], "many.json")
    add(job, "numpy nanmedian (512-row strips)", [[PYTHON, "-c", NUMPY_MEDIAN, "many-numpy.tif"] + many], ["many-numpy.tif"])
    job = "interferogram, 4x4 looks"
    ref, sec = "slc/reference.h5", "slc/secondary.h5"
    add(job, "geostrip interferogram", [[geostrip, "run", "interferogram", "--threads", "2", "--progress", "none",
                                         "-i", "ref=" + ref + HH, "-i", "sec=" + sec + HH, "--looks", "4x4", "-o",
                                         "ifg.tif", "--report", "ifg.json"]], ["ifg.tif"], "ifg.json")
    add(job, "numpy", [[PYTHON, "-c", NUMPY_INTERFEROGRAM, "ifg-numpy.tif", ref, sec]], ["ifg-numpy.tif"])

    plan = subprocess.run([geostrip, "plan", "composite", "--inputs", "many.inputs", "-o", "plan.tif", "--threads",
                           "2"], capture_output=True, text=True, check=True).stdout
    write_docs(docs, args, results, plan)
    if not args.work:
        shutil.rmtree(work)


def write_docs(docs, args, results, plan):
    lines = [
        "# Stacks: composites over dates, interferograms",
        "",
        "Produced by `tests/perf/bench-stacks.py"
        + (f" --size {args.size}" if args.size != "4000x4000" else "")
        + f"` (median of {args.repeats} runs, 2 threads, {os.cpu_count()} cores). Inputs: B08 of `geostrip synth s2 "
        f"--size {args.size} --dates {DATES}` (UInt16, DEFLATE, nodata 0 beyond the swath) and the complex64 "
        f"HDF5 pair of `geostrip synth slc --size {args.size}`.",
        "",
        "| job | tool | seconds | peak RSS | time / geostrip |",
        "|---|---|---|---|---|",
    ]
    fastest = {}
    for r in results:
        fastest.setdefault(r["job"], r["seconds"])
        lines.append(f"| {r['job']} | {r['tool']} | {r['seconds']:.2f} | {r['rss'] / 2**20:.0f} MiB | "
                     f"{r['seconds'] / fastest[r['job']]:.2f}x |")
    lines += ["", "geostrip's stages (summed over threads) and memory:", "",
              "| job | read | compute | encode | write | block rows | peak memory (report) |", "|---|---|---|---|---|---|---|"]
    for r in results:
        if "report" not in r:
            continue
        report = r["report"]
        stages = report["stage_seconds"]
        lines.append(f"| {r['job']} | {stages['read']:.2f} s | {stages['compute']:.2f} s | {stages['encode']:.2f} s | "
                     f"{stages['write']:.2f} s | {report['decomposition']['block_rows']} | "
                     f"{report['peak_rss_bytes'] / 2**20:.0f} MiB |")
    budget = [line.strip() for line in plan.splitlines() if "blocks:" in line or "pixel buffers" in line]
    lines += [
        "",
        f"`geostrip plan composite` of the {MANY} inputs at the default memory budget (half of what the rank may use): " + "; ".join(budget) + ".",
        "",
        "numpy and dask use `nanmedian` (the mean of the two middle values for an even count; geostrip's median is "
        "the lower one, as PRODUCT.md defines it): the same work, a different tie rule. numpy reads 512-row strips "
        f"of every date (holding the whole stack of {MANY} inputs, {MANY} x {args.size} float32, nanmedian was "
        "killed at 23 GiB of this machine's 24); dask holds 512-row chunks of every date on 2 threads; geostrip "
        "holds each block's rows of every input (whole tile rows, so every input tile is decoded once, as long "
        "as `--memory` holds them), on 2 threads. `plan` counts every input's whole rows; the blocks are read in "
        "column chunks, so the measured peak is lower.",
        "",
        "The interferogram reads HDF5, whose calls geostrip serializes (the library is not thread-safe); it reads "
        "each chunk's stored bytes holding that lock and inflates them after, so its threads decompress in "
        "parallel, where numpy (h5py) decompresses on one thread.",
        "",
    ]
    with open(os.path.join(docs, "stacks.md"), "w") as out:
        out.write("\n".join(lines))


if __name__ == "__main__":
    main()
