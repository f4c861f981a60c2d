#!/usr/bin/env bash
# Docker-side benchmarks (docs/BENCHMARKS.md, targets 1, 3's reference and 4's reference):
#  A. dockerd's own json-file write rate: `seq 1 $LINES` containers, rate = lines / (FinishedAt - StartedAt),
#     alternating with PersistenceThroughput (LocalLogBackend with file persistence, the same seq lines as
#     messages of one container).
#  B. ingest of a finished container's $LINES lines: DockerIngest (ContainerLogMonitor -> LocalLogBackend),
#     three rounds per JVM (the first cold, the others warm), vs `docker logs -t <id> > /dev/null` on the
#     same container run just before and just after it, $ROUNDS times; plus RawLogRead (the same request
#     read with the JDK's unix socket alone, nothing decoded) as a floor.
#  C. live follow: a container that waits 3 s, then writes $LINES lines as fast as `seq` can; DockerIngest
#     attached while it sleeps; reports lines collected and the lag after the container exited.
#  N. RawLogRead napping 0, 50, 200 and 1000 us after each short read: the measurement behind SocketLogStreams.
#  D. `docker logs --since/--until` for a 1 ms window in the middle of the container of B, for scale.
# Needs: a running engine (scripts/docker-engine.sh), the image container-logging-test:busybox, and
# `mvn -pl benchmarks -am package -DskipTests` (benchmarks/target/benchmarks.jar).
# Every container it starts carries the label io.containerlogging.bench and is removed on exit.
set -euo pipefail

