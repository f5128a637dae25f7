#!/usr/bin/python3
"""geostrip side by side with GDAL's tools, numpy and scipy, in one run.

    tests/perf/run-benchmarks.py [--geostrip build/apps/geostrip] [--size 8780x8780]
                                 [--repeats 3] [--work /tmp/geostrip-bench] [--docs docs/perf]

Builds realistic inputs with `geostrip synth` (a Sentinel-2-like scene and a
DEM), runs every case --repeats times and keeps the median wall time and
peak RSS, then writes docs/perf/benchmarks.md (the tables) and
docs/perf/benchmarks.png (the plot). Every output uses the same codec:
tiled 512, DEFLATE, predictor 3 for floats and 2 for integers.

Needs python3-gdal, python3-numpy, python3-scipy and python3-matplotlib
(Debian), gdal_calc.py and gdaldem (gdal-bin), and mpirun for the
virtual-node cases. Not part of ctest: speed is measured, not asserted.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench_support import MPI_ENV, virtual_nodes
from peers import FLOAT_CO, INTEGER_CO, SCIPY_MEAN, gdal_calc_ndi, gdaldem

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(command, env=None):
    """Wall seconds, peak RSS (bytes, the largest process of the command) and stdout."""
    wrapped = ["/usr/bin/time", "-f", "%M"] + command
    start = time.perf_counter()
    done = subprocess.run(wrapped, capture_output=True, text=True, env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    rss_kib = int(done.stderr.strip().splitlines()[-1])
    return seconds, rss_kib * 1024, done.stdout


def median_run(command, repeats, output=None, env=None, report=None):
    """Median wall seconds and RSS of `repeats` runs; the last run's report, if any."""
    runs = []
    for _ in range(repeats):
        for path in filter(None, [output, report]):
            if os.path.exists(path):
                os.remove(path)
        runs.append(timed(command, env))
    parsed = json.load(open(report)) if report else None
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), parsed


def python_case(code, *args):
    return [sys.executable, "-c", code, *args]


# numpy: read both bands whole, compute, write with GDAL's own 2 encoder threads.
NUMPY_NDI = """
import sys, numpy as np
from osgeo import gdal
gdal.UseExceptions()
a = gdal.Open(sys.argv[1]).ReadAsArray().astype(np.float32)
b = gdal.Open(sys.argv[2]).ReadAsArray().astype(np.float32)
with np.errstate(divide='ignore', invalid='ignore'):
    out = (a - b) / (a + b)
out[(a == 0) | (b == 0) | (a + b == 0)] = np.nan
ds = gdal.GetDriverByName('GTiff').Create(sys.argv[3], a.shape[1], a.shape[0], 1, gdal.GDT_Float32,
                                          sys.argv[4].split(',') + ['NUM_THREADS=2'])
ds.GetRasterBand(1).WriteArray(out)
ds.GetRasterBand(1).SetNoDataValue(float('nan'))
ds = None
"""


