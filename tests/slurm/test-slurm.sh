#!/bin/bash
# test-slurm.sh GEOSTRIP SOURCE_DIR: the sbatch scripts in slurm/ on a real
# single-node Slurm (started by start-slurm.sh; skipped, exit 77, when it
# cannot start). Checks that
#   1. a run completes, after its `check`; so does a batch of three jobs;
#   2. two ranks on the node (`srun -n2`) are refused with the fix;
#   3. a job whose time limit comes first receives USR1, exits 75, is
#      requeued, resumes from its journal and completes.
set -u
geostrip=$1 source=$2
sh "$source/tests/slurm/start-slurm.sh" || exit $?
work=$(mktemp -d /tmp/geostrip-slurm-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export GEOSTRIP=$geostrip OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

fail() {
  echo "FAIL: $*"
  for log in *.out; do echo "--- $log" && cat "$log"; done
  exit 1
}
job_state() { scontrol show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
job_ended() { job_state "$1" | grep -Eq '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)$'; }
# wait_for SECONDS COMMAND...: polls COMMAND every second.
wait_for() {
  local seconds=$1
  shift
  for _ in $(seq "$seconds"); do
    "$@" && return 0
    sleep 1
  done
  return 1
}

echo "1. a run completes"
"$geostrip" synth s2 -o scene --size 1200x1000 > /dev/null || fail "synth"
sbatch --wait --quiet --time=5 --output=run.out "$source/slurm/geostrip-run.sbatch" \
  run ndi -i a=scene/B08.tif -i b=scene/B04.tif -o ndvi.tif --progress log || fail "the run job failed"
[ -f ndvi.tif ] && [ ! -e ndvi.tif.partial ] || fail "ndvi.tif was not written"
grep -q "no findings" run.out || fail "the check step did not run"
grep -q "wrote ndvi.tif" run.out || fail "the run did not report its output"
grep -q "geostrip: .*blocks (100%)" run.out || fail "no progress line in the job's output"

for n in 1 2 3; do
  echo "ndi -i a=scene/B08.tif -i b=scene/B04.tif --scale a=0.$n -o ndvi$n.tif"
done > jobs.manifest
sbatch --wait --quiet --time=5 --output=batch.out "$source/slurm/geostrip-batch.sbatch" \
  jobs.manifest --status jobs.status.jsonl || fail "the batch job failed"
[ -f ndvi1.tif ] && [ -f ndvi2.tif ] && [ -f ndvi3.tif ] || fail "the batch did not write its three outputs"
[ "$(grep -c '"status":"done"' jobs.status.jsonl)" -eq 3 ] || fail "the status file does not hold three done jobs"
grep -q "batch: 3 jobs" batch.out || fail "the batch did not print its summary"

echo "2. two ranks on one node are refused with the fix"
srun -N1 -n2 "$geostrip" check > shared.out 2>&1
code=$?
[ "$code" -eq 1 ] || fail "srun -n2 exited $code, not 1"
grep -q "srun --ntasks-per-node=1 --cpus-per-task=N" shared.out || fail "the refusal does not give the fix"

echo "3. the time limit: USR1, exit 75, requeue, resume, complete"
# slurmctld sends the signal on its first 30-s sweep after the end is
# within the script's @120: with 3 minutes, between 60 and 90 s in. Rows are
# on disk by then, and the run (about 130 s on 2 cores here) is not finished.
"$geostrip" synth s2 -o big --size 12000x6000 > /dev/null || fail "synth"
job=$(sbatch --parsable --time=3 --output=limit.out "$source/slurm/geostrip-run.sbatch" \
  run median --window 901x901 --block-rows 64 -i src=big/B04.tif -o median.tif --progress log) || fail "sbatch"
wait_for 240 grep -qs "requeueing to resume" limit.out || fail "job $job was not interrupted and requeued"
# Room for the resumed attempt to finish.
scontrol update JobId="$job" TimeLimit=20 || fail "cannot raise the time limit"
wait_for 900 job_ended "$job" && [ "$(job_state "$job")" = COMPLETED ] || fail "job $job is $(job_state "$job")"
grep -q "interrupted by SIGUSR1: rows 0-" limit.out || fail "the first attempt kept no rows"
grep -q "resumed median.tif: rows 0-" limit.out || fail "the second attempt did not resume"
scontrol show job "$job" | grep -q "Restarts=1" || fail "job $job was not restarted exactly once"
[ -f median.tif ] && [ ! -e median.tif.partial ] && [ ! -e median.tif.journal ] || fail "median.tif is not complete"
echo "PASS"
