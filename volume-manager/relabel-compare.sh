#!/bin/sh
# Times Relabeler against coreutils chcon -R on a generated tree under /tmp (see RelabelCompare).
# Run as root from anywhere: volume-manager/relabel-compare.sh [files] [runs]
# Writes security.selinux xattrs; needs no SELinux policy, only a filesystem that stores them.
set -eu
module=$(cd "$(dirname "$0")" && pwd)
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
# -am compiles driver-api in the same reactor; every module writes the file, volume-manager last.
(cd "$module/.." && mvn -o -q -B -pl volume-manager -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file")
java -cp "$module/target/classes:$module/target/test-classes:$(cat "$cp_file")" \
  dev.strata.volume.RelabelCompare "$@"
