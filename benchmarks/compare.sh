#!/usr/bin/env bash
# Side by side: Strata against GNU tar, containers-storage, Docker and raw syscalls, on the same
# inputs and the same filesystems. Every row pairs Strata with one other tool and interleaves their
# runs (ABAB..., after one untimed warmup each), so each peer is measured next to its own Strata run.
# Prints a table of medians and ratios, writes it to benchmarks/results/compare-<timestamp>.txt
# and commits that file (COMMIT=0: leave it uncommitted), so every number quoted from it can be
# checked.
#
#   sudo benchmarks/compare.sh            RUNS=3 ROWS="diff mount" benchmarks/compare.sh
#
# Each row names both sides' mode. Strata is a library inside a long-running runtime, so it is
# timed warm (dev.strata.bench.compare.Compare, one JVM serving one run per request); beside those
# rows, import, load, commit and mount are also timed process against process, the `strata`
# launcher as a user runs it, JVM start included. Every tool writes onto one loop xfs (a loop btrfs
# for the btrfs rows) that this script makes and tears down, Docker included: a private dockerd
# (own socket, data root on the loop xfs) is started and stopped here, so an engine already
# running is neither used nor touched. Inputs stay in the page cache for every tool alike (the
# warmups read them); dirty pages are flushed, untimed, before every run of every tool.
#
# Environment: RUNS (7), LOOPS (mount and snapshot iterations per run, 50), LOAD_LAYERS (60),
# LOAD_FILES (files per layer of the archive, 200), MOUNT_DEPTH (125), APPLY_DRIVER (overlay2),
# ROWS (which groups to run, default all: "tar cstorage docker diff mount btrfs cold"),
# STRATA_WARMUPS (untimed warmup runs in Strata's JVM, 3: the JIT keeps speeding Strata up for a
# few), COMMIT (1), BEFORE (a git revision: the apply, diff and mount rows also time Strata built
# from it against this tree's build, JVM by JVM alternating before/after BEFORE_ROUNDS (3) times,
# each JVM warm and timing RUNS runs, and print the ratio before/after; > 1: this tree is faster).
set -uo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

RUNS="${RUNS:-7}"
LOOPS="${LOOPS:-50}"
LOAD_LAYERS="${LOAD_LAYERS:-60}"
LOAD_FILES="${LOAD_FILES:-200}"
MOUNT_DEPTH="${MOUNT_DEPTH:-125}"
APPLY_DRIVER="${APPLY_DRIVER:-overlay2}"
ROWS="${ROWS:-tar cstorage docker diff mount btrfs cold}"
STRATA_WARMUPS="${STRATA_WARMUPS:-3}"
DIFF_EVERY=2   # every other file of the 20,000 rewritten: 10,000 changed files

if [ "$(id -u)" != 0 ]; then
  echo "compare: must run as root (loop filesystems, mounts, dockerd)" >&2
  exit 1
fi

