#!/usr/bin/env bash
# End-to-end check of docker-compose.yml (needs Docker with compose): starts the stack, writes a
# volume on site A and snapshots it three times, and waits until site B's replica pool holds every
# snapshot with the same bytes. Leaves the stack running; "docker compose down -v" removes it.
#
# Usage: deploy/compose-e2e.sh [timeout-seconds, default 300]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
timeout="${1:-300}"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); elif command -v docker-compose >/dev/null; then
    compose=(docker-compose)
else
    echo "compose-e2e: skipped, no docker compose here" >&2
    exit 3
fi
dc() { "${compose[@]}" "$@"; }
a() { dc exec -T site-a exoclone --pool /data/pool "$@"; }
b() { dc exec -T site-b exoclone --pool /data/pool "$@"; }

dc up -d --build
dc up -d --no-recreate submit-assemble
for _ in $(seq 1 60); do a volume list 2>/dev/null | grep -q vm1 && break; sleep 2; done
a volume list | grep -q vm1 || { echo "site-a never created vm1" >&2; dc logs site-a | tail -50; exit 1; }

tags=()
for i in 1 2 3; do
    # A mix of new and copied data, so the dedup index has something to find.
    dc exec -T site-a sh -c "head -c 4M /dev/urandom > /tmp/w$i && exoclone --pool /data/pool write vm1 --offset $((i * 8))M --from /tmp/w$i && exoclone --pool /data/pool write vm1 --offset $((i * 8 + 4))M --from /tmp/w$i"
    a snapshot vm1 --tag "e2e-$i" >/dev/null
    tags+=("e2e-$i")
done

deadline=$((SECONDS + timeout))
for t in "${tags[@]}"; do
    want="$(a read "vm1@$t" | sha256sum | cut -d' ' -f1)"
    until got="$(b read "vm1@$t" 2>/dev/null | sha256sum | cut -d' ' -f1)" && [ "$got" = "$want" ]; do
        if ((SECONDS > deadline)); then
            echo "compose-e2e: vm1@$t did not reach site B within ${timeout}s" >&2
            dc logs --tail 50 site-a site-b taskmanager >&2
            exit 1
        fi
        sleep 3
    done
    echo "vm1@$t replicated: sha256 $got"
done
b check
echo "compose-e2e: site B holds every snapshot of site A, byte for byte"
