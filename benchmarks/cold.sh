#!/usr/bin/env bash
# Cold commands as a user runs them: `strata --version`, `strata images` on a store of IMAGES
# images, and a bare `java -version` for scale, each a new process through the ./strata launcher,
# interleaved (one of each per round) RUNS rounds after one untimed round. Prints one line per
# measurement, `name|median_ms|all runs in ms`, and the ratio images / java -version on stderr.
#
#   benchmarks/cold.sh            RUNS=31 IMAGES=100 benchmarks/cold.sh
#
# The store is built in a temporary directory on the filesystem of TMPDIR (/tmp: the root
# filesystem here) by one JVM importing IMAGES one-file layers tagged img0..img<IMAGES-1>, with the
# driver Strata picks there (overlay2 as root on ext4 or xfs, vfs otherwise); it is removed on exit.
# The launcher's class-data archive is made, if missing, before the timed rounds. Every process is
# the `java` on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
RUNS="${RUNS:-15}"
IMAGES="${IMAGES:-100}"

say() { printf 'cold: %s\n' "$*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/strata-cold.XXXXXX")"
trap 'rm -rf --one-file-system "$work"' EXIT

./strata --version >/dev/null # builds the jar (and the archive) when needed
cat >"$work/MakeStore.java" <<'EOF'
import java.nio.file.Files;
import java.nio.file.Path;

/** Imports args[1] one-file layers into the store at args[0], tagged img0, img1, ... */
public class MakeStore {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    Path sources = Files.createDirectories(root.resolveSibling("sources"));
    for (int i = 0; i < n; i++) {
      Path layer = Files.createDirectories(sources.resolve("layer" + i));
      Files.writeString(layer.resolve("file"), "layer " + i + "\n");
      int code = dev.strata.cli.Main.run("--root", root.toString(), "import", layer.toString(), "--tag", "img" + i);
      if (code != 0) {
        System.exit(code);
      }
    }
  }
}
EOF
say "building a store of $IMAGES images in $work/root (on $(findmnt -no FSTYPE -T "$work"))"
java -cp "$repo/cli/target/strata.jar" "$work/MakeStore.java" "$work/root" "$IMAGES" >/dev/null
count="$(./strata --root "$work/root" images | tail -n +2 | wc -l)"
if [ "$count" != "$IMAGES" ]; then
  say "the store lists $count images, not $IMAGES"
  exit 1
fi
say "driver: $(./strata --root "$work/root" info | awk '$1 == "Storage" { print $3 }')"

names=(version images java-version)
declare -A label=([version]="strata --version" [images]="strata images ($IMAGES images)" [java-version]="java -version")
run() {
  case "$1" in
    version) ./strata --version ;;
    images) ./strata --root "$work/root" images ;;
    java-version) java -version 2>&1 ;;
  esac
}
declare -A times
for round in $(seq 0 "$RUNS"); do
  for name in "${names[@]}"; do
    start=$(date +%s%N)
    run "$name" >/dev/null
    end=$(date +%s%N)
    [ "$round" = 0 ] || times[$name]+="$(( (end - start) / 1000000 )) "
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A med
for name in "${names[@]}"; do
  med[$name]="$(median <<<"${times[$name]}")"
  printf '%s|%s|%s\n' "${label[$name]}" "${med[$name]}" "$(tr ' ' ',' <<<"${times[$name]% }")"
done
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
say "cold images / java -version: $(awk -v a="${med[images]}" -v b="${med[java-version]}" 'BEGIN { printf "%.1f", a / b }')"