say() { printf 'compare: %s\n' "$*" >&2; }
wanted() { [[ " $ROWS " == *" $1 "* ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

load_at_start="$(cut -d ' ' -f 1-3 /proc/loadavg)"

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
  [ -n "${warm_pid:-}" ] && kill "$warm_pid" 2>/dev/null && wait "$warm_pid" 2>/dev/null
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
# Every row pairs Strata with one other tool and interleaves them: after one untimed warmup of
# each, run r times Strata then the other for odd r and the other then Strata for even r, so both
# sides meet the same moments of a noisy machine. A side is a function SIDE RUN that sets ms (the
# run's milliseconds; run 0 is the warmup). Dirty pages are flushed, untimed, before every run.
ms=""

# proc_once BODY RESET RUN: one timed run of a process-based BODY, then its untimed RESET.
proc_once() {
  local s e
  sync
  s=$EPOCHREALTIME
  "$1" "$3" >>"$log" 2>&1 || { say "$1 failed (run $3); see the log"; return 1; }
  e=$EPOCHREALTIME
  "$2" "$3" >>"$log" 2>&1 || { say "$2 failed (run $3); see the log"; return 1; }
  ms="$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", (e - s) * 1000 }')"
}

# warm_start OP ARGS...: starts Compare OP in a warm JVM serving one timed run per request; sets
# info[key] from its '# key value' lines and returns once its warmups are done.
declare -A info
warm_pid=""
warm_start() {
  local line
  coproc WARM { exec java -Dstrata.bench.warmups="$STRATA_WARMUPS" -cp "$bench_cp" \
    dev.strata.bench.compare.Compare "$@" 2>>"$log"; }
  warm_pid=$WARM_PID
  exec {warm_in}>&"${WARM[1]}" {warm_out}<&"${WARM[0]}"
  while IFS= read -r line <&"$warm_out"; do
    [ "$line" = ready ] && return 0
    if [[ $line == '# '* ]]; then
      line="${line#\# }"
      info[${line%% *}]="${line#* }"
    fi
  done
  say "Compare $1 did not become ready; see the log"
  warm_stop
  return 1
}
warm_side() { # RUN
  (($1 == 0)) && return 0 # Compare warmed itself up
  echo run >&"$warm_in" && IFS= read -r ms <&"$warm_out" && [[ $ms =~ ^[0-9.]+$ ]] \
    || { say "the warm JVM failed a run; see the log"; return 1; }
}
warm_stop() {
  [ -n "$warm_pid" ] || return 0
  echo end >&"$warm_in" 2>/dev/null
  exec {warm_in}>&- {warm_out}<&-
  wait "$warm_pid" 2>/dev/null
  warm_pid=""
}

median() { awk 'NF' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rows=()
skipped=()
raw=()
before_rows=()
# row NAME STRATA_MODE OTHER STRATA_TIMES OTHER_TIMES KIND TARGET: KIND "faster" (ratio
# other/strata, met if >= TARGET), "overhead" (ratio strata/other, met if <= TARGET), "within"
# (Strata's median itself, met if <= TARGET ms); TARGET "-" for rows without one.
row() {
  local name=$1 mode=$2 other=$3 st=$4 ot=$5 kind=$6 target=$7 sm om ratio met tgt
  raw+=("$name ($mode vs $other) | strata: $(echo $st) | other: $(echo $ot)")
  sm="$(median <<<"$st")" && om="$(median <<<"$ot")" || { skipped+=("$name: no times"); return; }
  case $kind in
    faster)
      ratio="$(awk -v s="$sm" -v o="$om" 'BEGIN { printf "%.2f", o / s }')"
      tgt=">=${target}x"
      met="$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t) ? "yes" : "NO" }')" ;;
    overhead)
      ratio="$(awk -v s="$sm" -v o="$om" 'BEGIN { printf "%.2f", s / o }')"
      tgt="<=${target}x"
      met="$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r <= t) ? "yes" : "NO" }')" ;;
    within)
      ratio="$(awk -v s="$sm" -v o="$om" 'BEGIN { printf "%.2f", s / o }')"
      tgt="<=${target}ms"
      met="$(awk -v s="$sm" -v t="$target" 'BEGIN { print (s <= t) ? "yes" : "NO" }')" ;;
  esac
  [ "$target" = - ] && { tgt="-"; met="-"; }
  rows+=("$name|$mode|$other|$sm|$om|$ratio|$tgt|$met")
  say "$name: strata ($mode) $sm ms, $other $om ms, ratio $ratio"
}

# interleave NAME STRATA_MODE OTHER STRATA_SIDE OTHER_SIDE KIND TARGET
interleave() {
  local name=$1 mode=$2 other=$3 a=$4 b=$5 kind=$6 target=$7 run sa="" sb=""
  "$a" 0 && "$b" 0 || { skipped+=("$name: the warmup failed (see the log)"); return 1; }
  for ((run = 1; run <= RUNS; run++)); do
    if ((run % 2)); then
      "$a" "$run" || break; sa+="$ms"$'\n'
      "$b" "$run" || break; sb+="$ms"$'\n'
    else
      "$b" "$run" || break; sb+="$ms"$'\n'
      "$a" "$run" || break; sa+="$ms"$'\n'
    fi
  done
  ((run > RUNS)) || { skipped+=("$name: run $run failed (see the log)"); return 1; }
  row "$name" "$mode" "$other" "$sa" "$sb" "$kind" "$target"
}