# The codec floor of ndi: decoding both inputs and encoding the output, each
# on one thread, in CPU seconds (process time), with GDAL.
CODEC_FLOOR = """
import sys, time, numpy as np
from osgeo import gdal
gdal.UseExceptions()
gdal.SetCacheMax(1 << 30)
t0 = time.process_time()
a = gdal.Open(sys.argv[1]).ReadAsArray()
b = gdal.Open(sys.argv[2]).ReadAsArray()
decode = time.process_time() - t0
out = gdal.Open(sys.argv[3]).ReadAsArray()
t0 = time.process_time()
ds = gdal.GetDriverByName('GTiff').Create(sys.argv[4], out.shape[1], out.shape[0], 1, gdal.GDT_Float32,
                                          sys.argv[5].split(','))
ds.GetRasterBand(1).WriteArray(out)
ds = None
encode = time.process_time() - t0
print(decode, encode)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geostrip", default="build/apps/geostrip")
    parser.add_argument("--size", default="8780x8780", help="ROWSxCOLS of the scene (77 Mpixel by default)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", default=None, help="scratch directory (default: a new one under /tmp)")
    parser.add_argument("--docs", default=os.path.join(HERE, "..", "..", "docs", "perf"))
    args = parser.parse_args()
    geostrip = os.path.abspath(args.geostrip)
    rows, cols = (int(n) for n in args.size.split("x"))
    work = args.work or tempfile.mkdtemp(prefix="geostrip-bench-")
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    cores = len(os.sched_getaffinity(0))
    repeats = args.repeats
    float_co = ",".join(FLOAT_CO)
    print(f"scene {rows}x{cols} ({rows * cols / 1e6:.0f} Mpixel), {cores} cores, {repeats} runs each, in {work}")

    for kind, output in (("s2", "scene"), ("dem", "dem")):  # --overwrite: a --work directory may be reused
        subprocess.run([geostrip, "synth", kind, "-o", output, "--size", args.size, "--overwrite"], check=True,
                       capture_output=True)
    a, b, dem = "scene/B08.tif", "scene/B04.tif", "dem/dem.tif"
    pixels = rows * cols
    results = []  # (case, tool, seconds, rss, stages or None)

    def add(case, tool, seconds, rss, report=None):
        stages = report["stage_seconds"] if report else None
        results.append({"case": case, "tool": tool, "seconds": seconds, "rss": rss, "stages": stages,
                        "ranks": report["ranks"] if report else None,
                        "run_seconds": report["seconds"] if report else None})
        print(f"  {case:10} {tool:38} {seconds:7.2f} s  {rss / 2**20:7.0f} MiB")

    def geostrip_run(case, tool, op_args, output, launcher=(), threads=2, extra_env=None):
        command = list(launcher) + [geostrip, "run", *op_args, "-o", output, "--threads", str(threads),
                                    "--progress", "none", "--report", output + ".json"]
        s, _, report = median_run(command, repeats, output, extra_env, output + ".json")
        add(case, tool, s, report["peak_rss_bytes"], report)  # the largest rank's, not mpirun's
        return report

    ndi_args = ["ndi", "-i", f"a={a}", "-i", f"b={b}"]
    print("ndi")
    for threads in (1, 2):
        geostrip_run("ndi", f"geostrip, {threads} thread{'s' if threads > 1 else ''}", ndi_args, "ndi.tif",
                     threads=threads)
    s, rss, _ = median_run(gdal_calc_ndi(a, b, "calc.tif"), repeats, "calc.tif")
    add("ndi", "gdal_calc.py", s, rss)
    s, rss, _ = median_run(python_case(NUMPY_NDI, a, b, "numpy.tif", float_co), repeats, "numpy.tif")
    add("ndi", "numpy + GDAL (2 encoder threads)", s, rss)
    floor_out = subprocess.run(python_case(CODEC_FLOOR, a, b, "ndi.tif", "floor.tif", float_co),
                               check=True, capture_output=True, text=True).stdout.split()
    decode, encode = float(floor_out[0]), float(floor_out[1])
    floor = (decode + encode) / 2
    print(f"  codec floor: decode {decode:.2f} + encode {encode:.2f} CPU-s, / 2 threads = {floor:.2f} s")

    print("ndi on virtual nodes (1 rank each, 2 threads each, sharing the machine's cores)")
    for nodes in (1, 2, 3):
        launcher = virtual_nodes(nodes)
        geostrip_run("ndi-nodes", f"geostrip, {nodes} virtual node(s)", ndi_args, "ndi-n.tif", launcher,
                     extra_env=MPI_ENV)

    print("rgb")
    rgb_args = ["rgb", "-i", "red=scene/B04.tif", "-i", "green=scene/B03.tif", "-i", "blue=scene/B02.tif",
                "--clamp", "3000"]
    geostrip_run("rgb", "geostrip, 2 threads", rgb_args, "rgb.tif")
    calc = "numpy.round(255*(numpy.clip({},0,3000)/3000.0)**(1/2.2))"
    s, rss, _ = median_run(["gdal_calc.py", "-A", "scene/B04.tif", "-B", "scene/B03.tif", "-C", "scene/B02.tif",
                            "--outfile=rgbcalc.tif", "--type=Byte", "--quiet",
                            f"--calc={calc.format('A')}", f"--calc={calc.format('B')}", f"--calc={calc.format('C')}",
                            *sum((["--co", o] for o in INTEGER_CO), [])], repeats, "rgbcalc.tif")
    add("rgb", "gdal_calc.py (RGB, no alpha)", s, rss)

    print("hillshade and slope")
    geostrip_run("hillshade", "geostrip, 2 threads", ["hillshade", "-i", f"dem={dem}"], "hs.tif")
    s, rss, _ = median_run(gdaldem("hillshade", dem, "gdaldem-hs.tif"), repeats, "gdaldem-hs.tif")
    add("hillshade", "gdaldem", s, rss)
    geostrip_run("slope", "geostrip, 2 threads", ["slope", "-i", f"dem={dem}"], "slope.tif")
    s, rss, _ = median_run(gdaldem("slope", dem, "gdaldem-slope.tif"), repeats, "gdaldem-slope.tif")
    add("slope", "gdaldem", s, rss)

    print("mean 9x9")
    geostrip_run("mean", "geostrip, 2 threads", ["mean", "--window", "9x9", "-i", f"src={b}"], "mean.tif")
    s, rss, _ = median_run(python_case(SCIPY_MEAN, b, "scipy-mean.tif", float_co), repeats, "scipy-mean.tif")
    add("mean", "scipy.ndimage.uniform_filter + GDAL", s, rss)

    print("memory as the raster grows (ndi, 2 threads)")
    growth = []
    base_rows, base_cols = rows // 4, cols // 4
    for factor, (r, c) in ((1, (base_rows, base_cols)), (4, (base_rows * 2, base_cols * 2)), (16, (rows, cols))):
        size = f"{r}x{c}"
        if factor < 16:
            subprocess.run([geostrip, "synth", "s2", "-o", f"grow{factor}", "--size", size, "--overwrite"], check=True,
                           capture_output=True)
            inputs = [f"a=grow{factor}/B08.tif", f"b=grow{factor}/B04.tif"]
        else:
            inputs = [f"a={a}", f"b={b}"]
        command = [geostrip, "run", "ndi", "-i", inputs[0], "-i", inputs[1], "-o", f"grow{factor}.tif",
                   "--threads", "2", "--progress", "none", "--report", f"grow{factor}.json"]
        s, rss, report = median_run(command, repeats, f"grow{factor}.tif", None, f"grow{factor}.json")
        growth.append({"factor": factor, "size": size, "seconds": s, "rss": report["peak_rss_bytes"]})
        print(f"  {factor:2}x {size:>11}: {s:6.2f} s, peak RSS {report['peak_rss_bytes'] / 2**20:.0f} MiB")

    write_docs(args.docs, args.size, pixels, cores, repeats, results, decode, encode, floor, growth)
    if not args.work:
        shutil.rmtree(work)


STAGES = ("read", "compute", "encode", "gather", "write")


def write_docs(docs, size, pixels, cores, repeats, results, decode, encode, floor, growth):
    os.makedirs(docs, exist_ok=True)
    lines = [
        "# Benchmarks: geostrip side by side",
        "",
        f"Produced by `tests/perf/run-benchmarks.py --size {size}` on the development machine ({cores} cores),",
        f"median of {repeats} runs each, all in one run. Inputs from `geostrip synth` (a {pixels / 1e6:.0f}-Mpixel",
        "Sentinel-2-like scene, UInt16 DEFLATE; a Float32 DEM). Every output: tiled 512, DEFLATE,",
        "predictor 3 (floats) or 2 (bytes). Peak RSS: geostrip's largest rank (its run report), the",
        "others' process (`/usr/bin/time`).",
        "",
        "| case | tool | seconds | Mpixel/s | peak RSS | read | compute | encode | gather | write |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        st = r["stages"]
        stages = " | ".join(f"{st[k]:.2f}" for k in STAGES) if st else "| | | |"
        lines.append(f"| {r['case']} | {r['tool']} | {r['seconds']:.2f} | {pixels / r['seconds'] / 1e6:.1f} | "
                     f"{r['rss'] / 2**20:.0f} MiB | {stages} |")
    ndi = {r["tool"]: r["seconds"] for r in results if r["case"] == "ndi"}
    best = ndi["geostrip, 2 threads"]
    three = next(r for r in results if r["tool"] == "geostrip, 3 virtual node(s)")
    root_write = three["ranks"][0]["stage_seconds"]["write"]
    lines += [
        "",
        "Seconds are the whole process, start-up included. Stage seconds come from geostrip's run",
        "report: `read`, `compute` and `encode` (compressing tiles, on every rank) are summed over",
        "threads and ranks, `gather` over ranks, `write` is rank 0's writer thread placing tiles.",
        "",
        "The virtual nodes (`ndi-nodes`) all share this machine's cores, each rank with 2 threads: they",
        "show what gathering and rank 0's writer cost, not a speedup.",
        "",
        "## ndi against its codec floor and gdal_calc.py",
        "",
        f"Decoding both inputs takes {decode:.2f} CPU-seconds and encoding the output {encode:.2f} (GDAL, one",
        f"thread each, measured in the same run); on 2 threads the floor is ({decode:.2f} + {encode:.2f}) / 2 =",
        f"{floor:.2f} s. geostrip's ndi at 2 threads: {best:.2f} s, {best / floor:.2f}x the floor;",
        f"`gdal_calc.py`: {ndi['gdal_calc.py']:.2f} s, {ndi['gdal_calc.py'] / best:.2f}x geostrip's time.",
        "",
        f"On 3 virtual nodes rank 0's write stage is {root_write:.2f} s of the run's {three['run_seconds']:.2f} s",
        f"({100 * root_write / three['run_seconds']:.0f}%).",
        "",
        "## Memory as the raster grows (ndi, 2 threads)",
        "",
        "| raster | size | seconds | peak RSS | growth |",
        "|---|---|---|---|---|",
    ]
    for previous, g in zip([None] + growth, growth):
        change = f"{100 * (g['rss'] / previous['rss'] - 1):+.0f}%" if previous else ""
        lines.append(f"| {g['factor']}x | {g['size']} | {g['seconds']:.2f} | {g['rss'] / 2**20:.0f} MiB | {change} |")
    lines += ["", "![benchmarks](benchmarks.png)", ""]
    open(os.path.join(docs, "benchmarks.md"), "w").write("\n".join(lines))
    plot(os.path.join(docs, "benchmarks.png"), results, growth, floor)


def plot(path, results, growth, floor):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, (times, memory) = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [2.2, 1]})
    labels = [f"{r['case']}: {r['tool']}" for r in results]
    colors = ["tab:blue" if r["tool"].startswith("geostrip") else "tab:gray" for r in results]
    times.barh(range(len(results)), [r["seconds"] for r in results], color=colors)
    times.set_yticks(range(len(results)), labels, fontsize=8)
    times.invert_yaxis()
    times.axvline(floor, color="tab:red", linestyle="--", label=f"ndi codec floor, 2 threads ({floor:.2f} s)")
    times.set_xlabel("wall seconds (median)")
    times.legend(fontsize=8)
    times.set_title("geostrip (blue) and the usual tools (grey)")
    memory.plot([g["factor"] for g in growth], [g["rss"] / 2**20 for g in growth], marker="o")
    memory.set_xscale("log", base=4)
    memory.set_xticks([g["factor"] for g in growth], [f"{g['factor']}x\n{g['size']}" for g in growth])
    memory.set_ylim(bottom=0)
    memory.set_ylabel("peak RSS, MiB")
    memory.set_title("ndi: memory as the raster grows")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
