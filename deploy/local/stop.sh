#!/usr/bin/env bash
# Stops the local cluster (TaskManager, JobManager, then the broker) and waits until every
# process is gone. Data (Kafka log, checkpoints) and ports.env stay in the work dir; delete the
# work dir for a fresh start. Idempotent.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
. "$here/lib.sh"

"$here/taskmanager.sh" stop
"$here/jobmanager.sh" stop
"$here/kafka.sh" stop
