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

CONTAINERS=${CONTAINERS:-40}
SECONDS_IDLE=${SECONDS_IDLE:-20}

server_bench_setup

for _ in $(seq 1 "$CONTAINERS"); do
  $DOCKER run -d --label "$LABEL" "$IMAGE" sh -c 'echo hello; sleep 3600' >/dev/null
done
port=$(free_port)
start_server "$port"
sleep 10 # attached, JIT and the first reads done
c0=$(cpu_ticks "$PID")
sleep "$SECONDS_IDLE"
c1=$(cpu_ticks "$PID")
python3 -c "print('idle: %d containers, server %.2f %% of one core over %d s (load %s)' % ($CONTAINERS, 100.0 * ($c1 - $c0) / $TICKS / $SECONDS_IDLE, $SECONDS_IDLE, '$(cut -d' ' -f1-3 /proc/loadavg)'))"
