#!/usr/bin/env bash
# The local Flink TaskManager (two slots), registered with the local JobManager.
#
# Usage: taskmanager.sh start|stop|kill|status
#   start  starts it and waits until the JobManager lists it
#   stop   SIGTERM, a clean shutdown
#   kill   SIGKILL, a crash: running tasks fail over once a TaskManager is back
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The JobManager lists the TaskManager with this resource ID.
registered() { http_get taskmanagers | grep -q "\"id\":\"$1\""; }

start() {
    load_ports
    if pid="$(running_pid taskmanager)"; then
        log "taskmanager: already running (pid $pid)"
        return 0
    fi
    running_pid jobmanager >/dev/null || die "the JobManager is not running; start it first (start.sh)"
    [ -f "$WORK/conf/config.yaml" ] || write_flink_config
    local params jvm dynamic id
    params="$(bash_java_utils GET_TM_RESOURCE_PARAMS)"
    jvm="$(echo "$params" | sed -n 1p)"
    dynamic="$(echo "$params" | sed -n 2p)"
    # A new ID per start, so a restarted TaskManager is told apart from the one it replaces.
    id="local-tm-$(date +%s)-$RANDOM"
    log "taskmanager: starting ($id)"
    # shellcheck disable=SC2086 # JVM parameters and dynamic properties are lists
    spawn taskmanager $jvm "${FLINK_JDK_OPTS[@]}" -cp "$(cluster_classpath)" \
        org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$WORK/conf" \
        $dynamic -D "taskmanager.resource-id=$id"
    wait_for taskmanager 90 registered "$id"
    log "taskmanager: up and registered (pid $(running_pid taskmanager))"
}

case "${1:-}" in
    start) start ;;
    stop) terminate taskmanager ;;
    kill) terminate taskmanager KILL ;;
    status)
        load_ports
        if pid="$(running_pid taskmanager)"; then echo "taskmanager running (pid $pid)"; else
            echo "taskmanager stopped"
            exit 1
        fi
        ;;
    *)
        echo "usage: $0 start|stop|kill|status" >&2
        exit 2
        ;;
esac