# strata_warm OP ARGS...: Compare OP RUNS times in one JVM (BEFORE's rows); sets st to its times.
strata_warm() {
  java -Dstrata.bench.warmups="$STRATA_WARMUPS" -cp "${strata_cp:-$bench_cp}" dev.strata.bench.compare.Compare "$@" \
    2>>"$log" | grep -v '^#' >"$work/compare.out" || { say "Compare $1 failed; see the log"; return 1; }
  st="$(cat "$work/compare.out")"
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
    b+="$st"$'\n'
    rm -rf "$home"
    strata_warm "$op" "${@/@HOME@/$home}" || { skipped+=("$name: this tree failed"); rm -rf "$home"; return; }
    a+="$st"$'\n'
  done
  rm -rf "$home"
  raw+=("$name | before: $(echo $b) | after: $(echo $a)")
  bm="$(median <<<"$b")" && am="$(median <<<"$a")" || { skipped+=("$name: no times"); return; }
  ratio="$(awk -v b="$bm" -v a="$am" 'BEGIN { printf "%.2f", b / a }')"
  before_rows+=("$name|$bm|$am|$ratio")
  say "$name: before $bm ms, after $am ms, before/after $ratio"
}

# The strata command as a user runs it: the launcher, with its start-up archive (made by the
# warmup run when missing). One store per row group, on the loop xfs.
strata_cli() { "$repo/strata" --root "$cli_root" --driver overlay2 "$@"; }
cli_root="$xfs/strata-cli"

# --- apply vs tar -x -------------------------------------------------------------------------
tar_dir="$xfs/tar"
tar_clean() { fresh "$tar_dir"; }
tar_x() { tar -C "$tar_dir" -xf "$tar_in"; }
tar_xz() { tar -C "$tar_dir" -xzf "$tar_in"; }
tar_x_side() { proc_once tar_x tar_clean "$1"; }
tar_xz_side() { proc_once tar_xz tar_clean "$1"; }

apply_row() { # NAME TAR TAR_SIDE TARGET
  local name=$1
  rm -rf "$xfs/strata-apply"
  warm_start apply "$APPLY_DRIVER" "$xfs/strata-apply" "$2" on-request || { skipped+=("$name: Strata failed"); return; }
  tar_in="$2"
  tar_clean
  interleave "$name" warm "tar process" warm_side "$3" faster "$4"
  warm_stop
  rm -rf "$xfs/strata-apply" "$tar_dir"
  before_after "$name" "$xfs/strata-apply" apply "$APPLY_DRIVER" @HOME@ "$2" "$RUNS"
}
if wanted tar; then
  say "apply vs tar -x"
  apply_row "apply 20k files vs tar -x" "${input[small]}" tar_x_side 1.2
  apply_row "apply 20k files .gz vs tar -xzf" "${input[small_gz]}" tar_xz_side 1.2
  apply_row "apply 1 GiB file vs tar -x" "${input[big]}" tar_x_side 0.8
  apply_row "apply 1 GiB file .gz vs tar -xzf" "${input[big_gz]}" tar_xz_side 0.8
fi

# --- containers-storage ----------------------------------------------------------------------
cs() { containers-storage "${cs_opts[@]}" "$@"; }
cs_opts=(--graph "$xfs/cs/root" --run "$work/cs-run" --storage-driver overlay)
cs_import_small() { cs import-layer -f "${input[small]}"; }
cs_top=""
cs_load() { # imports the stack's layers one by one; cs_top is the last one's id
  local parent=() id i
  for ((i = 0; i < LOAD_LAYERS; i++)); do
    id="$(cs import-layer -f "${input[stack.$i]}" "${parent[@]}" 2>>"$log" | tail -n 1)" || return 1
    [ -n "$id" ] || return 1
    parent=("$id")
  done
  cs_top=$id
}
cs_wipe() { cs wipe; }
cs_import_side() { proc_once cs_import_small cs_wipe "$1"; }
cs_load_side() { proc_once cs_load cs_wipe "$1"; }

