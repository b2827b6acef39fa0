#!/usr/bin/env bash
# Side by side: Strata against GNU tar, containers-storage, Docker and raw syscalls, on the same
# inputs and the same filesystems, RUNS timed runs each after one untimed warmup. Prints a table of
# medians and ratios and writes it to benchmarks/results/compare-<timestamp>.txt.
#
#   sudo benchmarks/compare.sh            RUNS=3 benchmarks/compare.sh
#
# Strata is a library inside a long-running runtime, so it is timed in a warm JVM
# (dev.strata.bench.compare.Compare); where the other side is a process (containers-storage,
# docker load), Strata is also timed as a cold `strata` process. Every tool writes onto one loop
# xfs (a loop btrfs for the btrfs rows) that this script makes and tears down, Docker included: a
# private dockerd (own socket, data root on the loop xfs) is started and stopped here, so an engine
# already running is neither used nor touched. Inputs stay in the page cache for every tool alike
# (the warmup reads them); dirty pages are flushed, untimed, before every run of every tool.
#
# Environment: RUNS (5), LOOPS (mount and snapshot iterations per run, 50), LOAD_LAYERS (60),
# LOAD_FILES (files per layer of the archive, 200), MOUNT_DEPTH (125), APPLY_DRIVER (overlay2),
# ROWS (which groups to run, default all: "tar cstorage docker diff mount btrfs"), STRATA_WARMUPS
# (untimed warmup runs in Strata's JVM, 1: the JIT keeps speeding Strata up for a few more),
# BEFORE (a git revision: the apply, diff and mount rows also time Strata built from it against this
# tree's build, JVM by JVM alternating before/after BEFORE_ROUNDS (3) times, each JVM warm and
# timing RUNS runs, and print the ratio before/after; > 1 means this tree is faster).
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

RUNS="${RUNS:-5}"
LOOPS="${LOOPS:-50}"
LOAD_LAYERS="${LOAD_LAYERS:-60}"
LOAD_FILES="${LOAD_FILES:-200}"
MOUNT_DEPTH="${MOUNT_DEPTH:-125}"
APPLY_DRIVER="${APPLY_DRIVER:-overlay2}"
ROWS="${ROWS:-tar cstorage docker diff mount btrfs}"
STRATA_WARMUPS="${STRATA_WARMUPS:-3}"
DIFF_EVERY=2   # every other file of the 20,000 rewritten: 10,000 changed files

if [ "$(id -u)" != 0 ]; then
  echo "compare: must run as root (loop filesystems, mounts, dockerd)" >&2
  exit 1
fi

