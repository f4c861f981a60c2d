#!/usr/bin/env bash
# Idle cost of following quiet containers (docs/log-files.md: a file reader polls its file): the
# example server follows $CONTAINERS containers that print one line and sleep; its CPU (user +
# system of every JVM thread, from /proc/<pid>/stat) over $SECONDS_IDLE seconds once they are all
# attached, as % of one core. LAUNCH says how the server starts (default: the README's launcher).
#   mvn -q -pl examples -am package -DskipTests && bash scripts/bench/idle.sh
set -euo pipefail
# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

DOCKER=/usr/bin/docker
IMAGE=container-logging-test:busybox
CONTAINERS=${CONTAINERS:-40}
SECONDS_IDLE=${SECONDS_IDLE:-20}
LAUNCH=${LAUNCH:-examples/target/container-logging-example-dist/bin/container-logging-example}
LABEL=io.containerlogging.bench=$$
TICKS=$(getconf CLK_TCK)
PID=
WORK=$(mktemp -d)

cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  $DOCKER ps -aq --filter "label=$LABEL" | xargs -r $DOCKER rm -f >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for _ in $(seq 1 "$CONTAINERS"); do
  $DOCKER run -d --label "$LABEL" "$IMAGE" sh -c 'echo hello; sleep 3600' >/dev/null
done
port=$(free_port)
PORT=$port LOG_DIR="$WORK/logs" USE_REAL_DOCKER=true LOG_AUDIT=off $LAUNCH >"$WORK/server.out" 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$port/api/v1/logs?limit=1" >/dev/null 2>&1; do
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.out"; exit 1; }
  sleep 0.05
done
sleep 10 # attached, JIT and the first reads done
c0=$(cpu_ticks "$PID")
sleep "$SECONDS_IDLE"
c1=$(cpu_ticks "$PID")
python3 -c "print('idle: %d containers, server %.2f %% of one core over %d s (load %s)' % ($CONTAINERS, 100.0 * ($c1 - $c0) / $TICKS / $SECONDS_IDLE, $SECONDS_IDLE, '$(cut -d' ' -f1-3 /proc/loadavg)'))"