cli_import() { strata_cli import -t strata-bench/small:latest "${input[small]}"; }
cli_import_rmi() { strata_cli rmi -f strata-bench/small:latest; }
cli_load() { strata_cli load -i "${input[archive]}"; }
cli_load_rmi() { strata_cli rmi -f "$archive_tag"; }
cli_import_side() { proc_once cli_import cli_import_rmi "$1"; }
cli_load_side() { proc_once cli_load cli_load_rmi "$1"; }

warm_load_start() {
  rm -rf "$xfs/strata-load"
  warm_start load overlay2 "$xfs/strata-load" "${input[archive]}" on-request
}
warm_load_stop() { warm_stop; rm -rf "$xfs/strata-load"; }

if ! wanted cstorage; then
  :
elif have containers-storage; then
  say "containers-storage (overlay) against strata import and load"
  cs_used=1
  rm -rf "$xfs/strata-cs"
  if warm_start apply overlay2 "$xfs/strata-cs" "${input[small]}" on-request; then
    interleave "apply 20k files vs import-layer" warm "c-storage process" warm_side cs_import_side faster 1.5
    warm_stop
  else
    skipped+=("apply 20k files vs containers-storage: Strata failed")
  fi
  rm -rf "$xfs/strata-cs" "$cli_root"
  interleave "import 20k files vs import-layer" "strata import" "c-storage process" cli_import_side cs_import_side faster 1.5
  if warm_load_start; then
    interleave "load ${LOAD_LAYERS} layers vs import-layer x${LOAD_LAYERS}" warm "c-storage processes" warm_side cs_load_side faster -
    warm_load_stop
  else
    skipped+=("load vs containers-storage: Strata failed")
  fi
  interleave "load ${LOAD_LAYERS} layers vs import-layer x${LOAD_LAYERS}" "strata load" "c-storage processes" cli_load_side cs_load_side faster 1.5
  rm -rf "$cli_root"
else
  skipped+=("containers-storage rows: containers-storage is not installed")
fi

# --- docker load -----------------------------------------------------------------------------
dk() { docker -H "unix://$work/docker.sock" "$@"; }
if ! wanted docker; then
  :
elif have dockerd && have docker; then
  say "starting a private dockerd on the loop xfs"
  dockerd --data-root "$xfs/docker" --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" \
    -H "unix://$work/docker.sock" --iptables=false --bridge=none --storage-driver overlay2 \
    --containerd-namespace strata-compare --containerd-plugins-namespace strata-compare-plugins \
    >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 60); do
    dk info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if dk info >/dev/null 2>&1; then
    docker_load() { dk load -q -i "${input[archive]}"; }
    docker_rmi() { dk rmi -f "$archive_tag"; }
    docker_side() { proc_once docker_load docker_rmi "$1"; }
    say "docker load (driver $(dk info --format '{{.Driver}}'))"
    if warm_load_start; then
      interleave "load ${LOAD_LAYERS} layers vs docker load" warm "docker process" warm_side docker_side faster -
      warm_load_stop
    else
      skipped+=("load vs docker load: Strata failed")
    fi
    rm -rf "$cli_root"
    interleave "load ${LOAD_LAYERS} layers vs docker load" "strata load" "docker process" cli_load_side docker_side faster 2
    rm -rf "$cli_root"
  else
    skipped+=("load vs docker load: dockerd did not start: $(tail -n 3 "$work/dockerd.log" | tr '\n' ' ')")
  fi
else
  skipped+=("load vs docker load: docker.io is not installed")
fi

