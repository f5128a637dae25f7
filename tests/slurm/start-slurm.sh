#!/bin/sh
# start-slurm.sh: a real single-node Slurm on this machine (munge, slurmctld,
# slurmd), for tests/slurm. Needs root and the Debian packages slurm-wlm and
# munge. Idempotent: a Slurm already answering is left as it is. Exits 77
# (CTest's skip) when Slurm cannot be started here.
set -u
if scontrol ping 2>/dev/null | grep -q UP && sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
  exit 0
fi
for tool in slurmctld slurmd munged sbatch; do
  command -v "$tool" > /dev/null || { echo "start-slurm: $tool is not installed (apt-get install slurm-wlm munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "start-slurm: must run as root to start Slurm daemons"; exit 77; }

node=$(hostname -s)
state=/tmp/geostrip-slurm
mkdir -p "$state/ctld" "$state/spool" /etc/slurm /run/munge /var/log/munge /var/lib/munge
memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=geostrip-test
SlurmctldHost=$node(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=cred_expire=10
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ReturnToService=2
JobRequeue=1
MinJobAge=600
KillWait=10
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
[ -s /etc/munge/munge.key ] || { mkdir -p /etc/munge; dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2> /dev/null; }
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2> /dev/null
chmod 400 /etc/munge/munge.key
pgrep -x munged > /dev/null || runuser -u munge -- munged || munged --force
pgrep -x slurmctld > /dev/null || slurmctld
pgrep -x slurmd > /dev/null || slurmd
for _ in $(seq 60); do
  if sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then exit 0; fi
  scontrol update nodename="$node" state=resume > /dev/null 2>&1
  sleep 1
done
echo "start-slurm: the node did not come up; see $state/slurmctld.log and $state/slurmd.log"
tail -5 "$state/slurmctld.log" "$state/slurmd.log"
exit 1
