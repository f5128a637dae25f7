#!/usr/bin/python3
"""Every operation against its codec floor, and the scaling model, from one run.

    tests/perf/bench-floors.py [--geostrip build/apps/geostrip] [--size 8780x8780]
                               [--repeats 3] [--work DIR] [--docs docs/perf]

The codec floor of a run is what no implementation with the same codec can
beat: the CPU seconds GDAL takes, on one thread, to decode the run's inputs
and to encode its output (the same tiles, codec and predictor; a COG's
overviews included; the median of --repeats measurements), divided by the
threads. The floor is also measured twice at once, one run on each core:
what a thread of codec work costs here while the other core works too.
Each operation runs at 1 and 2 threads on `geostrip synth` inputs (a --size
Sentinel-2-like scene and DEM; an 8000x8000 SLC pair; 12 dates of
4000x4000), each run followed by the floor's measurements, and its median
wall time over --repeats runs is divided by that floor, and by the time of
the tool a user would otherwise pick (tests/perf/peers.py) where there is
one. Each also runs on the same inputs made at a quarter of the pixels,
for how its peak memory grows with the raster.

From the same runs, docs/perf/scaling.md: per operation the rate of one
core (1 thread, encoding included), the compressed bytes per pixel and rank
0's placing rate, and from them the node count at which gather mode
saturates rank 0's link or filesystem client.

Writes docs/perf/floors.md and docs/perf/scaling.md. Not part of ctest:
speed is measured, not asserted.
"""
import json
import os
import shutil
import statistics
import subprocess

from bench_support import MPI_ENV, PYTHON, median, setup, virtual_nodes
from peers import (FLOAT_CO, INTEGER_CO, NUMPY_INTERFEROGRAM, NUMPY_MEDIAN, SCIPY_MEAN, SCIPY_MEDIAN,
                   gdal_calc_ndi, gdal_translate_cog, gdaldem)

HH = "/science/LSAR/GSLC/grids/frequencyA/HH"
DATES = 12
SLC_SIZE = "8000x8000"    # at a quarter, every thread still has blocks of the 4x4-look interferogram
DATES_SIZE = "4000x4000"

# One thread of GDAL decoding every input (each band once) and encoding the
# output again as geostrip wrote it (into COPY); prints the two CPU times.
FLOOR = r"""
import sys, time
from osgeo import gdal
gdal.UseExceptions()
output, copy, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
start = time.process_time()
for name in inputs:
    ds = gdal.Open(name)
    for b in range(1, ds.RasterCount + 1):
        ds.GetRasterBand(b).ReadRaster()
decode = time.process_time() - start
out = gdal.Open(output)
band = out.GetRasterBand(1)
levels = band.GetOverviewCount()
memory = gdal.GetDriverByName("MEM").CreateCopy("", out)
if levels:
    memory.BuildOverviews("AVERAGE", [2 ** (k + 1) for k in range(levels)])
structure = out.GetMetadata("IMAGE_STRUCTURE")
options = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "BIGTIFF=IF_SAFER",
           "COMPRESS=" + structure.get("COMPRESSION", "DEFLATE"), "PREDICTOR=" + structure.get("PREDICTOR", "1")]
if levels:
    options.append("COPY_SRC_OVERVIEWS=YES")
start = time.process_time()
gdal.GetDriverByName("GTiff").CreateCopy(copy, memory, options=options)
encode = time.process_time() - start
print(decode, encode)
"""


def gdal_name(source):
    """The GDAL name of a geostrip input: FILE.h5:/path through GDAL's HDF5 driver."""
    if ".h5:" in source:
        path, dataset = source.split(".h5:", 1)
        return f'HDF5:"{path}.h5":/{dataset}'
    return source


