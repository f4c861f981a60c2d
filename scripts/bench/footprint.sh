#!/usr/bin/env bash
# Footprint of the example server (issue 19): resident memory and CPU, as a user runs it.
#   1. start the server (LAUNCH, default: the launcher README uses), time until /api/v1/logs answers;
#   2. idle: resident set after 10 s, CPU used over the next 10 s (from /proc/<pid>/stat);
#   3. load: a container prints LINES lines of 100 characters at full speed; peak resident set
#      (VmHWM) until its last line is stored; lines per second over that time;
#   4. native memory tracking summary at the end (heap, metaspace, code, threads, the rest),
#      when NMT=1 (adds -XX:NativeMemoryTracking=summary, which itself costs a little memory).
# ROUNDS rounds; each prints one line of figures. Needs a Docker engine (scripts/docker-engine.sh)
# and the launcher built (mvn -q -pl examples -am package -DskipTests).
#   LAUNCH="java -jar examples/target/container-logging-example.jar" bash scripts/bench/footprint.sh
# measures the plain JVM defaults instead.
set -euo pipefail
# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

DOCKER=/usr/bin/docker
IMAGE=container-logging-test:busybox
LINES=${LINES:-200000}
ROUNDS=${ROUNDS:-3}
LAUNCH=${LAUNCH:-examples/target/container-logging-example-dist/bin/container-logging-example}
NMT=${NMT:-0}
LABEL=io.containerlogging.bench=$$
TICKS=$(getconf CLK_TCK)
PID=
WORK=$(mktemp -d)

cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true
  $DOCKER ps -aq --filter "label=$LABEL" | xargs -r $DOCKER rm -f >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# the java process: the launcher execs java, so it is the process we started
java_pid() { echo "$1"; }

for round in $(seq 1 "$ROUNDS"); do
  port=$(free_port)
  dir="$WORK/logs-$round"
  opts=""
  [ "$NMT" = 1 ] && opts="-XX:NativeMemoryTracking=summary"
  start=$(now)
  PORT=$port LOG_DIR="$dir" USE_REAL_DOCKER=true JAVA_OPTS="$opts" $LAUNCH >"$WORK/server-$round.out" 2>&1 &
  PID=$!
  until curl -fs "http://127.0.0.1:$port/api/v1/logs?limit=1" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server-$round.out"; exit 1; }
    sleep 0.01
  done
  ready=$(python3 -c "print('%.2f' % ($(now) - $start))")

  sleep 10
  idle_rss=$(rss_kb "$PID")
  c0=$(cpu_ticks "$PID"); t0=$(now)
  sleep 10
  c1=$(cpu_ticks "$PID"); t1=$(now)
  idle_cpu=$(python3 -c "print('%.2f' % (100.0 * ($c1 - $c0) / $TICKS / ($t1 - $t0)))")

  # 100-character lines: a 7-digit number, a space, 92 zeros
  load_start=$(now)
  id=$($DOCKER run -d --label "$LABEL" "$IMAGE" sh -c "i=0; while [ \$i -lt $LINES ]; do i=\$((i+1)); printf '%07d %092d\\n' \$i 0; done")
  last=$(printf '%07d %092d' "$LINES" 0)
  peak=0
  until curl -fs "http://127.0.0.1:$port/api/v1/logs?containerId=$id&limit=1" | grep -q "\"message\":\"$last\""; do
    r=$(rss_kb "$PID"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.1
  done
  load_s=$(python3 -c "print('%.2f' % ($(now) - $load_start))")
  hwm=$(hwm_kb "$PID")
  echo "round=$round ready_s=$ready idle_rss_mb=$((idle_rss / 1024)) idle_cpu_pct=$idle_cpu peak_rss_mb=$((hwm / 1024)) sampled_peak_mb=$((peak / 1024)) load_s=$load_s lines_per_s=$(python3 -c "print(int($LINES / $load_s))")"
  if [ "$NMT" = 1 ]; then
    jcmd "$PID" VM.native_memory summary | grep -E "^(Total|-  *(Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Native Memory Tracking|Shared class space|Arena Chunk|Metaspace))" || true
  fi
  if [ -n "${STATUS:-}" ]; then
    grep -E "^(VmHWM|VmRSS|RssAnon|RssFile|Threads)" "/proc/$PID/status" | tr -s ' \t\n' ' '; echo
  fi
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  $DOCKER rm -f "$id" >/dev/null
done
