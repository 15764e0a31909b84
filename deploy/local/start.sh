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
"$here/kafka.sh" start
"$here/jobmanager.sh" start
"$here/taskmanager.sh" start
cat <<MSG
exoclone local cluster is up (work dir $WORK)
  Kafka bootstrap   $KAFKA_BOOTSTRAP
  Flink dashboard   http://$FLINK_REST
  logs              $WORK/log/
MSG
