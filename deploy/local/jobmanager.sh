#!/usr/bin/env bash
# The local Flink JobManager: a standalone session cluster entry point (REST API and dashboard on
# 127.0.0.1:$FLINK_REST_PORT from ports.env).
#
# Usage: jobmanager.sh start|stop|status
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rest_up() { http_get overview; }

start() {
    load_ports
    if pid="$(running_pid jobmanager)"; then
        log "jobmanager: already running (pid $pid), dashboard http://$FLINK_REST"
        return 0
    fi
    port_in_use "$FLINK_REST_PORT" && die "port $FLINK_REST_PORT (ports.env FLINK_REST_PORT) is taken by another process"
    write_flink_config
    [ -f "$WORK/conf/log4j2.properties" ] || write_log_config
    local params jvm
    params="$(bash_java_utils GET_JM_RESOURCE_PARAMS)"
    jvm="$(echo "$params" | sed -n 1p)"
    log "jobmanager: starting, dashboard http://$FLINK_REST"
    # shellcheck disable=SC2086 # the JVM parameters are a list
    spawn jobmanager $jvm "${FLINK_JDK_OPTS[@]}" -cp "$(cluster_classpath)" \
        org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$WORK/conf"
    wait_for jobmanager 90 rest_up
    log "jobmanager: up (pid $(running_pid jobmanager))"
}

case "${1:-}" in
    start) start ;;
    stop) terminate jobmanager ;;
    status)
        load_ports
        if pid="$(running_pid jobmanager)"; then echo "jobmanager running (pid $pid), http://$FLINK_REST"; else
            echo "jobmanager stopped"
            exit 1
        fi
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
