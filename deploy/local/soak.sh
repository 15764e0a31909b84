#!/usr/bin/env bash
# Soak test of continuous replication on the local cluster: a served volume takes a steady write
# load over NBD (fio) while `replicate` runs on the cluster's broker and Flink processes; the
# TaskManager is killed (SIGKILL) and restarted, and the broker restarted, every few minutes. At
# the end a last snapshot is taken, replicate is stopped with SIGTERM (as Ctrl-C: it drains), and the script
# reports snapshots replicated, duplicates, losses and root-hash mismatches (goal: 0, 0, 0).
#
# Usage: deploy/local/soak.sh [MINUTES]        (default 30)
# Environment:
#   SOAK_DIR            work directory, emptied first (default /tmp/exoclone-soak)
#   SOAK_RATE           fio's write rate (default 4m: 4 MiB/s of 64 KiB random writes)
#   SOAK_EVERY          snapshot interval of replicate --every (default 5s)
#   SOAK_TM_EVERY       seconds between TaskManager kills (default 300; 0: never)
#   SOAK_BROKER_EVERY   seconds between broker restarts (default 420; 0: never)
# With both at 0 it is the pipeline benchmark of a real client: fio at a fixed rate into a served
# volume while replicate runs; the report adds the replication lag (p50, p99, max).
# Exit 0 when nothing was lost, duplicated or mismatched; 1 otherwise. Needs fio (Debian).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
exo="$root/exoclone"
minutes="${1:-30}"
work="${SOAK_DIR:-/tmp/exoclone-soak}"
rate="${SOAK_RATE:-4m}"
every="${SOAK_EVERY:-5s}"
tm_every="${SOAK_TM_EVERY:-300}"
broker_every="${SOAK_BROKER_EVERY:-420}"

