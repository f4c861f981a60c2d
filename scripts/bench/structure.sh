#!/usr/bin/env bash
# The structure stage against dockerd (docs/BENCHMARKS.md, "Structure stage"): per round,
#  1. dockerd's json-file write rate for the StructureSamples mix: a container `cat`s a file of $LINES
#     such lines; rate = lines / (FinishedAt - StartedAt);
#  2. ingest of that finished container's lines by DockerIngest, structure off, then on (the defaults:
#     fields, levels, multiline), each in its own JVM, 3 rounds per JVM (reported: the warm rounds 2-3).
# $LINES must be a multiple of 24 (the mix's length): with multiline on, each 24 lines are 21 messages.
# Needs: a running engine, the image container-logging-test:busybox, benchmarks/target/benchmarks.jar.
set -euo pipefail

DOCKER=/usr/bin/docker
IMAGE=container-logging-test:busybox
LINES=${LINES:-960000}
ROUNDS=${ROUNDS:-3}
JAR=${JAR:-$(dirname "$0")/../../benchmarks/target/benchmarks.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
LABEL=io.containerlogging.bench=$$
DIR=$(mktemp -d)

cleanup() { $DOCKER ps -aq --filter "label=$LABEL" | xargs -r $DOCKER rm -f >/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

[ -f "$JAR" ] || { echo "missing $JAR: run mvn -pl benchmarks -am package -DskipTests" >&2; exit 1; }
(( LINES % 24 == 0 )) || { echo "LINES must be a multiple of 24" >&2; exit 1; }
GROUPED=$(( LINES / 24 * 21 ))

java -cp "$JAR" io.containerlogging.benchmarks.StructureSamples "$DIR/lines.txt" "$LINES"

# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"
warm_ms() { sed -n 's/^ingest round=[23] lines=[0-9]* ms=\([0-9]*\).*/\1/p' | sort -n | head -1; }

drates=(); offr=(); onr=(); offratio=(); onratio=()
for i in $(seq 1 "$ROUNDS"); do
  id=$($DOCKER run -d --label "$LABEL" -v "$DIR/lines.txt:/lines.txt:ro" "$IMAGE" cat /lines.txt)
  timeout 300 $DOCKER wait "$id" >/dev/null
  s=$(run_seconds "$id")
  drate=$(python3 -c "print(int($LINES / $s))")
  off=$(java $JAVA_OPTS -Dstructure=off -cp "$JAR" io.containerlogging.benchmarks.DockerIngest "$id" "$LINES" 120 3 | warm_ms)
  on=$(java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.DockerIngest "$id" "$GROUPED" 120 3 | warm_ms)
  $DOCKER rm -f "$id" >/dev/null
  offrate=$(python3 -c "print(int($LINES / ($off / 1000)))")
  onrate=$(python3 -c "print(int($LINES / ($on / 1000)))")
  echo "round $i: dockerd wrote $LINES lines in $s s -> $drate lines/s | ingest off ${off} ms -> $offrate lines/s | on ${on} ms -> $onrate lines/s"
  drates+=("$drate"); offr+=("$offrate"); onr+=("$onrate")
  offratio+=("$(python3 -c "print('%.2f' % ($offrate / $drate))")"); onratio+=("$(python3 -c "print('%.2f' % ($onrate / $drate))")")
done
stats "dockerd json-file write lines/s" "${drates[@]}"
stats "ingest structure off lines/s" "${offr[@]}"
stats "ingest structure on lines/s" "${onr[@]}"
stats "ratio off/dockerd" "${offratio[@]}"
stats "ratio on/dockerd" "${onratio[@]}"
