#!/usr/bin/env bash
# fio over NBD: exoclone serve's NBD server against qemu-nbd (raw, qcow2) and nbdkit file, same
# run, same disk; then write latency while snapshots are taken. Results: BENCHMARKS.md.
#   benchmarks/nbd-bench.sh [DIR] [SECONDS]   (default /tmp/exoclone-nbdbench, 15 s per run)
# Needs fio, qemu-utils and nbdkit (apt-get install -y fio qemu-utils nbdkit).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in fio qemu-nbd qemu-img nbdkit; do
    command -v "$t" >/dev/null || { echo "nbd-bench: $t is not installed" >&2; exit 1; }
done
mvn -q -B -ntp -DskipTests -pl benchmarks -am package
exec java -Xmx2g -cp benchmarks/target/benchmarks.jar io.exoclone.bench.NbdBench "$@"
