#!/usr/bin/env bash
# Submits a job of the shaded job jar (flink-jobs, classifier "job") to the local session cluster,
# detached, and prints its JobID (also written to $EXOCLONE_LOCAL_DIR/jobs/<job>.jobid).
#
# Usage: submit.sh [-D KEY=VALUE]... assemble --bootstrap HOST:PORT --to URI [job options...]
#        submit.sh [-D KEY=VALUE]... replicate --bootstrap HOST:PORT --pool DIR [--site NAME] [...]
#        submit.sh cancel assemble|replicate|JOBID
#        submit.sh list
# The arguments after the job name go to the job's main class unchanged; --bootstrap defaults to
# the local broker when left out. Each -D before the job name is a Flink setting for this job only
# (flink run -D), e.g. -D restart-strategy.type=fixed-delay.
#
# Exit status: 0 submitted, 3 skipped because the job jar is not built (build it with
# "mvn -DskipTests -pl flink-jobs -am package", or set EXOCLONE_BUILD=1 to let this script do it),
# anything else an error.
#
# Environment: EXOCLONE_JOB_JAR (use this jar), EXOCLONE_ASSEMBLE_MAIN, EXOCLONE_REPLICATE_MAIN
# (main classes, default io.exoclone.jobs.AssembleJob and io.exoclone.jobs.replicate.ReplicateJob).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
    sed -n '4,11p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
    exit 2
}

find_job_jar() {
    if [ -n "${EXOCLONE_JOB_JAR:-}" ]; then
        [ -f "$EXOCLONE_JOB_JAR" ] && echo "$EXOCLONE_JOB_JAR"
        return
    fi
    local j
    for j in "$ROOT"/flink-jobs/target/job/exoclone-flink-jobs-*-job.jar \
        "$ROOT"/flink-jobs/target/exoclone-flink-jobs-*-job.jar; do
        [ -f "$j" ] && echo "$j" && return 0
    done
    return 0
}

# Runs Flink's command line client against the local cluster (config.yaml names the REST address).
flink_cli() {
    FLINK_CONF_DIR="$WORK/conf" "$JAVA" -Xmx256m "${FLINK_JDK_OPTS[@]}" -Dlog4j2.level=ERROR \
        -Dlog4j2.configurationFile="$ROOT/deploy/log4j2-cli.xml" -cp "$(cluster_classpath)" \
        org.apache.flink.client.cli.CliFrontend "$@"
}

# Whether the jar holds class $2 (dotted name).
jar_has_class() {
    local entry="${2//.//}.class"
    if command -v unzip >/dev/null; then
        unzip -l "$1" "$entry" >/dev/null 2>&1
    else
        "${JAVA%java}jar" tf "$1" | grep -qx "$entry"
    fi
}

submit() {
    local job="$1" main
    shift
    case "$job" in
        assemble) main="${EXOCLONE_ASSEMBLE_MAIN:-io.exoclone.jobs.AssembleJob}" ;;
        replicate) main="${EXOCLONE_REPLICATE_MAIN:-io.exoclone.jobs.replicate.ReplicateJob}" ;;
    esac
    local jar
    jar="$(find_job_jar)"
    if [ -z "$jar" ] && [ "${EXOCLONE_BUILD:-}" = 1 ]; then
        log "building the job jar (mvn -DskipTests -pl flink-jobs -am package)..."
        (cd "$ROOT" && mvn -q -B -ntp -DskipTests -pl flink-jobs -am package) </dev/null >&2
        jar="$(find_job_jar)"
    fi
    if [ -z "$jar" ]; then
        echo "submit.sh: skipped $job: the job jar is not built" \
            "(flink-jobs/target/[job/]exoclone-flink-jobs-*-job.jar)." >&2
        echo "Build it with: mvn -DskipTests -pl flink-jobs -am package (or set EXOCLONE_BUILD=1)" >&2
        exit 3
    fi
    # A job class may keep its entry point in a companion <Job>Main class; that one wins.
    if [ -z "${EXOCLONE_ASSEMBLE_MAIN:-}${EXOCLONE_REPLICATE_MAIN:-}" ] &&
        jar_has_class "$jar" "${main}Main"; then
        main="${main}Main"
    fi
    jar_has_class "$jar" "$main" || die "$jar has no class $main (set EXOCLONE_${job^^}_MAIN)"
    load_ports
    running_pid jobmanager >/dev/null || die "the local cluster is not running (start.sh)"
    local args=("$@")
    [[ " $* " == *" --bootstrap "* ]] || args=(--bootstrap "$KAFKA_BOOTSTRAP" "${args[@]}")
    log "submitting $job ($main) from $(basename "$jar") to http://$FLINK_REST"
    local out
    out="$(flink_cli run -d "${FLINK_RUN_OPTS[@]}" -c "$main" "$jar" "${args[@]}" 2>&1)" || {
        echo "$out" >&2
        die "submitting $job failed"
    }
    echo "$out" >&2
    local id
    id="$(echo "$out" | sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' | tail -1)"
    [ -n "$id" ] || die "no JobID in Flink's answer"
    echo "$id" >"$WORK/jobs/$job.jobid"
    echo "$id"
}

# Flink settings for the submitted job: -D KEY=VALUE (or -DKEY=VALUE) before the job name.
FLINK_RUN_OPTS=()
while [ $# -gt 0 ]; do
    case "$1" in
        -D)
            [ $# -ge 2 ] || usage
            FLINK_RUN_OPTS+=("-D$2")
            shift 2
            ;;
        -D?*)
            FLINK_RUN_OPTS+=("$1")
            shift
            ;;
        *) break ;;
    esac
done

case "${1:-}" in
    assemble | replicate) submit "$@" ;;
    cancel)
        [ $# = 2 ] || usage
        load_ports
        id="$2"
        [ -f "$WORK/jobs/$id.jobid" ] && id="$(cat "$WORK/jobs/$id.jobid")"
        flink_cli cancel "$id"
        ;;
    list)
        load_ports
        flink_cli list
        ;;
    *) usage ;;
esac
