#!/usr/bin/env bash
# Submits a job of the exoclone job jar to the Flink cluster of docker-compose.yml, once the
# JobManager lists a TaskManager; a job of the same name that already runs is left alone, so the
# submitter can run again after a restart.
#
# Usage: exoclone-submit MAIN_CLASS JOB_NAME [job arguments...]
# Environment: FLINK_REST (default jobmanager:8081), EXOCLONE_JOB_JAR.
set -euo pipefail
main="$1"
name="$2"
shift 2
rest="${FLINK_REST:-jobmanager:8081}"
jar="${EXOCLONE_JOB_JAR:-/opt/flink/usrlib/exoclone-job.jar}"

# GET http://$rest/PATH, body on stdout, with bash alone (the Flink image need not have curl).
get() {
    exec 3<>"/dev/tcp/${rest%:*}/${rest#*:}" || return 1
    printf 'GET /%s HTTP/1.0\r\nHost: %s\r\n\r\n' "$1" "$rest" >&3
    sed '1,/^\r$/d' <&3
    exec 3<&-
}

for _ in $(seq 1 120); do
    tms="$(get overview 2>/dev/null | sed -n 's/.*"taskmanagers":\([0-9]*\).*/\1/p')" || true
    [ "${tms:-0}" -ge 1 ] && break
    sleep 2
done
[ "${tms:-0}" -ge 1 ] || { echo "no TaskManager registered at $rest" >&2; exit 1; }

if get jobs/overview | tr '{' '\n' | grep -F "\"name\":\"$name\"" |
    grep -Eq '"state":"(RUNNING|CREATED|RESTARTING|INITIALIZING)"'; then
    echo "$name already runs on $rest"
    exit 0
fi
exec flink run -d -m "$rest" -c "$main" "$jar" "$@"