def make_inputs(geostrip, folder, size, slc_size, dates_size):
    """The synthetic inputs in FOLDER; returns the cases that read them: (name, run arguments, input files,
    the usual tool's label and commands, or None)."""
    synth = [("s2", "scene", size, []), ("dem", "dem", size, []), ("slc", "slc", slc_size, []),
             ("s2", "dates", dates_size, ["--dates", str(DATES)]),
             ("s2", "tiles", size, ["--tiles", "2x2", "--overlap", "16", "--utm-split"])]
    for kind, name, extent, extra in synth:
        if not os.path.exists(f"{folder}/{name}"):
            subprocess.run([geostrip, "synth", kind, "-o", f"{folder}/{name}", "--size", extent, *extra], check=True,
                           capture_output=True)
    b02, b03, b04, b08 = (f"{folder}/scene/{b}.tif" for b in ("B02", "B03", "B04", "B08"))
    dem = f"{folder}/dem/dem.tif"
    ref_file, sec_file = f"{folder}/slc/reference.h5", f"{folder}/slc/secondary.h5"
    ref, sec = f"{ref_file}:{HH}", f"{sec_file}:{HH}"
    dates = [f"{folder}/dates/d{d:02}/B08.tif" for d in range(1, DATES + 1)]
    tiles = {band: f"{folder}/tiles/{band}.tiles.txt" for band in ("B08", "B04")}
    tile_files = [line.strip() for band in tiles.values() for line in open(band)]
    gdal_calc = ("gdal_calc.py", [gdal_calc_ndi(b08, b04, "peer.tif")])
    return [
        ("ndi", ["ndi", "-i", f"a={b08}", "-i", f"b={b04}"], [b08, b04], gdal_calc),
        ("rgb", ["rgb", "-i", f"red={b04}", "-i", f"green={b03}", "-i", f"blue={b02}", "--clamp", "3000"],
         [b04, b03, b02], None),
        ("expr (ndi formula)", ["expr", "-i", f"a={b08}", "-i", f"b={b04}", "--expr", "(a-b)/(a+b)"], [b08, b04],
         gdal_calc),
        ("mean 9x9", ["mean", "-i", f"src={b04}", "--window", "9x9"], [b04],
         ("scipy uniform_filter (float32)", [[PYTHON, "-c", SCIPY_MEAN, b04, "peer.tif", ",".join(FLOAT_CO)]])),
        ("median 5x5", ["median", "-i", f"src={b04}", "--window", "5x5"], [b04],
         ("scipy median_filter (nodata ignored)",
          [[PYTHON, "-c", SCIPY_MEDIAN, b04, "peer.tif", ",".join(INTEGER_CO)]])),
        ("hillshade", ["hillshade", "-i", f"dem={dem}"], [dem], ("gdaldem", [gdaldem("hillshade", dem, "peer.tif")])),
        ("slope", ["slope", "-i", f"dem={dem}"], [dem], ("gdaldem", [gdaldem("slope", dem, "peer.tif")])),
        ("multilook 4x4", ["multilook", "-i", f"src={b04}", "--looks", "4x4"], [b04], None),
        ("ndi, mosaic of 2x2 tiles in two UTM zones, nearest",
         ["ndi", "-i", f"a=@{tiles['B08']}", "-i", f"b=@{tiles['B04']}"], tile_files, None),
        ("ndi, mosaic of 2x2 tiles in two UTM zones, bilinear",
         ["ndi", "-i", f"a=@{tiles['B08']}", "-i", f"b=@{tiles['B04']}", "--resampling", "bilinear"], tile_files, None),
        ("ndi --format COG", ["ndi", "-i", f"a={b08}", "-i", f"b={b04}", "--format", "COG"], [b08, b04],
         ("gdal_calc.py, then gdal_translate -of COG",
          [gdal_calc_ndi(b08, b04, "peer-calc.tif"), gdal_translate_cog("peer-calc.tif", "peer.tif")])),
        (f"composite median of {DATES} dates", ["composite", "--inputs", f"{folder}/dates/B08.inputs"], dates,
         ("numpy nanmedian (512-row strips)", [[PYTHON, "-c", NUMPY_MEDIAN, "peer.tif", *dates]])),
        ("amplitude (SLC)", ["amplitude", "-i", f"src={ref}"], [ref], None),
        ("interferogram 4x4 (SLC)", ["interferogram", "-i", f"ref={ref}", "-i", f"sec={sec}", "--looks", "4x4"],
         [ref, sec], ("numpy", [[PYTHON, "-c", NUMPY_INTERFEROGRAM, "peer.tif", ref_file, sec_file]])),
        ("coherence 5x5 (SLC)", ["coherence", "-i", f"ref={ref}", "-i", f"sec={sec}"], [ref, sec], None),
    ]


