#!/usr/bin/env bash
# Local storage benchmarks (issue 16, docs/BENCHMARKS.md "Local storage"):
#  S. bytes on disk per message: a container prints the $LINES lines (sample: the benchmarks' 100-character
#     texts; seq: `seq 1 N`), Docker's json-file log of them is measured (LogPath), then StorageBenchmark
#     compress writes the same lines as messages and reports compression ratio and CPU per level, and the
#     backend's bytes on disk against Docker's.
#  P. persistence throughput with compression on, 100-character lines: dockerd writing the container's
#     json-file (lines / (FinishedAt - StartedAt)) alternating with PersistenceThroughput (gz, gz-all, plain),
#     $ROUNDS times.
#  R. reload of $LINES messages from compressed files vs plain files (StorageBenchmark reload).
# Needs: a running engine (scripts/docker-engine.sh), the image container-logging-test:busybox, and
# benchmarks/target/benchmarks.jar. Containers carry the label io.containerlogging.bench and are removed.
set -euo pipefail

DOCKER=/usr/bin/docker
IMAGE=container-logging-test:busybox
LINES=${LINES:-1000000}
ROUNDS=${ROUNDS:-5}
SECTIONS=${SECTIONS:-SPR}
JAR=${JAR:-$(dirname "$0")/../../benchmarks/target/benchmarks.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx3g}
LABEL=io.containerlogging.bench=$$
WORK=$(mktemp -d)

cleanup() { $DOCKER ps -aq --filter "label=$LABEL" | xargs -r $DOCKER rm -f >/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

[ -f "$JAR" ] || { echo "missing $JAR: build the benchmarks jar first" >&2; exit 1; }

# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"

# a finished container that printed the lines of $1 (a file); prints its id
print_container() {
  local id
  id=$($DOCKER run -d --label "$LABEL" -v "$1:/lines.txt:ro" "$IMAGE" cat /lines.txt)
  timeout 300 $DOCKER wait "$id" >/dev/null
  echo "$id"
}

for kind in sample seq varied; do
  java -cp "$JAR" io.containerlogging.benchmarks.StorageBenchmark lines "$LINES" "$kind" > "$WORK/$kind.txt"
done

if [[ $SECTIONS == *S* ]]; then
for kind in sample seq varied; do
  echo "== S. $kind lines: Docker's json-file vs the backend's compressed files"
  id=$(print_container "$WORK/$kind.txt")
  log=$($DOCKER inspect -f '{{.LogPath}}' "$id")
  lines=$(wc -l < "$log")
  bytes=$(stat -c %s "$log")
  echo "docker json-file: $lines lines, $bytes bytes"
  $DOCKER rm -f "$id" >/dev/null
  java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.StorageBenchmark compress "$LINES" "$kind" "$bytes"
done
fi

if [[ $SECTIONS == *P* ]]; then
echo "== P. dockerd json-file write rate vs LocalLogBackend persistence with compression, 100-character lines, alternating"
rates=(); gz=(); gzall=(); plain=(); rgz=(); rgzall=(); rplain=()
for i in $(seq 1 "$ROUNDS"); do
  id=$(print_container "$WORK/sample.txt")
  s=$(run_seconds "$id")
  rate=$(python3 -c "print(int($LINES / $s))")
  $DOCKER rm -f "$id" >/dev/null
  g=$(java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.PersistenceThroughput "$LINES" 3 sample gz | sed -n 's/^persist median=\([0-9]*\).*/\1/p')
  a=$(java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.PersistenceThroughput "$LINES" 3 sample gz-all | sed -n 's/^persist median=\([0-9]*\).*/\1/p')
  p=$(java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.PersistenceThroughput "$LINES" 3 sample plain | sed -n 's/^persist median=\([0-9]*\).*/\1/p')
  r1=$(python3 -c "print('%.2f' % ($g / $rate))"); r2=$(python3 -c "print('%.2f' % ($a / $rate))"); r3=$(python3 -c "print('%.2f' % ($p / $rate))")
  echo "round $i: dockerd $s s -> $rate lines/s | backend gz $g (${r1}x) | gz-all $a (${r2}x) | plain $p (${r3}x) lines/s"
  rates+=("$rate"); gz+=("$g"); gzall+=("$a"); plain+=("$p"); rgz+=("$r1"); rgzall+=("$r2"); rplain+=("$r3")
done
stats "dockerd-write lines/s" "${rates[@]}"
stats "backend-gz lines/s" "${gz[@]}"
stats "backend-gz-all lines/s" "${gzall[@]}"
stats "backend-plain lines/s" "${plain[@]}"
stats "ratio gz/dockerd" "${rgz[@]}"
stats "ratio gz-all/dockerd" "${rgzall[@]}"
stats "ratio plain/dockerd" "${rplain[@]}"
fi

if [[ $SECTIONS == *R* ]]; then
echo "== R. reload of $LINES messages, compressed vs plain files"
java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.StorageBenchmark reload "$LINES" "$ROUNDS"
fi