# --- diff and commit vs tar -c ---------------------------------------------------------------
upper=""
tar_c() { tar -C "$upper" -cf - . | cat >/dev/null; }
nothing() { :; }
tar_c_side() { proc_once tar_c nothing "$1"; }
# rewrite_every_other DIR: the change DiffTrial makes, by shell: every other regular file rewritten.
rewrite_every_other() {
  find "$1" -type f -print0 | sort -z | awk -v RS='\0' -v ORS='\0' 'NR % 2 == 1' \
    | while IFS= read -r -d '' f; do printf 'changed %s\n' "$f" >"$f"; done
}
# upper_of MOUNTPOINT: the upperdir option of the overlay mounted there.
upper_of() { awk -v m="$1" '$5 == m { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] ~ /^upperdir=/) print substr(o[i], 10) }' /proc/self/mountinfo; }
cli_commit() { strata_cli commit strata-bench-diff strata-bench/committed:latest; }
cli_commit_rmi() { strata_cli rmi strata-bench/committed:latest; }
cli_commit_side() { proc_once cli_commit cli_commit_rmi "$1"; }
cs_diff() { cs diff -u -f "$work/cs.diff" "$cs_layer"; }
cs_diff_rm() { rm -f "$work/cs.diff"; }
cs_diff_side() { proc_once cs_diff cs_diff_rm "$1"; }

diff_row() { # NAME DRIVER OP (on vfs and btrfs the trial copies the changed files to HOME-upper for tar)
  rm -rf "$xfs/strata-diff" "$xfs/strata-diff-upper"
  if warm_start "$3" "$2" "$xfs/strata-diff" "${input[small]}" "$DIFF_EVERY" on-request; then
    upper="${info[upper]}"
    interleave "$1" warm "tar process" warm_side tar_c_side faster 1.0
    warm_stop
  else
    skipped+=("$1: Strata failed")
  fi
  rm -rf "$xfs/strata-diff" "$xfs/strata-diff-upper"
}
if wanted diff; then
  say "diff and commit vs tar -c"
  diff_row "diff 10k changed of 20k, overlay2 native, vs tar -c upper" overlay2 diff
  diff_row "diff 10k changed of 20k, generic (vfs), vs tar -c changes" vfs diff
  before_after "diff 10k changed of 20k" "$xfs/strata-diff-before-after" diff overlay2 @HOME@ "${input[small]}" \
    "$DIFF_EVERY" "$RUNS"
  # The commit a user runs: a container of the 20k-file image with every other file rewritten.
  rm -rf "$cli_root"
  if cli_import >>"$log" 2>&1 && strata_cli create --name strata-bench-diff strata-bench/small:latest >>"$log" 2>&1 \
      && mnt="$(strata_cli mount strata-bench-diff 2>>"$log")" && rewrite_every_other "$mnt" \
      && upper="$(upper_of "$mnt")" && [ -n "$upper" ]; then
    interleave "commit 10k changed of 20k" "strata commit" "tar -c upper process" cli_commit_side tar_c_side faster -
    if have containers-storage; then
      cs_used=1
      if cs_base="$(cs import-layer -f "${input[small]}" 2>>"$log" | tail -n 1)" \
          && cs_layer="$(cs create-layer "$cs_base" 2>>"$log" | tail -n 1)" \
          && cs_mnt="$(cs mount "$cs_layer" 2>>"$log" | tail -n 1)" && rewrite_every_other "$cs_mnt" \
          && cs unmount "$cs_layer" >>"$log" 2>&1; then
        interleave "commit 10k changed of 20k" "strata commit" "c-storage diff process" cli_commit_side cs_diff_side faster -
      else
        skipped+=("commit vs containers-storage diff: setting up its layer failed (see the log)")
      fi
      cs wipe >>"$log" 2>&1
    fi
    strata_cli umount strata-bench-diff >>"$log" 2>&1
    strata_cli rm -f strata-bench-diff >>"$log" 2>&1
  else
    skipped+=("commit: setting up the container failed (see the log)")
  fi
  rm -rf "$cli_root"
