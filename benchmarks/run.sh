#!/usr/bin/env bash
# Builds the benchmarks and runs them with JMH, writing JSON results to benchmarks/results/.
#
#   benchmarks/run.sh [quick|full] [JMH args...]
#
#   quick (default)  a small parameter subset (mostly overlay2, the smaller sizes), each class's
#                    own warm-up and iteration counts (1 fork, 1 warm-up, 3 iterations): minutes
#   full             every parameter: every driver and size (an hour or more on 2 cores)
#
# Anything after the profile goes to JMH, e.g. a benchmark regex and options:
#   benchmarks/run.sh quick 'ApplyBenchmark|DiffBenchmark'
#   benchmarks/run.sh full ApplyHeapBenchmark -prof gc
#   benchmarks/run.sh full DiffBenchmark -p driver=btrfs -p changes=10
# In the quick profile, a -p of your own for a parameter QUICK_PARAMS already sets is merged with
# it by JMH rather than replacing it; use the full profile to choose parameters yourself.
#
# Needs root (loop devices, mount(2)). Inputs are cached in /var/tmp/strata-bench/inputs
# (-Dstrata.bench.inputs in JMH's -jvmArgsAppend to move them); the first run makes them.
# Results: benchmarks/results/<profile>-<UTC timestamp>.json (compare two with jmh.morethan.io).
set -euo pipefail

# The quick profile's parameters, one line per parameter. JMH applies a -p to every selected
# benchmark that declares that parameter and ignores it elsewhere, so each line says which
# benchmarks it restricts. Add your benchmarks' parameters here.
QUICK_PARAMS=(
  -p driver=overlay2        # every benchmark with a driver (the others: full profile)
  -p layer=files-20k        # ApplyBenchmark (1 GiB: ApplyHeapBenchmark in quick, both in full)
  -p compression=none       # ApplyBenchmark, ApplyHeapBenchmark
  -p changes=1000           # DiffBenchmark, CommitBenchmark
  -p storeLayers=1000       # LayerStoreBenchmark get/list
  -p volumes=1000           # VolumeBenchmark.list
  -p threads=2              # VolumeBenchmark relabel
  -p depth=1,125            # MountBenchmark, RawMountBenchmark, MountVsRawBenchmark
  -p api=fsconfig           # RawMountBenchmark (mount2 cannot pass 125 layers' options)
  -p files=1000             # CreateWritableBenchmark, RawSnapshotBenchmark, CreateWritableVsRawBenchmark
  -p size=4096,104857600    # CopyUpBenchmark
  -p layers=1,60            # LookupBenchmark
)

profile=quick
if [[ $# -gt 0 && ( $1 == quick || $1 == full ) ]]; then
  profile=$1
  shift
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "run.sh: the benchmarks need root (loop filesystems and mounts)" >&2
  exit 1
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
mvn -B -q -ntp -DskipTests -pl benchmarks -am package

mkdir -p benchmarks/results
results="benchmarks/results/${profile}-$(date -u +%Y%m%dT%H%M%SZ).json"

args=()
if [[ $profile == quick ]]; then
  args+=("${QUICK_PARAMS[@]}")
fi

echo "run.sh: profile $profile, results in $results" >&2
java -jar benchmarks/target/benchmarks.jar "${args[@]}" "$@" -rf json -rff "$results"
