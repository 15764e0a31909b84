#!/usr/bin/env bash
# Checks the local cluster and prints a status table. Exit 0 when all three are up: the broker
# answers a metadata request, the JobManager's REST API answers and lists at least one
# TaskManager, and the TaskManager process runs.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ -s "$WORK/ports.env" ] || {
    echo "no local cluster in $WORK (run start.sh)"
    exit 1
}
load_ports
ok=0
row() { printf '%-12s %-6s %-8s %-22s %s\n' "$@"; }
row COMPONENT STATE PID ADDRESS DETAIL

pid="$(running_pid kafka)" || pid=-
if [ "$pid" != - ] && detail="$(kafka_probe 2>&1)"; then state=up; else
    state=DOWN
    ok=1
    detail="${detail:-process not running}"
fi
row kafka "$state" "$pid" "$KAFKA_BOOTSTRAP" "$detail"

pid="$(running_pid jobmanager)" || pid=-
tms=""
if [ "$pid" != - ] && tms="$(taskmanager_count)"; then
    state=up
    detail="REST API answers, $tms TaskManager(s) registered"
else
    state=DOWN
    ok=1
    detail="REST API not answering"
fi
row jobmanager "$state" "$pid" "http://$FLINK_REST" "$detail"

pid="$(running_pid taskmanager)" || pid=-
if [ "$pid" != - ] && [ "${tms:-0}" -ge 1 ]; then state=up; detail="process running"; else
    state=DOWN
    ok=1
    if [ "$pid" = - ]; then detail="process not running"; else detail="not registered"; fi
fi
row taskmanager "$state" "$pid" "-" "$detail"
exit $ok