def quarter(size):
    """ROWSxCOLS with half the rows and half the columns: a quarter of the pixels."""
    return "x".join(str(int(n) // 2) for n in size.split("x"))


def main():
    args, work = setup(__doc__, "geostrip-floors-")
    geostrip, docs = args.geostrip, args.docs
    small = min(int(n) for n in args.size.split("x")) < 4000
    slc_size, dates_size = (args.size, args.size) if small else (SLC_SIZE, DATES_SIZE)
    cases = make_inputs(geostrip, "full", args.size, slc_size, dates_size)
    # The same cases on a quarter of the pixels, for how peak memory grows with the raster.
    quarter_cases = make_inputs(geostrip, "quarter", quarter(args.size), quarter(slc_size), quarter(dates_size))
    print(f"{len(cases)} operations, {args.repeats} runs each at 1 and 2 threads, in {work}")
    results = []
    for (name, op, inputs, peer), (_, quarter_op, _, _) in zip(cases, quarter_cases):
        entry = {"case": name}
        # This VM's speed drifts over minutes by as much as 20%: each repeat runs geostrip at 1 and 2 threads
        # and then the floor, alone and with both cores busy, back to back, so that a slow phase slows
        # geostrip and its floor alike. The medians are over the repeats.
        runs, floors, busy = {1: [], 2: []}, [], []
        for _ in range(args.repeats):
            for threads in (1, 2):
                output = f"out-{threads}.tif"
                command = [geostrip, "run", *op, "-o", output, "--threads", str(threads), "--progress", "none",
                           "--report", "report.json"]
                seconds, rss, _ = median([command], 1, [output])
                runs[threads].append((seconds, rss, json.load(open("report.json")), os.path.getsize(output)))
            floors += floor_seconds(inputs, 1)  # reads out-2.tif, the output to encode again
            busy += floor_seconds(inputs, 2)  # what one thread of the codec costs beside another
        for threads, measured in runs.items():
            seconds, rss, report, size = sorted(measured, key=lambda run: run[0])[args.repeats // 2]
            entry[threads] = {"seconds": seconds, "rss": statistics.median(run[1] for run in measured),
                              "report": report, "bytes": size}
        entry["decode"] = statistics.median(decode for decode, _ in floors)
        entry["encode"] = statistics.median(encode for _, encode in floors)
        entry["busy"] = statistics.median(decode + encode for decode, encode in busy)
        if peer:
            entry["peer"], commands = peer[0], peer[1]
            entry["peer_seconds"], _, _ = median(commands, args.repeats, ["peer.tif", "peer-calc.tif"])
        output = entry[2]["report"]["decomposition"]
        entry["pixels"] = output["rows"] * output["cols"]
        _, entry["quarter_rss"], _ = median([[geostrip, "run", *quarter_op, "-o", "quarter.tif", "--threads", "2",
                                              "--progress", "none"]], args.repeats, ["quarter.tif"])
        results.append(entry)
        cpu = entry["decode"] + entry["encode"]
        versus = f", {entry['peer']} {entry['peer_seconds']:.2f} s" if peer else ""
        print(f"  {name:52} 1 thread {entry[1]['seconds']:6.2f} s ({entry[1]['seconds'] / cpu:.2f}x floor), "
              f"2 threads {entry[2]['seconds']:6.2f} s ({entry[2]['seconds'] / (cpu / 2):.2f}x floor, "
              f"{entry[2]['seconds'] / (entry['busy'] / 2):.2f}x with both cores busy){versus}")
        for path in ("out-1.tif", "out-2.tif", "floor-0.tif", "floor-1.tif", "quarter.tif", "peer.tif", "peer-calc.tif"):
            if os.path.exists(path):
                os.remove(path)
    with open("results.json", "w") as out:  # the measurements behind the docs, kept in the work folder
        json.dump(results, out)
    write_floors(docs, args, results, slc_size, dates_size)
    write_scaling(docs, args, results, rank_0_share(geostrip, [cases[0][2][0], cases[0][2][1]]))
    if not args.work:
        shutil.rmtree(work)


def floor_seconds(inputs, copies):
    """The floor's (decode, encode) CPU seconds of `copies` runs of FLOOR at once, each on its own core."""
    runs = [subprocess.Popen([PYTHON, "-c", FLOOR, "out-2.tif", f"floor-{i}.tif", *map(gdal_name, inputs)],
                             stdout=subprocess.PIPE, text=True) for i in range(copies)]
    seconds = []
    for run in runs:
        out, _ = run.communicate()
        if run.returncode != 0:
            raise subprocess.CalledProcessError(run.returncode, run.args)
        seconds.append(tuple(float(value) for value in out.split()))
    return seconds


def rank_0_share(geostrip, bands):
    """ndi on 3 virtual nodes in each --write mode: the share of the output's bytes rank 0 received."""
    share = {}
    for mode in ("gather", "direct"):
        subprocess.run(virtual_nodes(3) + [geostrip, "run", "ndi", "-i", f"a={bands[0]}", "-i", f"b={bands[1]}", "-o",
                                   "nodes.tif", "--threads", "1", "--progress", "none", "--overwrite", "--write", mode,
                                   "--report", "nodes.json"], check=True, capture_output=True, env={**os.environ, **MPI_ENV})
        report = json.load(open("nodes.json"))
        received = sum(rank["bytes_sent_to_rank_0"] for rank in report["ranks"])
        share[mode] = received / os.path.getsize("nodes.tif")
        os.remove("nodes.tif")
    return share


def write_floors(docs, args, results, slc_size, dates_size):
    lines = [
        "# Every operation against its codec floor",
        "",
        "Produced by `tests/perf/bench-floors.py"
        + (f" --size {args.size}" if args.size != "8780x8780" else "")
        + f"` (median of {args.repeats} runs, {os.cpu_count()} cores; each run at 1 and 2 threads followed by the "
        "floor's measurements, so that this VM's slow phases slow both alike). Floor: GDAL's CPU seconds on one "
        "thread to decode the inputs and to encode the output again (same tiles, codec and predictor; overviews "
        f"included; the median of {args.repeats} measurements), divided by the threads. Inputs from "
        f"`geostrip synth`: a {args.size} Sentinel-2-like scene and DEM, {slc_size} complex64 SLCs (HDF5) and "
        f"{DATES} dates of {dates_size}. The usual tool runs as a user would run it (`tests/perf/peers.py`): "
        "`gdal_translate` and the scipy mean and median encode on 2 threads, `gdal_calc.py`, `gdaldem` and numpy "
        "on one.",
        "",
        "| operation | output Mpixel | decode + encode (CPU s) | 1 thread (s) | / floor | 2 threads (s) | / floor | "
        "/ floor, both cores busy | stages at 2 threads: read, compute, encode, write (s) | peak RSS at 2 threads | "
        "the same on a quarter of the pixels: growth | the usual tool (s): geostrip at 2 threads is faster by |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cpu = r["decode"] + r["encode"]
        stages = r[2]["report"]["stage_seconds"]
        lines.append(f"| {r['case']} | {r['pixels'] / 1e6:.0f} | {r['decode']:.2f} + {r['encode']:.2f} | "
                     f"{r[1]['seconds']:.2f} | {r[1]['seconds'] / cpu:.2f}x | {r[2]['seconds']:.2f} | "
                     f"{r[2]['seconds'] / (cpu / 2):.2f}x | {r[2]['seconds'] / (r['busy'] / 2):.2f}x | "
                     f"{stages['read']:.2f}, {stages['compute']:.2f}, "
                     f"{stages['encode']:.2f}, {stages['write']:.2f} | "
                     f"{r[2]['rss'] / 2**20:.0f} MiB | "
                     f"{r['quarter_rss'] / 2**20:.0f} MiB: "
                     f"{100 * (r[2]['rss'] / r['quarter_rss'] - 1):+.1f}% | "
                     + (f"{r['peer']} {r['peer_seconds']:.2f}: {r['peer_seconds'] / r[2]['seconds']:.2f}x |"
                        if "peer" in r else "|"))
    lines += [
        "",
        "Peak RSS: the median of the runs' (`/usr/bin/time`), at 2 threads. Growth: from a quarter of the pixels to "
        "all of them (twice the rows and columns), the quarter being the same inputs made at half the size and run "
        "as many times.",
        "",
        "Above 1.0x is what geostrip spends beyond decoding and encoding: its own compute (the kernels), "
        "resampling, overviews and statistics, and the threads' idle time at the start and end of a run.",
        "",
        "Both cores busy: the floor divides one thread's CPU seconds by the threads, as if a second thread cost "
        "what the first does. The floor measured twice at once, each on its own core, says what a thread of "
        "the same codec work costs on this machine when the other core is busy too (the median of the "
        "runs' decode + encode CPU seconds, divided by the 2 threads): "
        + f"{statistics.median(r['busy'] / (r['decode'] + r['encode']) for r in results):.2f}x "
        "the lone thread's, the median over the operations.",
        "",
    ]
    with open(os.path.join(docs, "floors.md"), "w") as out:
        out.write("\n".join(lines))


# The scaling model's parameters: a node's cores, rank 0's network link and
# its filesystem client (bytes/s).
CORES_PER_NODE = 64
LINKS = (12.5e9, 25e9)
CLIENTS = (1.5e9, 5e9)


def write_scaling(docs, args, results, share):
    lines = [
        "# Scaling model: when rank 0 saturates",
        "",
        "Produced by `tests/perf/bench-floors.py` from the rates it measured (nothing typed in). In gather mode "
        "every compressed byte passes through rank 0: its network link, its filesystem client, and its writer "
        "thread placing tiles. A node of "
        f"{CORES_PER_NODE} cores produces `{CORES_PER_NODE} x (one core's Mpixel/s) x (bytes per pixel)`; "
        "gather mode saturates at the node count where that, summed over nodes, reaches rank 0's link, its "
        "filesystem client or its placing rate, whichever comes first.",
        "",
        "| operation | one core (Mpixel/s, encoding included) | bytes per pixel | one node (MB/s) | "
        + " | ".join(f"nodes to fill a {link / 1e9:g} GB/s link" for link in LINKS) + " | "
        + " | ".join(f"nodes to fill a {client / 1e9:g} GB/s client" for client in CLIENTS)
        + " | rank 0's placing here (MB/s) | nodes to fill it |",
        "|---|---|---|---|" + "---|" * (len(LINKS) + len(CLIENTS) + 2),
    ]
    for r in results:
        rate = r["pixels"] / r[1]["seconds"]  # pixels/s of one core
        bpp = r[2]["bytes"] / r["pixels"]
        node = CORES_PER_NODE * rate * bpp
        write = r[2]["report"]["ranks"][0]["stage_seconds"]["write"]
        placing = r[2]["bytes"] / write if write > 0 else float("inf")
        limits = [*LINKS, *CLIENTS]
        lines.append(f"| {r['case']} | {rate / 1e6:.1f} | {bpp:.2f} | {node / 1e6:.0f} | "
                     + " | ".join(f"{limit / node:.1f}" for limit in limits)
                     + f" | {placing / 1e6:.0f} | {placing / node:.1f} |")
    lines += [
        "",
        "Gather mode saturates at the smallest of a row's node counts. Rank 0's placing rate is its writer "
        "thread's: the output's bytes over its write stage (O_DIRECT writes of whole tile rows, index entries, "
        "journal records) on this machine's disk while two threads compute beside it, so a lower bound of "
        "what a rank 0 that only places could do.",
        "",
        "What `--write direct` changes: rank 0 receives only each tile's size and checksum (and statistics "
        "or overview tiles where the output has them), and every node writes its own tiles through its own "
        "client. Measured here, ndi on 3 virtual nodes: rank 0 received "
        f"{100 * share['gather']:.1f}% of the output's bytes in gather mode and {100 * share['direct']:.3f}% "
        "in direct mode. Gather's limit, one link and one client, becomes the filesystem's aggregate "
        "bandwidth: `nodes x min(one node's output, its client)` up to what the servers sustain, which "
        "matters for the rows above that saturate at a few nodes.",
        "",
    ]
    with open(os.path.join(docs, "scaling.md"), "w") as out:
        out.write("\n".join(lines))


if __name__ == "__main__":
    main()
