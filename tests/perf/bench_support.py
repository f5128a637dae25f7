"""What the benchmark scripts of tests/perf share: their options and work
folder, and the wall seconds and peak RSS of commands."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


# Debian's python, with python3-gdal, numpy, scipy and h5py (another python3 may come first on PATH).
PYTHON = "/usr/bin/python3"

# Open MPI as root, several ranks sharing this machine's cores.
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def virtual_nodes(nodes):
    """mpirun of one rank on each of `nodes` virtual nodes (tests/support/ssh-standin), as the MPI tests run."""
    standin = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support", "ssh-standin")
    hosts = ",".join(f"vnode{n}:1" for n in range(1, nodes + 1))
    return ["mpirun", "--host", hosts, "--mca", "plm_rsh_agent", standin, "--bind-to", "none"]


def timed(command, env=None):
    """Wall seconds and peak RSS (bytes) of one run; `env` adds to the environment."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, capture_output=True, text=True,
                          env=None if env is None else {**os.environ, **env})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) * 1024


def median(commands, repeats, outputs, env=None):
    """Median over `repeats` of the summed wall seconds of `commands` run in
    turn (each time without `outputs`), the largest peak RSS among them, and
    the steps of the median run."""
    return interleaved([(commands, outputs)], repeats, env)[0]


def turns(jobs, repeats, env=None):
    """Each job (commands, outputs) run `repeats` times, the jobs taking turns
    in every repeat (each time without `outputs`): for each job, every
    repeat's summed wall seconds, peak RSS and the seconds of its commands."""
    totals, peaks, parts = ([[] for _ in jobs] for _ in range(3))
    for _ in range(repeats):
        for j, (commands, outputs) in enumerate(jobs):
            for path in outputs:
                if os.path.exists(path):
                    os.remove(path)
            runs = [timed(c, env) for c in commands]
            totals[j].append(sum(s for s, _ in runs))
            peaks[j].append(max(r for _, r in runs))
            parts[j].append([s for s, _ in runs])
    return totals, peaks, parts


def interleaved(jobs, repeats, env=None):
    """median() of each job (commands, outputs), the jobs taking turns in
    every repeat, so that a machine whose speed drifts slows them alike."""
    totals, peaks, parts = turns(jobs, repeats, env)
    results = []
    for j in range(len(jobs)):
        best = sorted(range(repeats), key=lambda i: totals[j][i])[repeats // 2]
        results.append((statistics.median(totals[j]), statistics.median(peaks[j]), parts[j][best]))
    return results


def setup(description, prefix):
    """The script's options (--geostrip, --size, --repeats, --work, --docs),
    parsed, with the geostrip binary and docs folder as absolute paths; and
    the work folder, made and entered (a new temporary one unless --work)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--geostrip", default="build/apps/geostrip")
    parser.add_argument("--size", default="8780x8780")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", default=None)
    parser.add_argument("--docs", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                                                       "perf"))
    args = parser.parse_args()
    args.geostrip = os.path.abspath(args.geostrip)
    args.docs = os.path.abspath(args.docs)
    work = args.work or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    return args, work
