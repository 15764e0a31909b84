#!/usr/bin/env bash
# Checks the deployment files without a container engine or a Kubernetes cluster:
#   1. every shell script under deploy/ parses (bash -n; shellcheck too when installed);
#   2. every YAML file under deploy/ and docker-compose.yml parses (python3's yaml module);
#   3. deploy/Dockerfile's build context: .dockerignore exists, every COPY source exists and is
#      not ignored, every build context and Dockerfile that docker-compose.yml names exists;
#   4. docker-compose.yml passes "docker-compose config -q" (installed from Debian when missing,
#      CI=true, running as root and apt-get is there; skipped with a message otherwise);
#   5. every entry class the compose file and the Kubernetes manifests name has a main method in
#      the built job jar.
# Exit 0 when every check that could run passed.
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
failed=0
pass() { echo "ok    $*"; }
fail() {
    echo "FAIL  $*" >&2
    failed=1
}
skip() { echo "skip  $*"; }

# 1. Shell scripts.
while IFS= read -r f; do
    if bash -n "$f"; then pass "bash -n $f"; else fail "bash -n $f"; fi
done < <(find deploy -name '*.sh' -not -path '*/target/*' | sort; echo deploy/docker/exoclone)
if command -v shellcheck >/dev/null; then
    if shellcheck -x -S warning deploy/*.sh deploy/local/*.sh deploy/docker/*.sh; then pass shellcheck; else fail shellcheck; fi
else
    skip "shellcheck (not installed)"
fi

# 2. YAML files.
mapfile -t yamls < <(
    echo docker-compose.yml
    find deploy \( -name '*.yaml' -o -name '*.yml' \) -not -path '*/target/*' | sort
)
if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
    for f in "${yamls[@]}"; do
        if out="$(python3 - "$f" 2>&1 <<'PY'
import sys, yaml
with open(sys.argv[1]) as f:
    docs = [d for d in yaml.safe_load_all(f) if d is not None]
if not docs:
    sys.exit("no YAML document")
for d in docs:
    if not isinstance(d, dict):
        sys.exit("a document is not a mapping")
    # Kubernetes manifests name their kind and version.
    if "kind" in d and not ("apiVersion" in d and "metadata" in d):
        sys.exit("%s without apiVersion or metadata" % d["kind"])
print(len(docs), "document(s)")
PY
)"; then pass "yaml $f ($out)"; else fail "yaml $f: $out"; fi
    done
else
    skip "YAML parsing (python3 with its yaml module is not installed)"
fi

# 3. The Dockerfile's build context (the repository root).
if [ -f .dockerignore ]; then pass ".dockerignore present"; else fail ".dockerignore missing"; fi
ignored() {
    local src="$1" pat
    while IFS= read -r pat; do
        case "$pat" in '' | '#'*) continue ;; esac
        pat="${pat#/}"
        pat="${pat#\*\*/}"
        case "$src" in "$pat" | "$pat"/* | */"$pat" | */"$pat"/*) return 0 ;; esac
    done <.dockerignore
    return 1
}
copies=0
while read -r line; do
    # COPY [--flags...] SRC... DEST; stages (--from) copy from images, not the context.
    read -ra words <<<"$line"
    args=()
    from=0
    for w in "${words[@]:1}"; do
        case "$w" in --from=*) from=1 ;; --*) ;; *) args+=("$w") ;; esac
    done
    [ "$from" = 1 ] && continue
    for src in "${args[@]:0:${#args[@]}-1}"; do
        copies=$((copies + 1))
        if [ "$src" = . ]; then continue; fi
        if ! compgen -G "$src" >/dev/null; then
            fail "deploy/Dockerfile: COPY source $src does not exist"
        elif ignored "$src"; then
            fail "deploy/Dockerfile: COPY source $src is excluded by .dockerignore"
        fi
    done
done < <(grep -E '^(COPY|ADD) ' deploy/Dockerfile)
[ "$copies" -gt 0 ] && pass "deploy/Dockerfile: $copies COPY source(s) in the build context"
for f in pom.xml deploy/log4j2-cli.xml flink-jobs/pom.xml; do
    if ignored "$f"; then fail ".dockerignore excludes $f, which the build needs"; fi
done
if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
    if out="$(python3 - <<'PY' 2>&1
import os, sys, yaml
compose = yaml.safe_load(open("docker-compose.yml"))
bad = []
for name, svc in compose["services"].items():
    build = svc.get("build")
    if isinstance(build, dict):
        ctx = build.get("context", ".")
        dockerfile = os.path.join(ctx, build.get("dockerfile", "Dockerfile"))
        if not os.path.isdir(ctx):
            bad.append("%s: build context %s" % (name, ctx))
        if not os.path.isfile(dockerfile):
            bad.append("%s: %s" % (name, dockerfile))
        target = build.get("target")
        if target and not any(
            l.split()[-1] == target
            for l in open(dockerfile)
            if l.upper().startswith("FROM ") and " AS " in l.upper()
        ):
            bad.append("%s: no stage %s in %s" % (name, target, dockerfile))
if bad:
    sys.exit("missing: " + ", ".join(bad))
PY
)"; then pass "docker-compose.yml: build contexts, Dockerfiles and stages exist"; else fail "docker-compose.yml $out"; fi
fi

# 4. docker-compose config.
compose=""
if command -v docker-compose >/dev/null; then
    compose=docker-compose
elif [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing docker-compose (Debian package) for the check..."
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose) >/tmp/validate-apt.log 2>&1; then
        compose=docker-compose
    else
        fail "could not install docker-compose (log: /tmp/validate-apt.log)"
    fi
fi
if [ -n "$compose" ]; then
    if "$compose" -f docker-compose.yml config -q; then pass "$compose config -q"; else fail "$compose config -q"; fi
else
    skip "docker-compose config (docker-compose not installed; CI=true as root installs it)"
fi

# 5. Entry classes: every main class the compose file and the manifests name has a main method in
#    the job jar (when it is built: mvn package puts it in flink-jobs/target/job/).
jar="$(compgen -G 'flink-jobs/target/job/exoclone-flink-jobs-*-job.jar' | head -1 || true)"
if [ -n "$jar" ] && command -v javap >/dev/null; then
    mapfile -t mains < <(
        {
            grep -ho 'entryClass: *[A-Za-z0-9_.]*' deploy/kubernetes/*.yaml | sed 's/.*: *//'
            grep -A1 -- '- exoclone-submit' docker-compose.yml | sed -n 's/^ *- *\(io\.exoclone\.[A-Za-z0-9_.]*\)$/\1/p'
        } | sort -u
    )
    [ "${#mains[@]}" -gt 0 ] || fail "no entry class found in docker-compose.yml or deploy/kubernetes"
    for m in "${mains[@]}"; do
        if javap -cp "$jar" "$m" 2>/dev/null | grep -q 'public static void main(java.lang.String\[\])'; then
            pass "entry class $m has a main method in $(basename "$jar")"
        else
            fail "entry class $m (named in the deployment files) has no main method in $jar"
        fi
    done
else
    skip "entry classes (the job jar is not built: mvn -DskipTests -pl flink-jobs -am package)"
fi

if [ "$failed" = 0 ]; then echo "deploy/validate.sh: all checks passed"; else
    echo "deploy/validate.sh: some checks FAILED" >&2
    exit 1
fi
