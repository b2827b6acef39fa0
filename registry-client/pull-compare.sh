#!/bin/bash
# Pull of a 60-layer image from a local registry: `strata pull` against `docker pull`, same registry,
# same image, alternating runs; prints the medians and their ratio. Run as root from the repository:
#   [STRATA_DRIVER=overlay2] [STRATA_ARGS="--storage-opt durability=none"] registry-client/pull-compare.sh [runs] [layers] [KiB per layer]
# Needs docker-registry (Debian package), a running Docker engine and the strata command (built on
# demand by ./strata). Leaves nothing behind: registry, images and roots are removed on exit.
set -euo pipefail
runs=${1:-5}
layers=${2:-60}
kib=${3:-512}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/pull-compare.XXXXXX)
port=$((20000 + RANDOM % 20000))
image="127.0.0.1:$port/bench/layers:$layers"
registry_pid=""

cleanup() {
  docker rmi -f "$image" >/dev/null 2>&1 || true
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in docker-registry docker; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install docker-registry docker.io)" >&2; exit 2; }
done
docker info >/dev/null 2>&1 || { echo "no Docker engine answers; start dockerd first" >&2; exit 2; }

cat > "$work/config.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done

# FROM scratch with one COPY per layer: Docker (127.0.0.0/8 is insecure by default) pushes it.
mkdir -p "$work/ctx"
{
  echo "FROM scratch"
  for i in $(seq "$layers"); do
    head -c $((kib * 1024)) /dev/urandom > "$work/ctx/f$i"
    echo "COPY f$i /data/f$i"
  done
} > "$work/ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$image" "$work/ctx" >/dev/null
docker push "$image" >/dev/null
docker rmi -f "$image" >/dev/null

./strata --version >/dev/null # build the command once, outside the timings
ms() { local s=$(date +%s%N); "$@" >/dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
strata_times=(); docker_times=()
for run in $(seq "$runs"); do
  root="$work/root-$run"
  strata_times+=("$(cd "$repo" && ms ./strata --root "$root" --driver "${STRATA_DRIVER:-overlay2}" ${STRATA_ARGS:-} pull --insecure-registry "127.0.0.1:$port" "$image")")
  rm -rf "$root"
  docker_times+=("$(ms docker pull -q "$image")")
  docker rmi -f "$image" >/dev/null
done
s=$(printf '%s\n' "${strata_times[@]}" | median)
d=$(printf '%s\n' "${docker_times[@]}" | median)
echo "pull of $layers layers x ${kib} KiB from 127.0.0.1:$port, $runs runs each, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-14s %10s   %s\n' tool "median ms" runs
printf '%-14s %10s   %s\n' "strata pull" "$s" "${strata_times[*]}"
printf '%-14s %10s   %s\n' "docker pull" "$d" "${docker_times[*]}"
awk -v s="$s" -v d="$d" 'BEGIN {printf "strata/docker wall-time ratio: %.2f (below 1 = strata faster)\n", s / d}'