DOCKER=/usr/bin/docker
IMAGE=container-logging-test:busybox
LINES=${LINES:-1000000}
ROUNDS=${ROUNDS:-5}
SECTIONS=${SECTIONS:-ABNC}  # which sections to run; D runs with B (it reuses B's container)
JAR=${JAR:-$(dirname "$0")/../../benchmarks/target/benchmarks.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
LABEL=io.containerlogging.bench=$$

cleanup() { $DOCKER ps -aq --filter "label=$LABEL" | xargs -r $DOCKER rm -f >/dev/null; }
trap cleanup EXIT

[ -f "$JAR" ] || { echo "missing $JAR: run mvn -pl benchmarks -am package -DskipTests" >&2; exit 1; }

# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"

# a finished seq container with $LINES lines; prints its id
seq_container() {
  local id
  id=$($DOCKER run -d --label "$LABEL" "$IMAGE" seq 1 "$LINES")
  timeout 120 $DOCKER wait "$id" >/dev/null
  echo "$id"
}


if [[ $SECTIONS == *A* ]]; then
echo "== A. dockerd json-file write rate (seq 1 $LINES) vs LocalLogBackend persistence, alternating"
rates=(); persist=(); pratio=()
for i in $(seq 1 "$ROUNDS"); do
  id=$(seq_container)
  s=$(run_seconds "$id")
  rate=$(python3 -c "print(int($LINES / $s))")
  $DOCKER rm -f "$id" >/dev/null
  p=$(java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.PersistenceThroughput "$LINES" 3 seq | sed -n 's/^persist median=\([0-9]*\).*/\1/p')
  r=$(python3 -c "print('%.2f' % ($p / $rate))")
  echo "round $i: dockerd $s s -> $rate lines/s | backend to disk $p lines/s (same lines, median of 3 in one JVM) | ratio $r"
  rates+=("$rate"); persist+=("$p"); pratio+=("$r")
done
stats "dockerd-write lines/s" "${rates[@]}"
stats "backend-persist lines/s" "${persist[@]}"
stats "ratio backend/dockerd" "${pratio[@]}"
fi

if [[ $SECTIONS == *B* ]]; then
echo "== B. ingest of $LINES stored lines: DockerIngest (cold and warm) vs docker logs -t, alternating"
id=$(seq_container)
cli=(); cold=(); warm=(); libproc=(); coldratio=(); warmratio=(); rawratio=(); napratio=()
for i in $(seq 1 "$ROUNDS"); do
  rms=$(timeout 120 java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.RawLogRead "$id" | sed -n 's/.* ms=\([0-9]*\).*/\1/p')
  nms=$(timeout 120 java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.RawLogRead "$id" /var/run/docker.sock 50 | sed -n 's/.* ms=\([0-9]*\).*/\1/p')
  t0=$(now); $DOCKER logs -t "$id" > /dev/null 2>&1; t1=$(now)
  # three rounds in one JVM: round 1 cold, rounds 2-3 warm (new backend and monitor each round)
  out=$(timeout 300 java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.DockerIngest "$id" "$LINES" 60 3 2>/dev/null || true)
  t2=$(now); $DOCKER logs -t "$id" > /dev/null 2>&1; t3=$(now)
  c=$(python3 -c "print('%.3f' % ((($t1 - $t0) + ($t3 - $t2)) / 2))") # the CLI before and after, averaged
  ms=($(echo "$out" | sed -n 's/.* lines=\([0-9]*\) ms=\([0-9]*\).*/\1:\2/p'))
  if [ "${#ms[@]}" -ne 3 ] || [ "${ms[0]%%:*}" -lt "$LINES" ] || [ "${ms[1]%%:*}" -lt "$LINES" ] || [ "${ms[2]%%:*}" -lt "$LINES" ]; then
    echo "round $i: INCOMPLETE | $out"; continue
  fi
  l=$(python3 -c "print('%.3f' % (${ms[0]#*:} / 1000))")
  w=$(python3 -c "print('%.3f' % ((${ms[1]#*:} + ${ms[2]#*:}) / 2000))")
  rc=$(python3 -c "print('%.2f' % ($l / $c))"); rw=$(python3 -c "print('%.2f' % ($w / $c))")
  rr=$(python3 -c "print('%.2f' % ($rms / 1000 / $c))"); rn=$(python3 -c "print('%.2f' % ($nms / 1000 / $c))")
  echo "round $i: docker logs -t ${c}s | library cold ${l}s ratio $rc | warm ${w}s ratio $rw | raw JDK socket read ${rms}ms, ratio $rr | with 50 us naps ${nms}ms, ratio $rn"
  echo "$out" | sed 's/^/    /'
  cli+=("$c"); cold+=("$l"); warm+=("$w"); coldratio+=("$rc"); warmratio+=("$rw"); rawratio+=("$rr"); napratio+=("$rn")
done
stats "docker-logs-t s" "${cli[@]}"
stats "library-ingest-cold s" "${cold[@]}"
stats "library-ingest-warm s" "${warm[@]}"
stats "ratio library-cold/cli" "${coldratio[@]}"
stats "ratio library-warm/cli" "${warmratio[@]}"
stats "ratio raw-jdk-read/cli" "${rawratio[@]}"
stats "ratio raw-jdk-read-50us-naps/cli" "${napratio[@]}"

echo "== D. docker logs --since/--until, a 1 ms window in the middle of the same container"
read -r since until < <($DOCKER inspect -f '{{.State.StartedAt}} {{.State.FinishedAt}}' "$id" | python3 -c '
import sys, datetime
def t(s):
    d, f = s.rstrip("Z").split(".")
    return datetime.datetime.fromisoformat(d + "+00:00").timestamp() + float("0." + f)
a, b = map(t, sys.stdin.read().split())
m = (a + b) / 2
print("%.6f %.6f" % (m, m + 0.001))')
win=()
for i in $(seq 1 "$ROUNDS"); do
  t0=$(now); n=$($DOCKER logs --since "$since" --until "$until" "$id" 2>&1 | wc -l); t1=$(now)
  w=$(elapsed "$t0" "$t1"); echo "round $i: ${w}s, $n lines"; win+=("$w")
done
stats "docker-logs-window s" "${win[@]}"
$DOCKER rm -f "$id" >/dev/null
fi

if [[ $SECTIONS == *N* ]]; then
echo "== N. RawLogRead with naps after short reads (why SocketLogStreams naps 50 us), 3 rounds"
id=$(seq_container)
for i in 1 2 3; do
  for nap in 0 50 200 1000; do
    echo "round $i: $(timeout 120 java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.RawLogRead "$id" /var/run/docker.sock "$nap")"
  done
done
$DOCKER rm -f "$id" >/dev/null
fi

if [[ $SECTIONS == *C* ]]; then
echo "== C. live follow of a container writing $LINES lines as fast as it can"
for i in $(seq 1 "$ROUNDS"); do
  id=$($DOCKER run -d --label "$LABEL" "$IMAGE" sh -c "sleep 3; seq 1 $LINES")
  out=$(timeout 180 java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.DockerIngest "$id" "$LINES" 120 2>/dev/null || true)
  timeout 60 $DOCKER wait "$id" >/dev/null
  finished=$($DOCKER inspect -f '{{.State.FinishedAt}}' "$id" | python3 -c '
import sys, datetime
d, f = sys.stdin.read().strip().rstrip("Z").split(".")
print(int((datetime.datetime.fromisoformat(d + "+00:00").timestamp() + float("0." + f)) * 1000))')
  end=$(echo "$out" | sed -n 's/.*end-epoch-ms=\([0-9]*\).*/\1/p')
  run=$(run_seconds "$id")
  echo "round $i: container ran ${run}s (incl. 3 s sleep) | $out | lag after exit: $(( ${end:-0} - finished )) ms"
  $DOCKER rm -f "$id" >/dev/null
done
fi