fi

# --- overlay mount vs raw syscalls and containers-storage ------------------------------------
baseline="$work/baseline"
mkdir -p "$baseline"
raw_mount_side() {
  ms="$("$baseline/overlay_mount" "$work/mount.spec" "$LOOPS" 1 2>>"$log")" && [ -n "$ms" ] \
    || { say "overlay_mount failed; see the log"; return 1; }
}
cli_mount() { strata_cli mount strata-bench-mount >/dev/null; }
cli_umount() { strata_cli umount strata-bench-mount; }
cli_mount_side() { proc_once cli_mount cli_umount "$1"; }
cs_mount() { cs mount "$cs_layer" >/dev/null; }
cs_unmount() { cs unmount "$cs_layer"; }
cs_mount_side() { proc_once cs_mount cs_unmount "$1"; }
if ! wanted mount; then
  :
elif have gcc && gcc -O2 -o "$baseline/overlay_mount" benchmarks/baseline/overlay_mount.c 2>>"$log"; then
  say "overlay mount (${MOUNT_DEPTH} layers) vs fsopen/fsconfig"
  rm -rf "$xfs/strata-mount"
  if warm_start mount overlay2 "$xfs/strata-mount" "$MOUNT_DEPTH" "$LOOPS" on-request "$work/mount.spec"; then
    interleave "mount ${MOUNT_DEPTH} layers x${LOOPS}" warm "raw fsmount (C)" warm_side raw_mount_side overhead 1.2
    warm_stop
  else
    skipped+=("mount: Strata failed")
  fi
  rm -rf "$xfs/strata-mount"
  before_after "mount ${MOUNT_DEPTH} layers x${LOOPS}" "$xfs/strata-mount" mount overlay2 @HOME@ \
    "$MOUNT_DEPTH" "$LOOPS" "$RUNS" "$work/mount-before-after.spec"
  if have containers-storage; then
    # Process against process: mount and unmount of a writable layer on the ${LOAD_LAYERS}-layer image.
    cs_used=1
    rm -rf "$cli_root"
    if cli_load >>"$log" 2>&1 && strata_cli create --name strata-bench-mount "$archive_tag" >>"$log" 2>&1 \
        && cs_load >>"$log" 2>&1 && cs_layer="$(cs create-layer "$cs_top" 2>>"$log" | tail -n 1)" \
        && [ -n "$cs_layer" ]; then
      interleave "mount ${LOAD_LAYERS} layers once" "strata mount+umount" "c-storage mount+unmount" cli_mount_side cs_mount_side overhead -
    else
      skipped+=("mount process rows: setting up failed (see the log)")
    fi
    strata_cli rm -f strata-bench-mount >>"$log" 2>&1
    cs wipe >>"$log" 2>&1
    rm -rf "$cli_root"
  fi
else
  skipped+=("mount: gcc missing or benchmarks/baseline/overlay_mount.c did not compile")
fi

# --- btrfs snapshot vs ioctl and btrfs(8) ----------------------------------------------------
raw_snapshot_side() {
  ms="$("$baseline/btrfs_snapshot" "${info[source]}" "$snaps" "$LOOPS" 1 2>>"$log")" && [ -n "$ms" ] \
    || { say "btrfs_snapshot failed; see the log"; return 1; }
}
# btrfs(8) is one process per snapshot: each timed, the deletes left out.
btrfs_tool_side() {
  local i s e total=0
  sync
  for ((i = 0; i < LOOPS; i++)); do
    s=$EPOCHREALTIME
    btrfs subvolume snapshot "${info[source]}" "$snaps/tool-$i" >/dev/null 2>>"$log" || return 1
    e=$EPOCHREALTIME
    total="$(awk -v t="$total" -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", t + (e - s) * 1000 }')"
    btrfs subvolume delete "$snaps/tool-$i" >/dev/null 2>>"$log" || return 1
  done
  ms=$total
}
if ! wanted btrfs; then
  :
