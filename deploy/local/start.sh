#!/usr/bin/env bash
# Starts the local cluster on 127.0.0.1: a Kafka KRaft broker, a Flink JobManager and a Flink
# TaskManager, each its own process. Idempotent: what already runs is left alone. Returns once the
# broker answers and the JobManager lists a TaskManager; prints the addresses (also in ports.env).
#
# Environment: EXOCLONE_LOCAL_DIR (work dir, default /tmp/exoclone-local), EXOCLONE_KAFKA_PORT,
# EXOCLONE_FLINK_PORT (pin the ports at the first start), JAVA_HOME.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
. "$here/lib.sh"

load_ports
cluster_classpath >/dev/null
kafka_probe_classes >/dev/null
# The broker and the JobManager do not need each other: start them side by side.
"$here/kafka.sh" start &
kafka=$!
jm=0
"$here/jobmanager.sh" start || jm=$?
wait "$kafka" || die "the broker did not start (logs: $WORK/log/kafka.*)"
[ "$jm" = 0 ] || die "the JobManager did not start (logs: $WORK/log/jobmanager.*)"
"$here/taskmanager.sh" start
cat <<MSG
exoclone local cluster is up (work dir $WORK)
  Kafka bootstrap   $KAFKA_BOOTSTRAP
  Flink dashboard   http://$FLINK_REST
  logs              $WORK/log/
MSG