say() { printf '%s soak: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }
command -v fio >/dev/null || die "fio is needed (apt-get install fio)"
command -v python3 >/dev/null || die "python3 is needed for the report"

rm -rf "$work"
mkdir -p "$work"
export EXOCLONE_LOCAL_DIR="$work/cluster"
serve_pid=""
replicate_pid=""
fio_pid=""
cleanup() {
    for p in $fio_pid $replicate_pid; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 2
    for p in $fio_pid $replicate_pid; do kill -KILL "$p" 2>/dev/null || true; done
    [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null || true
    "$here/stop.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "starting the local cluster in $EXOCLONE_LOCAL_DIR"
"$here/start.sh" >"$work/start.out"
# shellcheck disable=SC1091
. "$EXOCLONE_LOCAL_DIR/ports.env"

"$exo" pool init "$work/a" >/dev/null
"$exo" pool init "$work/b" >/dev/null
"$exo" --pool "$work/a" volume create vm1 --size 1G >/dev/null

"$exo" --pool "$work/a" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 1 120); do
    grep -q '^Serving pool' "$work/serve.out" 2>/dev/null && break
    kill -0 "$serve_pid" 2>/dev/null || die "serve exited: $(cat "$work/serve.err")"
    sleep 0.5
done
nbd="$(grep -o 'nbd://127.0.0.1:[0-9]*' "$work/serve.out" | head -1)"
[ -n "$nbd" ] || die "serve printed no NBD address"
say "serving pool A on $nbd/vm1"

"$exo" replicate --from "$work/a" --to "$work/b" --volume vm1 --every "$every" \
    --bootstrap "$KAFKA_BOOTSTRAP" --flink "$FLINK_REST" --storage "file://$work/files" \
    --work "$work/b.replicate" --checkpoint-interval 1s \
    >"$work/replicate.out" 2>"$work/replicate.err" &
replicate_pid=$!

fio --name=soak --ioengine=nbd --uri="$nbd/vm1" --rw=randwrite --bs=64k --size=1g \
    --rate="$rate" --time_based --runtime="${minutes}m" --randrepeat=0 \
    --output="$work/fio.out" >/dev/null 2>"$work/fio.err" &
fio_pid=$!
chaos="TaskManager kill every ${tm_every}s, broker restart every ${broker_every}s"
[ "$tm_every" -gt 0 ] || [ "$broker_every" -gt 0 ] || chaos="no TaskManager kills, no broker restarts"
say "fio writes $rate for $minutes min; $chaos"

start=$(date +%s)
last_tm=$start
last_broker=$start
tm_kills=0
broker_restarts=0
while kill -0 "$fio_pid" 2>/dev/null; do
    sleep 5
    now=$(date +%s)
    kill -0 "$serve_pid" 2>/dev/null || die "serve died: $(tail -5 "$work/serve.err")"
    kill -0 "$replicate_pid" 2>/dev/null || die "replicate died: $(tail -5 "$work/replicate.err")"
    if [ "$tm_every" -gt 0 ] && [ $((now - last_tm)) -ge "$tm_every" ]; then
        say "killing the TaskManager (SIGKILL) and starting a new one"
        "$here/taskmanager.sh" kill >/dev/null
        sleep 3
        "$here/taskmanager.sh" start >/dev/null
        tm_kills=$((tm_kills + 1))
        last_tm=$(date +%s)
    fi
    if [ "$broker_every" -gt 0 ] && [ $((now - last_broker)) -ge "$broker_every" ]; then
        say "restarting the broker"
        "$here/kafka.sh" restart >/dev/null
        broker_restarts=$((broker_restarts + 1))
        last_broker=$(date +%s)
    fi
done
wait "$fio_pid" || die "fio failed: $(tail -5 "$work/fio.err")"
fio_pid=""
say "fio done; $(grep -o 'WRITE: bw=[^,]*' "$work/fio.out" | head -1)"

last="$("$exo" --pool "$work/a" snapshot vm1 --tag soak-end | tail -n 1)"
say "last snapshot $last; waiting for it to reach pool B"
for _ in $(seq 1 600); do
    grep -q "^replicated $last " "$work/replicate.out" && break
    kill -0 "$replicate_pid" 2>/dev/null || die "replicate died: $(tail -5 "$work/replicate.err")"
    sleep 1
done
grep -q "^replicated $last " "$work/replicate.out" || die "the last snapshot was not replicated within 10 minutes"
kill -TERM "$replicate_pid"   # SIGINT is ignored by background jobs of a script
rc=0
wait "$replicate_pid" || rc=$?
replicate_pid=""
[ "$rc" = 0 ] || say "replicate exited $rc after SIGTERM (see $work/replicate.err)"

"$exo" --pool "$work/a" log --json >"$work/a.json"
"$exo" --pool "$work/b" log --json >"$work/b.json"
"$exo" events tail -b "$KAFKA_BOOTSTRAP" -t exoclone.published --from-beginning --idle 15s \
    >"$work/published.jsonl" 2>/dev/null || true
check=0
"$exo" --pool "$work/b" check >"$work/b.check" 2>&1 || check=$?

python3 - "$work" "$minutes" "$tm_kills" "$broker_restarts" "$check" "$rc" <<'PY'
import json, sys, collections, re
work, minutes, tm, broker, check, rc = sys.argv[1:]
lines = open(f"{work}/replicate.out").read().splitlines()
# "present" lines are deliveries again after a restore, answered as already imported (no-ops).
redelivered = sum(1 for l in lines if l.startswith("present "))
lags = sorted(float(m.group(1)) for m in (re.search(r" lag=([0-9.]+)s", l) for l in lines if l.startswith("replicated ")) if m)
def pct(p):
    return lags[min(len(lags) - 1, int(round(p / 100 * (len(lags) - 1))))] if lags else float("nan")
def snaps(f):
    return {s["id"]: s for s in json.load(open(f))["snapshots"] if s["volume"] == "vm1"}
a, b = snaps(f"{work}/a.json"), snaps(f"{work}/b.json")
published = collections.Counter()
for line in open(f"{work}/published.jsonl"):
    line = line.strip()
    if line:
        ev = json.loads(line).get("event") or {}
        if "exocloneId" in ev:
            published[ev["exocloneId"]] += 1
lost = sorted(set(a) - set(b))
mismatched = sorted(i for i in set(a) & set(b) if a[i]["rootHash"] != b[i]["rootHash"])
duplicates = sorted(i for i, n in published.items() if n > 1)
print(f"soak: {minutes} min, {tm} TaskManager kill(s), {broker} broker restart(s)")
print(f"snapshots at site A          {len(a)}")
print(f"snapshots replicated to B    {len(set(a) & set(b))}")
print(f"published records            {sum(published.values())} for {len(published)} snapshot(s)")
print(f"duplicates                   {len(duplicates)}")
print(f"redelivered, already present {redelivered}")
print(f"losses                       {len(lost)}")
print(f"root-hash mismatches         {len(mismatched)}")
print(f"replication lag              p50 {pct(50):.1f} s, p99 {pct(99):.1f} s, max {pct(100):.1f} s over {len(lags)} snapshot(s)")
print(f"check of pool B              {'clean' if check == '0' else 'FAILED (exit ' + check + ')'}")
print(f"replicate after SIGTERM      exit {rc}")
for i in lost[:10]: print(f"  lost {i}")
for i in mismatched[:10]: print(f"  mismatch {i}")
for i in duplicates[:10]: print(f"  duplicate {i} x{published[i]}")
sys.exit(0 if not lost and not mismatched and not duplicates and check == "0" else 1)
PY
