#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine runs docs/campaign/slurm-campaign.sh (the
# script docs/campaigns.md documents, not a copy) on a 4-run campaign in 2 array tasks; the
# merged report must equal the unsharded campaign's byte for byte. munged, slurmctld and
# slurmd run in the foreground as children of this script with every file under a temporary
# folder (key, socket, pid, state, spool, logs, slurm.conf with free ports) and are stopped at
# the end; nothing is left behind. Exit 77 (CTest: skipped) when Slurm or munge is not
# installed (scripts/setup-deps installs them).
#
#   tests/slurm/slurm_campaign_test.sh PUMPBENCH REPOSITORY
set -euo pipefail

pumpbench=$1
repository=$2
for program in munged mungekey slurmctld slurmd sbatch squeue; do
  if ! command -v "$program" >/dev/null; then
    echo "SKIPPED: $program is not installed (scripts/setup-deps installs slurmctld slurmd munge)"
    exit 77
  fi
done

scratch=$(mktemp -d /tmp/pumptwin-slurm.XXXXXX)
daemons=()
jobs_submitted=()

say() { echo "slurm-test: $*"; }
fail() {
  echo "slurm-test: FAILED: $*" >&2
  for log in "$scratch"/log/*.log "$scratch"/out/logs/*.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# Processes of this test's cluster that outlived their daemons (a job step, a job's shell):
# found by this test's own temporary folder in their command line, environment (SLURM_CONF) or
# working directory.
leftovers() {
  python3 - "$scratch" <<'EOF_PY'
import os, sys
scratch = sys.argv[1]
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) == os.getpid():
        continue
    try:
        command = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
        environment = open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace")
        folder = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        continue  # gone meanwhile, or not ours to read
    if scratch in command or scratch in environment or folder.startswith(scratch):
        print(pid)
EOF_PY
}

stop_cluster() {
  if [ ${#jobs_submitted[@]} -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then
    scancel "${jobs_submitted[@]}" 2>/dev/null || true
    jobs_submitted=()
  fi
  local pid
  for pid in "${daemons[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${daemons[@]}"; do wait "$pid" 2>/dev/null || true; done
  daemons=()
  for pid in $(leftovers); do kill -KILL "$pid" 2>/dev/null || true; done
}

cleanup() {
  stop_cluster
  [ -n "${watchdog:-}" ] && kill -KILL "$watchdog" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Should this script be killed outright (a CTest timeout sends SIGKILL, which no trap sees), the
# watchdog stops the cluster's daemons and whatever still runs in the folder, and removes it.
(
  trap '' INT TERM
  while kill -0 $$ 2>/dev/null; do sleep 1; done
  for pid in $(cat "$scratch"/daemons 2>/dev/null) $(leftovers); do
    kill -KILL "$pid" 2>/dev/null
  done
  rm -rf "$scratch"
) >/dev/null 2>&1 &
watchdog=$!
disown "$watchdog"  # no job notice when it is stopped

started=$(date +%s.%N)
node=$(hostname -s)
mkdir -p "$scratch"/{state,spool,log,munge}
chmod 0711 "$scratch" "$scratch/munge"  # munged checks its socket folder's permissions

# munge with its own key, socket, pid and seed files.
mungekey --create --keyfile="$scratch/munge/munge.key"
munged --foreground --key-file="$scratch/munge/munge.key" \
  --socket="$scratch/munge/munge.socket" --pid-file="$scratch/munge/munged.pid" \
  --seed-file="$scratch/munge/munged.seed" --log-file="$scratch/log/munged.log" \
  >>"$scratch/log/munged.log" 2>&1 &
daemons+=($!)
echo $! >>"$scratch/daemons"
for _ in $(seq 100); do [ -S "$scratch/munge/munge.socket" ] && break; sleep 0.05; done
[ -S "$scratch/munge/munge.socket" ] || fail "munged did not create its socket"

# Two free loopback ports for slurmctld and slurmd (6817/6818 unless set).
read -r ctld_port slurmd_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')

export SLURM_CONF=$scratch/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=pumptwin-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$scratch/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=campaign Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >>"$scratch/log/slurmctld.log" 2>&1 &
daemons+=($!)
echo $! >>"$scratch/daemons"
slurmd -D -N "$node" -f "$SLURM_CONF" >>"$scratch/log/slurmd.log" 2>&1 &
daemons+=($!)
echo $! >>"$scratch/daemons"
for _ in $(seq 200); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
  sleep 0.1
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || fail "the node did not come up idle"
say "cluster up in $(python3 -c "import time; print(round(time.time() - $started, 1))") s"

# The documented script, one core per shard so that both shards run at once on 2 cores.
campaign=$repository/tests/slurm/campaign.yaml
submitted=$(PUMPBENCH=$pumpbench CPUS_PER_TASK=1 \
  "$repository/docs/campaign/slurm-campaign.sh" "$campaign" 2 "$scratch/out") ||
  fail "docs/campaign/slurm-campaign.sh did not submit the campaign"
say "$submitted"
read -r array_job merge_job < \
  <(sed -E 's/.*array job ([0-9]+).*merge job ([0-9]+).*/\1 \2/' <<<"$submitted")
[[ $array_job =~ ^[0-9]+$ && $merge_job =~ ^[0-9]+$ ]] || fail "no job ids in: $submitted"
jobs_submitted=("$array_job" "$merge_job")

# The unsharded campaign, here, while Slurm runs the shards.
set +e
timeout 240 "$pumpbench" campaign "$campaign" -j 1 --out "$scratch/whole" \
  >"$scratch/log/whole.log" 2>&1
whole_code=$?
set -e
# Exit 1: the kinked runs fail their delivery expectation, as the campaign means them to.
[ "$whole_code" -eq 1 ] || fail "the unsharded campaign exited $whole_code, not 1"

# No sacct without slurmdbd: the jobs are done when squeue no longer lists them.
for _ in $(seq 960); do
  queued=$(squeue -h -j "$array_job,$merge_job" -o %i 2>/dev/null) || fail "squeue failed"
  [ -z "$queued" ] && break
  sleep 0.25
done
[ -z "$queued" ] || fail "jobs still queued after 240 s: $queued"
jobs_submitted=()
say "jobs done in $(python3 -c "import time; print(round(time.time() - $started, 1))") s"

for shard in 0 1; do
  [ -f "$scratch/out/shards/$shard/shard.json" ] || fail "shard $shard wrote no shard.json"
done
for file in campaign.json campaign.md junit.xml traceability.md traceability.csv; do
  [ -s "$scratch/whole/$file" ] || fail "the unsharded campaign wrote no $file"
  cmp "$scratch/whole/$file" "$scratch/out/report/$file" ||
    fail "$file merged from the Slurm shards differs from the unsharded campaign's"
done
say "merged report equals the unsharded one (5 files, byte for byte)"
total_runs=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['runs_total'])" \
  "$scratch/out/report/campaign.json")
[ "$total_runs" -eq 4 ] || fail "the merged report has $total_runs runs, not 4"

stop_cluster
remaining=$(leftovers)
[ -z "$remaining" ] || fail "processes left behind: $remaining"
say "passed in $(python3 -c "import time; print(round(time.time() - $started, 1))") s; cluster stopped"
