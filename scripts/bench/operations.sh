#!/usr/bin/env bash
# Issue 19, metrics and audit: what LOG_METRICS and LOG_AUDIT cost the example server, as README
# starts it (the launcher), without Docker. Three settings, alternating, ROUNDS rounds:
#   off   LOG_METRICS=off LOG_AUDIT=off   (the reference)
#   m     LOG_METRICS=on  LOG_AUDIT=off   (the access filter and the metrics)
#   ma    LOG_METRICS=on  LOG_AUDIT=on    (the default: also one audit message per request)
# Per run: start, wait until /api/v1/logs answers; warm up with wrk (3 s) and one scrape; measure
# wrk -t1 -c4 -d$DURATION --latency on GET /api/v1/logs?limit=10 (requests/s, p50); then, with
# the audit ring full of those requests, resident set (VmRSS), peak (VmHWM), threads, classes
# loaded (jcmd PerfCounter.print) and heap used after a full GC (jcmd GC.heap_info).
# Needs wrk and the launcher built (mvn -q -pl examples -am package -DskipTests).
set -euo pipefail
# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
LAUNCH=${LAUNCH:-examples/target/container-logging-example-dist/bin/container-logging-example}
PID=
WORK=$(mktemp -d)
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

status() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# classes loaded now, from the class-data archive (CDS) or not
classes() { jcmd "$1" PerfCounter.print | awk -F= '/^java.cls.(shared)?[lL]oadedClasses=/ {n+=$2} /^java.cls.(shared)?[uU]nloadedClasses=/ {n-=$2} END {print n}'; }
# live heap: young + old generation in use right after a full GC (serial GC's heap_info format)
heap_used_kb() {
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/generation +total/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub(/K,?/,"",v); n+=v}} END {print n}'
}

run() { # $1 label, $2 LOG_METRICS, $3 LOG_AUDIT
  local port dir url ready rps p50
  port=$(free_port); dir="$WORK/logs-$1-$RANDOM"
  PORT=$port LOG_DIR="$dir" USE_REAL_DOCKER=false LOG_METRICS=$2 LOG_AUDIT=$3 $LAUNCH >"$WORK/server.out" 2>&1 &
  PID=$!
  until curl -fs "http://127.0.0.1:$port/api/v1/logs?limit=1" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.out"; exit 1; }
    sleep 0.05
  done
  url="http://127.0.0.1:$port/api/v1/logs?limit=10"
  wrk -t1 -c4 -d3s "$url" >/dev/null
  curl -fs "http://127.0.0.1:$port/metrics" >/dev/null || true
  wrk -t1 -c4 -d"$DURATION" --latency "$url" >"$WORK/wrk.out"
  rps=$(awk '/^Requests\/sec/ {print int($2)}' "$WORK/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.out")
  sleep 2
  echo "setting=$1 rps=$rps p50=$p50 rss_mb=$(( $(status "$PID" VmRSS) / 1024 )) hwm_mb=$(( $(status "$PID" VmHWM) / 1024 ))" \
       "threads=$(status "$PID" Threads) classes=$(classes "$PID") heap_used_kb=$(heap_used_kb "$PID")"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

for round in $(seq 1 "$ROUNDS"); do
  run off off off
  run m on off
  run ma on on
done