say() { printf 'compare: %s\n' "$*" >&2; }
wanted() { [[ " $ROWS " == *" $1 "* ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- tools -----------------------------------------------------------------------------------
need=()
for tool in tar:tar gzip:gzip gcc:gcc mkfs.xfs:xfsprogs mkfs.btrfs:btrfs-progs btrfs:btrfs-progs \
    losetup:mount containers-storage:containers-storage dockerd:docker.io docker:docker.io mvn:maven; do
  have "${tool%%:*}" || need+=("${tool#*:}")
done
have javac || need+=(openjdk-17-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  say "installing ${need[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
    say "could not install everything; rows whose tools are missing are skipped"
  fi
fi
for tool in java mvn losetup mkfs.xfs tar; do
  have "$tool" || { say "missing $tool; cannot run at all"; exit 1; }
done

# --- build -----------------------------------------------------------------------------------
say "building Strata (benchmarks, cli)"
mvn -B -q -ntp -DskipTests -pl benchmarks,cli -am package >&2 || { say "build failed"; exit 1; }
bench_cp="$repo/benchmarks/target/benchmarks.jar:$repo/benchmarks/target/lib/*"
cli_jar="$repo/cli/target/strata.jar"
BEFORE="${BEFORE:-}"
BEFORE_ROUNDS="${BEFORE_ROUNDS:-3}"

# --- scratch, filesystems and teardown ------------------------------------------------------
work="$(mktemp -d /var/tmp/strata-compare.XXXXXX)"
log="$work/log"
: >"$log"
xfs_dev="" btrfs_dev="" dockerd_pid="" cs_used="" archive_tag=""
xfs="$work/xfs" btrfs_mnt="$work/btrfs"
cs_opts=()

teardown() {
  set +e
  if [ -n "$dockerd_pid" ]; then
    docker -H "unix://$work/docker.sock" rmi -f "$archive_tag" >/dev/null 2>&1
    kill "$dockerd_pid" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$dockerd_pid" 2>/dev/null
    wait "$dockerd_pid" 2>/dev/null
  fi
  if [ -n "$cs_used" ]; then
    containers-storage "${cs_opts[@]}" wipe >/dev/null 2>&1
    containers-storage "${cs_opts[@]}" shutdown -f >/dev/null 2>&1
  fi
  for mnt in "$xfs" "$btrfs_mnt"; do
    if mountpoint -q "$mnt"; then
      umount -R "$mnt" 2>/dev/null || umount -R -l "$mnt"
    fi
  done
  [ -n "$xfs_dev" ] && losetup -d "$xfs_dev"
  [ -n "$btrfs_dev" ] && losetup -d "$btrfs_dev"
  [ -n "${keep_log:-}" ] && cp "$log" "$keep_log"
  rm -rf "$work"
}
trap teardown EXIT
trap 'exit 130' INT TERM

loop_fs() { # TYPE IMAGE SIZE MOUNTPOINT -> prints the loop device
  truncate -s "$3" "$2"
  if [ "$1" = xfs ]; then mkfs.xfs -q -f "$2" >>"$log" 2>&1; else mkfs.btrfs -q -f "$2" >>"$log" 2>&1; fi
  local dev
  dev="$(losetup -f --show "$2")" || return 1
  mkdir -p "$4"
  mount "$dev" "$4" || { losetup -d "$dev"; return 1; }
  echo "$dev"
}
xfs_dev="$(loop_fs xfs "$work/xfs.img" 12G "$xfs")" || { say "cannot make the loop xfs"; exit 1; }
if wanted btrfs && have mkfs.btrfs && have btrfs; then
  btrfs_dev="$(loop_fs btrfs "$work/btrfs.img" 4G "$btrfs_mnt")" || { btrfs_dev=""; say "cannot make the loop btrfs"; }
fi

# --- the BEFORE build ------------------------------------------------------------------------
before_cp=""
if [ -n "$BEFORE" ]; then
  before_rev="$(git rev-parse --short "$BEFORE^{commit}")" || { say "BEFORE=$BEFORE is not a revision"; exit 1; }
  say "building Strata at $before_rev (BEFORE) beside this tree"
  mkdir -p "$work/before"
  git archive "$before_rev" | tar -x -C "$work/before"
  (cd "$work/before" && mvn -B -q -ntp -DskipTests -pl benchmarks -am package >&2) || { say "BEFORE build failed"; exit 1; }
  before_cp="$work/before/benchmarks/target/benchmarks.jar:$work/before/benchmarks/target/lib/*"
fi

# --- inputs ----------------------------------------------------------------------------------
say "preparing inputs (made once, cached under /var/tmp/strata-bench/inputs)"
declare -A input
while IFS='=' read -r key value; do
  input[$key]="$value"
done < <(java -cp "$bench_cp" dev.strata.bench.compare.Inputs "$LOAD_LAYERS" "$LOAD_FILES")
archive_tag="${input[archive_tag]:-}"
[ -n "${input[archive]:-}" ] || { say "could not make the inputs"; exit 1; }

# --- timing helpers --------------------------------------------------------------------------
# measure BODY RESET: run 0 is the warmup; prints the ms of runs 1..RUNS, one a line.
measure() {
  local body=$1 reset=$2 run s e
  for ((run = 0; run <= RUNS; run++)); do
    sync
    s=$(date +%s%N)
    "$body" "$run" >>"$log" 2>&1 || { say "$body failed (run $run); see the log"; return 1; }
    e=$(date +%s%N)
    "$reset" "$run" >>"$log" 2>&1 || { say "$reset failed (run $run)"; return 1; }
    if ((run > 0)); then awk -v n=$((e - s)) 'BEGIN { printf "%.3f\n", n / 1e6 }'; fi
  done
}

# strata_warm OP ARGS...: Compare in a warm JVM; sets st to its times (ms, one a line) and
# info[key] from its '# key value' lines.
declare -A info
strata_warm() {
  local line
  st=""
  java -Dstrata.bench.warmups="$STRATA_WARMUPS" -cp "${strata_cp:-$bench_cp}" dev.strata.bench.compare.Compare "$@" >"$work/compare.out" 2>>"$log" || {
    say "Compare $1 failed; see the log"; return 1; }
  while IFS= read -r line; do
    if [[ $line == '# '* ]]; then
      line="${line#\# }"
      info[${line%% *}]="${line#* }"
    else
      st+="$line"$'\n'
    fi
  done <"$work/compare.out"
}

median() { awk 'NF' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rows=()
skipped=()
raw=()
before_rows=()
# row NAME STRATA_TIMES OTHER_TIMES KIND TARGET: KIND "faster" (ratio other/strata, met if >= TARGET),
# "overhead" (ratio strata/other, met if <= TARGET); TARGET "-" for rows without one.
row() {
  local name=$1 st=$2 ot=$3 kind=$4 target=$5 sm om ratio met tgt
  raw+=("$name | strata: $(echo $st) | other: $(echo $ot)")
  sm="$(median <<<"$st")" && om="$(median <<<"$ot")" || { skipped+=("$name: no times"); return; }
  if [ "$kind" = faster ]; then
    ratio="$(awk -v s="$sm" -v o="$om" 'BEGIN { printf "%.2f", o / s }')"
    tgt=">=${target}x"
    met="$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t) ? "yes" : "NO" }')"
  else
    ratio="$(awk -v s="$sm" -v o="$om" 'BEGIN { printf "%.2f", s / o }')"
    tgt="<=${target}x"
    met="$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r <= t) ? "yes" : "NO" }')"
  fi
  [ "$target" = - ] && { tgt="-"; met="-"; }
  rows+=("$name|$sm|$om|$ratio|$tgt|$met")
  say "$name: strata $sm ms, other $om ms, ratio $ratio"
}

fresh() { rm -rf "$1" && mkdir -p "$1"; }

# before_after NAME HOME OP ARGS...: with BEFORE set, Compare OP of the BEFORE build and of this
# tree alternate, a fresh JVM and HOME each time, BEFORE_ROUNDS times; the row's ratio is
# before/after (> 1: this tree is faster).
before_after() {
  [ -n "$before_cp" ] || return 0
  local name=$1 home=$2 op=$3 b="" a="" r bm am ratio
  shift 3
  for ((r = 0; r < BEFORE_ROUNDS; r++)); do
    rm -rf "$home"
    strata_cp="$before_cp" strata_warm "$op" "${@/@HOME@/$home}" || { skipped+=("$name: BEFORE failed"); rm -rf "$home"; return; }
    b+="$st"
    rm -rf "$home"
    strata_warm "$op" "${@/@HOME@/$home}" || { skipped+=("$name: this tree failed"); rm -rf "$home"; return; }
    a+="$st"
  done
  rm -rf "$home"
  raw+=("$name | before: $(echo $b) | after: $(echo $a)")
  bm="$(median <<<"$b")" && am="$(median <<<"$a")" || { skipped+=("$name: no times"); return; }
  ratio="$(awk -v b="$bm" -v a="$am" 'BEGIN { printf "%.2f", b / a }')"
  before_rows+=("$name|$bm|$am|$ratio")
  say "$name: before $bm ms, after $am ms, before/after $ratio"
}

# --- apply vs tar -x -------------------------------------------------------------------------
tar_dir="$xfs/tar"
tar_x() { tar -C "$tar_dir" -xf "$tar_in"; }
tar_xz() { tar -C "$tar_dir" -xzf "$tar_in"; }
tar_clean() { fresh "$tar_dir"; }

apply_row() { # NAME TAR TAR_FUNC TARGET
  local name=$1 st ot
  strata_warm apply "$APPLY_DRIVER" "$xfs/strata-apply" "$2" "$RUNS" || { skipped+=("$name: Strata failed"); rm -rf "$xfs/strata-apply"; return; }
  rm -rf "$xfs/strata-apply"
  tar_in="$2"
  tar_clean
  ot="$(measure "$3" tar_clean)" || { skipped+=("$name: tar failed"); return; }
  row "$name" "$st" "$ot" faster "$4"
  [ "$2" = "${input[small]}" ] && [ "$APPLY_DRIVER" = overlay2 ] && small_warm="$st"
  before_after "${name%% vs *}" "$xfs/strata-apply" apply "$APPLY_DRIVER" @HOME@ "$2" "$RUNS"
}
small_warm=""
if wanted tar; then
  say "apply vs tar -x"
  apply_row "apply 20k files vs tar -x" "${input[small]}" tar_x 1.2
  apply_row "apply 20k files .gz vs tar -xzf" "${input[small_gz]}" tar_xz 1.2
  apply_row "apply 1 GiB file vs tar -x" "${input[big]}" tar_x 0.8
  apply_row "apply 1 GiB file .gz vs tar -xzf" "${input[big_gz]}" tar_xz 0.8
fi

# --- containers-storage ----------------------------------------------------------------------
cs() { containers-storage "${cs_opts[@]}" "$@"; }
cs_import_small() { cs import-layer -f "${input[small]}"; }
cs_load() {
  local parent=() id i
  for ((i = 0; i < LOAD_LAYERS; i++)); do
    id="$(cs import-layer -f "${input[stack.$i]}" "${parent[@]}" 2>>"$log" | tail -n 1)" || return 1
    [ -n "$id" ] || return 1
    parent=("$id")
  done
}
cs_wipe() { cs wipe; }

strata_cli() { java -jar "$cli_jar" --root "$xfs/strata-cli" --driver overlay2 "$@"; }
cold_load() { strata_cli load -i "${input[archive]}"; }
cold_rmi() { strata_cli rmi -f "$archive_tag"; }
cold_import() { strata_cli import -t strata-bench/small:latest "${input[small]}"; }
cold_import_rmi() { strata_cli rmi -f strata-bench/small:latest; }

load_warm="" load_cold=""
if wanted cstorage || wanted docker; then
say "Strata load (warm and cold)"
if strata_warm load overlay2 "$xfs/strata-load" "${input[archive]}" "$RUNS"; then load_warm="$st"; else skipped+=("load: Strata (warm) failed"); fi
load_cold="$(measure cold_load cold_rmi)" || { load_cold=""; skipped+=("load: strata load (cold CLI) failed"); }
fi

if ! wanted cstorage; then
  :
elif have containers-storage; then
  say "containers-storage (overlay)"
  cs_opts=(--graph "$xfs/cs/root" --run "$work/cs-run" --storage-driver overlay)
  cs_used=1
  # The same measurement as the first tar row's, when that ran with overlay2: not repeated.
  if [ -z "$small_warm" ] && strata_warm apply overlay2 "$xfs/strata-cs" "${input[small]}" "$RUNS"; then
    small_warm="$st"
  fi
  rm -rf "$xfs/strata-cs"
  small_cold="$(measure cold_import cold_import_rmi)" || small_cold=""
  cs_small="$(measure cs_import_small cs_wipe)" || { cs_small=""; say "containers-storage import-layer failed"; }
  if [ -n "$cs_small" ]; then
    row "apply 20k files vs c-storage import-layer" "$small_warm" "$cs_small" faster 1.5
    row "  same, Strata cold (strata import: +image, +syncfs)" "$small_cold" "$cs_small" faster 1.5
  else
    skipped+=("apply 20k files vs containers-storage: import-layer failed (see the log)")
  fi
  cs_stack="$(measure cs_load cs_wipe)" || cs_stack=""
  if [ -n "$cs_stack" ]; then
    row "load ${LOAD_LAYERS} layers vs c-storage import-layer x${LOAD_LAYERS}" "$load_warm" "$cs_stack" faster -
    row "  same, Strata cold (strata load)" "$load_cold" "$cs_stack" faster -
  else
    skipped+=("load vs containers-storage: import-layer failed (see the log)")
  fi
else
  skipped+=("containers-storage rows: containers-storage is not installed")
fi

# --- docker load -----------------------------------------------------------------------------
if ! wanted docker; then
  :
elif have dockerd && have docker; then
  say "starting a private dockerd on the loop xfs"
  dockerd --data-root "$xfs/docker" --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" \
    -H "unix://$work/docker.sock" --iptables=false --bridge=none --storage-driver overlay2 \
    --containerd-namespace strata-compare --containerd-plugins-namespace strata-compare-plugins \
    >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  dk() { docker -H "unix://$work/docker.sock" "$@"; }
  for _ in $(seq 60); do
    dk info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if dk info >/dev/null 2>&1; then
    docker_load() { dk load -q -i "${input[archive]}"; }
    docker_rmi() { dk rmi -f "$archive_tag"; }
    say "docker load (driver $(dk info --format '{{.Driver}}'))"
    dl="$(measure docker_load docker_rmi)" || dl=""
    if [ -n "$dl" ]; then
      row "load ${LOAD_LAYERS} layers vs docker load" "$load_warm" "$dl" faster -
      row "  same, Strata cold (strata load)" "$load_cold" "$dl" faster -
    else
      skipped+=("load vs docker load: docker load failed (see the log)")
    fi
  else
    skipped+=("load vs docker load: dockerd did not start: $(tail -n 3 "$work/dockerd.log" | tr '\n' ' ')")
  fi
else
  skipped+=("load vs docker load: docker.io is not installed")
fi

# --- diff vs tar -c --------------------------------------------------------------------------
tar_c() { tar -C "${info[upper]}" -cf - . | cat >/dev/null; }
nothing() { :; }
if ! wanted diff; then
  :
elif say "diff vs tar -c" && strata_warm diff overlay2 "$xfs/strata-diff" "${input[small]}" "$DIFF_EVERY" "$RUNS"; then
  ot="$(measure tar_c nothing)" && row "diff 10k changed of 20k vs tar -c upper" "$st" "$ot" faster 1.0 \
    || skipped+=("diff: tar -c failed")
  before_after "diff 10k changed of 20k" "$xfs/strata-diff-before-after" diff overlay2 @HOME@ "${input[small]}" \
    "$DIFF_EVERY" "$RUNS"
else
  skipped+=("diff: Strata failed")
fi

# --- overlay mount vs raw syscalls -----------------------------------------------------------
baseline="$work/baseline"
mkdir -p "$baseline"
if ! wanted mount; then
  :
elif have gcc && gcc -O2 -o "$baseline/overlay_mount" benchmarks/baseline/overlay_mount.c 2>>"$log"; then
  say "overlay mount (${MOUNT_DEPTH} layers) vs fsopen/fsconfig"
  if strata_warm mount overlay2 "$xfs/strata-mount" "$MOUNT_DEPTH" "$LOOPS" "$RUNS" "$work/mount.spec"; then
    ot="$("$baseline/overlay_mount" "$work/mount.spec" "$LOOPS" "$RUNS" 2>>"$log")" \
      && row "mount ${MOUNT_DEPTH} layers x${LOOPS} vs raw fsmount" "$st" "$ot" overhead 1.2 \
      || skipped+=("mount: the C baseline failed (see the log)")
    before_after "mount ${MOUNT_DEPTH} layers x${LOOPS}" "$xfs/strata-mount" mount overlay2 @HOME@ \
      "$MOUNT_DEPTH" "$LOOPS" "$RUNS" "$work/mount-before-after.spec"
  else
    skipped+=("mount: Strata failed")
  fi
else
  skipped+=("mount: gcc missing or benchmarks/baseline/overlay_mount.c did not compile")
fi

# --- btrfs snapshot vs ioctl and btrfs(8) ----------------------------------------------------
if ! wanted btrfs; then
  :
elif [ -n "$btrfs_dev" ]; then
  say "btrfs create-writable vs BTRFS_IOC_SNAP_CREATE_V2 and btrfs subvolume snapshot"
  if strata_warm snapshot btrfs "$btrfs_mnt/strata" "${input[small]}" "$LOOPS" "$RUNS"; then
    snaps="$btrfs_mnt/baseline"
    mkdir -p "$snaps"
    if have gcc && gcc -O2 -o "$baseline/btrfs_snapshot" benchmarks/baseline/btrfs_snapshot.c 2>>"$log"; then
      ot="$("$baseline/btrfs_snapshot" "${info[source]}" "$snaps" "$LOOPS" "$RUNS" 2>>"$log")" \
        && row "btrfs create-writable x${LOOPS} vs raw ioctl" "$st" "$ot" overhead 1.2 \
        || skipped+=("btrfs: the C baseline failed (see the log)")
    else
      skipped+=("btrfs vs ioctl: gcc missing or btrfs_snapshot.c did not compile")
    fi
    # btrfs(8) is one process per snapshot: time each, leave the deletes out.
    btrfs_tool() {
      local i s e total=0
      for ((i = 0; i < LOOPS; i++)); do
        s=$(date +%s%N)
        btrfs subvolume snapshot "${info[source]}" "$snaps/tool-$i" >/dev/null || return 1
        e=$(date +%s%N)
        total=$((total + e - s))
        btrfs subvolume delete "$snaps/tool-$i" >/dev/null || return 1
      done
      echo "$total"
    }
    tool_times=""
    for ((run = 0; run <= RUNS; run++)); do
      sync
      n="$(btrfs_tool 2>>"$log")" || { tool_times=""; break; }
      ((run > 0)) && tool_times+="$(awk -v n="$n" 'BEGIN { printf "%.3f", n / 1e6 }')"$'\n'
    done
    [ -n "$tool_times" ] && row "btrfs create-writable x${LOOPS} vs btrfs subvolume snapshot" "$st" "$tool_times" overhead 1.2 \
      || skipped+=("btrfs vs btrfs(8): the tool failed (see the log)")
  else
    skipped+=("btrfs: Strata failed")
  fi
else
  skipped+=("btrfs rows: no loop btrfs (btrfs-progs missing?)")
fi

# --- report ----------------------------------------------------------------------------------
mkdir -p benchmarks/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
result="benchmarks/results/compare-$stamp.txt"
keep_log="benchmarks/results/compare-$stamp.log"
{
  echo "Strata side-by-side, $(date -u '+%Y-%m-%d %H:%M UTC'), RUNS=$RUNS (medians), LOOPS=$LOOPS,"
  echo "$(uname -r), $(nproc) cores; xfs (btrfs) on loop devices; Strata apply driver: $APPLY_DRIVER"
  echo "ratio: 'faster' rows other/strata (>1 = Strata faster); '<=' rows strata/other (overhead)"
  echo "Strata is timed in a warm JVM ($STRATA_WARMUPS warmup run(s)) unless the row says cold"
  echo
  {
    echo "row|strata ms|other ms|ratio|target|met?"
    printf '%s\n' "${rows[@]}"
  } | column -t -s '|' -R 2,3,4
  if [ ${#before_rows[@]} -gt 0 ]; then
    echo
    echo "before/after: Strata at $before_rev (before) and this tree (after), JVMs alternating, ${BEFORE_ROUNDS}x${RUNS} runs each"
    {
      echo "row|before ms|after ms|before/after"
      printf '%s\n' "${before_rows[@]}"
    } | column -t -s '|' -R 2,3,4
  fi
  if [ ${#skipped[@]} -gt 0 ]; then
    echo
    echo "not measured:"
    printf '  %s\n' "${skipped[@]}"
  fi
  echo
  echo "raw times (ms):"
  printf '  %s\n' "${raw[@]}"
} | tee "$result"
say "written to $result (log: $keep_log)"