elif [ -n "$btrfs_dev" ] && have gcc && gcc -O2 -o "$baseline/btrfs_snapshot" benchmarks/baseline/btrfs_snapshot.c 2>>"$log"; then
  say "btrfs create-writable vs BTRFS_IOC_SNAP_CREATE_V2 and btrfs subvolume snapshot"
  snaps="$btrfs_mnt/baseline"
  mkdir -p "$snaps"
  if warm_start snapshot btrfs "$btrfs_mnt/strata" "${input[small]}" "$LOOPS" on-request; then
    interleave "btrfs create-writable x${LOOPS}" warm "raw ioctl (C)" warm_side raw_snapshot_side overhead 1.2
    interleave "btrfs create-writable x${LOOPS}" warm "btrfs subvolume snapshot" warm_side btrfs_tool_side overhead 1.2
    warm_stop
  else
    skipped+=("btrfs: Strata failed")
  fi
else
  skipped+=("btrfs rows: no loop btrfs (btrfs-progs missing?) or btrfs_snapshot.c did not compile")
fi

# --- cold commands -------------------------------------------------------------------------
# benchmarks/cold.sh runs `strata --version`, `strata images` on a 100-image store and a bare
# `java -version`, each a new process, interleaved round by round; its lines are name|median|runs.
if wanted cold; then
  say "cold commands (benchmarks/cold.sh)"
  declare -A cold_runs=()
  if RUNS="$((RUNS * 3))" bash benchmarks/cold.sh >"$work/cold.out" 2>>"$log"; then
    while IFS='|' read -r name _ times; do
      cold_runs[$name]="$(tr ', ' '\n\n' <<<"$times")"
    done <"$work/cold.out"
    java_runs="${cold_runs[java -version]:-}"
    for name in "${!cold_runs[@]}"; do
      case $name in
        "strata --version") row "cold: $name" process "java -version process" "${cold_runs[$name]}" "$java_runs" within 120 ;;
        "strata images"*) row "cold: $name" process "java -version process" "${cold_runs[$name]}" "$java_runs" within 500 ;;
      esac
    done
  else
    skipped+=("cold commands: benchmarks/cold.sh failed (see the log)")
  fi
fi

# --- report ----------------------------------------------------------------------------------
mkdir -p benchmarks/results
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
result="benchmarks/results/compare-$stamp.txt"
keep_log="benchmarks/results/compare-$stamp.log"
{
  echo "Strata side-by-side, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- . ':!benchmarks/results' 2>/dev/null || echo '+changes'),"
  echo "RUNS=$RUNS (medians), LOOPS=$LOOPS, $(uname -r), $(nproc) cores, $(java -version 2>&1 | head -n 1);"
  echo "xfs (btrfs) on loop devices; Strata apply driver: $APPLY_DRIVER; load average at start: $load_at_start"
  echo "Each row's two sides ran interleaved (ABAB..., one untimed warmup each), same inputs, same filesystem."
  echo "strata: 'warm' = the library in one JVM ($STRATA_WARMUPS warmup runs), as a runtime embeds it; 'strata CMD' = the"
  echo "command as a process (./strata, JVM start included). ratio: '>=' rows other/strata (>1: Strata faster);"
  echo "'<=..x' rows strata/other (overhead); '<=..ms' rows Strata's own median (ratio column: strata/other)"
  echo
  {
    echo "row|strata|other|strata ms|other ms|ratio|target|met?"
    printf '%s\n' "${rows[@]}"
  } | column -t -s '|' -R 4,5,6
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
# The results file is the evidence behind docs/performance.md: commit it (COMMIT=0 leaves it).
if [ "${COMMIT:-1}" = 1 ] && git rev-parse --git-dir >/dev/null 2>&1; then
  git add -- "$result" && git commit -q -m "benchmarks: compare.sh results $stamp" -- "$result" \
    && say "committed $result" || say "could not commit $result; commit it by hand"
fi
