#!/usr/bin/env bash
# The cost of reaching a pool through exoclone serve's control socket instead of opening it:
# the same verbs, timed end to end as a user runs them (./exoclone, a JVM per command), first on
# a pool nobody serves, then on the same pool while `exoclone serve` holds it.
#
#   benchmarks/scripts/control-socket.sh [SIZE_MIB] [RUNS]     (default 1024 MiB, 5 runs)
#
# Prints the median wall time of each case and the ratio served/direct. Checks that the image
# read through the socket is byte for byte the one written.
set -euo pipefail
size_mib="${1:-1024}"
runs="${2:-5}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exo="$root/exoclone"
work="$(mktemp -d /tmp/exoclone-control-bench.XXXXXX)"
serve_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export EXOCLONE_POOL="$work/pool"

"$exo" --version >/dev/null # builds the launcher's class path if it is stale
head -c "$((size_mib << 20))" /dev/urandom >"$work/image"
want="$(sha256sum <"$work/image" | cut -d' ' -f1)"
"$exo" pool init >/dev/null
"$exo" volume create big --size "${size_mib}M" >/dev/null
"$exo" write big --from "$work/image" >/dev/null

# median of the wall times (ms) of RUNS runs of a shell command
median_ms() {
    local i t0 t1 times=()
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        bash -c "$1"
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

declare -A cases=(
    [read]="'$exo' read big | cat >/dev/null"
    [write_stdin]="cat '$work/image' | '$exo' write big >/dev/null"
    [write_file]="'$exo' write big --from '$work/image' >/dev/null"
    [log]="'$exo' log >/dev/null"
)
order=(read write_stdin write_file log)

declare -A direct served
for c in "${order[@]}"; do direct[$c]=$(median_ms "${cases[$c]}"); done

"$exo" serve --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 1 600); do [ -S "$EXOCLONE_POOL/serve.sock" ] && break; sleep 0.1; done
[ -S "$EXOCLONE_POOL/serve.sock" ] || { cat "$work/serve.err" >&2; exit 1; }

got="$("$exo" read big | sha256sum | cut -d' ' -f1)"
[ "$got" = "$want" ] || { echo "read through serve differs from the image" >&2; exit 5; }
for c in "${order[@]}"; do served[$c]=$(median_ms "${cases[$c]}"); done

echo "nproc=$(nproc) $(lscpu | grep 'Model name' | sed 's/  */ /g')"
echo "size=${size_mib}MiB runs=$runs (median wall time, ./exoclone end to end)"
printf '%-12s %10s %10s %8s %12s %12s\n' case direct_ms served_ms ratio direct_MB/s served_MB/s
for c in "${order[@]}"; do
    d=${direct[$c]}
    s=${served[$c]}
    if [ "$c" = log ]; then
        printf '%-12s %10d %10d %8.2f %12s %12s\n' "$c" "$d" "$s" "$(echo "$s/$d" | bc -l)" - -
    else
        printf '%-12s %10d %10d %8.2f %12.0f %12.0f\n' "$c" "$d" "$s" "$(echo "$s/$d" | bc -l)" \
            "$(echo "$size_mib*1048576/1000/$d" | bc -l)" "$(echo "$size_mib*1048576/1000/$s" | bc -l)"
    fi
done
