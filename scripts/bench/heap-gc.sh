#!/usr/bin/env bash
# What the launcher's heap size costs in collections (issue 19 against issue 20): the example
# server follows ROUNDS containers that each print `seq 1 $LINES` (after one unreported warm-up
# container); per container: the server's CPU (user + system of every thread, from
# /proc/<pid>/stat), the GC pauses summed from -Xlog:gc (wall time: a busy machine inflates them)
# and how many were full collections, and the peak resident set so far (VmHWM).
#   JAVA_OPTS=-Xmx20m bash scripts/bench/heap-gc.sh     # the launcher with another heap
# Needs a Docker engine (scripts/docker-engine.sh) and the launcher built
# (mvn -q -pl examples -am package -DskipTests). LAUNCH overrides how the server starts.
set -euo pipefail
# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

LINES=${LINES:-1000000}
ROUNDS=${ROUNDS:-2}
server_bench_setup

# gc_totals: "<pause ms> <pauses> <full pauses>" so far
gc_totals() {
  python3 - "$WORK/gc.log" <<'PY'
import re, sys
total = pauses = full = 0
for line in open(sys.argv[1]):
    m = re.search(r'Pause (\w+).* ([0-9.]+)ms', line)
    if m:
        total += float(m.group(2)); pauses += 1; full += m.group(1) == 'Full'
print('%.0f %d %d' % (total, pauses, full))
PY
}
wait_last() {
  until curl -fs "http://127.0.0.1:$1/api/v1/logs?containerId=$2&limit=1" | grep -q "\"message\":\"$LINES\""; do
    sleep 0.2
  done
}

port=$(free_port)
JAVA_OPTS="${JAVA_OPTS:-} -Xlog:gc:file=$WORK/gc.log" start_server "$port"
echo "server $LAUNCH ${JAVA_OPTS:-}; load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 0 "$ROUNDS"); do
  read -r g0 n0 f0 < <(gc_totals); c0=$(cpu_ticks "$PID")
  id=$($DOCKER run -d --label "$LABEL" "$IMAGE" seq 1 "$LINES")
  wait_last "$port" "$id"
  sleep 2 # the writer, syncer and compressor finish
  read -r g1 n1 f1 < <(gc_totals); c1=$(cpu_ticks "$PID")
  $DOCKER rm -f "$id" >/dev/null
  [ "$round" = 0 ] && continue # warm-up
  echo "round=$round cpu_s=$(python3 -c "print('%.2f' % (($c1 - $c0) / $TICKS))") gc_pause_ms=$((g1 - g0))" \
    "pauses=$((n1 - n0)) full=$((f1 - f0)) peak_rss_mb=$(( $(awk '/^VmHWM/ {print $2}' "/proc/$PID/status") / 1024 ))"
done
