#!/usr/bin/env bash
# Runs the seed's usage examples (LOGGING.md, "API Endpoints" and "Usage Examples" 1-4), verbatim
# where they can be, against the example server jar and a real Docker engine, and asserts on what
# they print. Then stops the server with SIGTERM and restarts it on the same LOG_DIR to check that
# nothing was lost or duplicated. CI runs it after `mvn verify`; needs curl, jq and a Docker engine
# (scripts/docker-engine.sh) and the jar (`mvn -pl examples -am package`).
set -euo pipefail
cd "$(dirname "$0")/../.."

DOCKER=/usr/bin/docker
LAUNCHER=examples/target/container-logging-example-dist/bin/container-logging-example
IMAGE=container-logging-test:busybox
BASE=http://localhost:3000
WORK=$(mktemp -d)
export LOG_DIR="$WORK/logs" PORT=3000 USE_REAL_DOCKER=true
server_pid=""
container=""
passed=0
failed=0

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$container" ] && "$DOCKER" rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

check() { # description, command... : passes when the command succeeds
  local what=$1; shift
  if "$@" >/dev/null; then passed=$((passed + 1)); echo "  ok   $what"; else failed=$((failed + 1)); echo "  FAIL $what"; fi
}

start_server() {
  "$LAUNCHER" >"$WORK/server-$1.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "$BASE/api/v1/logs/count" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "example server did not come up; its output:" >&2
  cat "$WORK/server-$1.out" >&2
  exit 1
}

wait_for() { # jq filter over /api/v1/logs that must become true
  for _ in $(seq 1 100); do
    [ "$(curl -s "$BASE/api/v1/logs" | jq "$1")" = "true" ] && return 0
    sleep 0.1
  done
  return 1
}

[ -x "$LAUNCHER" ] || { echo "missing $LAUNCHER: run mvn -pl examples -am package first" >&2; exit 1; }
echo "seed examples: starting the example server on :3000 (LOG_DIR=$LOG_DIR)"
start_server 1
grep -q "listening on http://127.0.0.1:3000" "$WORK/server-1.out"
check "the server prints where it listens and a curl example" grep -q 'Try: curl' "$WORK/server-1.out"

# A container started after the server, as "Automatic Log Attachment" describes; the compose
# service label names it "web".
container=$("$DOCKER" run -d --label com.docker.compose.service=web "$IMAGE" \
  sh -c 'echo "Server started on port 8080"; echo "Error connecting to database" >&2; sleep 600')
short=${container:0:12}
check "the new container is attached automatically and its lines arrive" \
  wait_for '[.logs[] | select(.serviceName == "web")] | length == 2'

echo "Example 1: watch logs of service web"
out=$(curl -s "http://localhost:3000/api/v1/logs?serviceName=web&limit=20" | jq '.logs[] | "\(.timestamp | todate) [\(.level)] \(.message)"')
check "stdout line at info" grep -q '\[info\] Server started on port 8080' <<<"$out"
check "stderr line at error" grep -q '\[error\] Error connecting to database' <<<"$out"

echo "Example 2: debug a failing container"
SINCE=$(($(date +%s)*1000 - 300000))
out=$(curl -s "http://localhost:3000/api/v1/logs?level=error&since=$SINCE" | jq .)
check "error logs of the last 5 minutes hold the stderr line" bash -c \
  'jq -e ".logs | map(select(.message == \"Error connecting to database\" and .isStdErr and .level == \"error\")) | length == 1" <<<"$1" >/dev/null' _ "$out"
out=$(curl -s "http://localhost:3000/api/v1/logs?containerId=$short" | jq .)
check "all logs of the container by id prefix" bash -c \
  'jq -e "(.count == 2) and (.logs | all(.containerId == \"$2\"))" <<<"$1" >/dev/null' _ "$out" "$container"

echo "Example 3: export today's logs to a file"
(cd "$WORK" && TODAY=$(date -d "today 00:00:00" +%s000) && curl -s "http://localhost:3000/api/v1/logs?since=$TODAY" | jq . > logs-$(date +%Y%m%d).json)
check "the export file holds today's logs" jq -e '.count >= 2 and (.logs | length) == .count' "$WORK/logs-$(date +%Y%m%d).json"

echo "Example 4: system and manager events"
out=$(curl -s "http://localhost:3000/api/v1/logs?sourceType=system&sourceType=manager" | jq '.logs[] | "\(.timestamp | todate) \(.message)"')
check "the server's own startup is logged" grep -q 'Example server starting' <<<"$out"
check "no container line among them" bash -c '! grep -q "Server started on port 8080" <<<"$1"' _ "$out"

echo "Count, attach, detach (the seed's endpoint examples)"
check "count" bash -c 'curl -s http://localhost:3000/api/v1/logs/count | jq -e ".count >= 4" >/dev/null'
out=$(curl -s -X DELETE "http://localhost:3000/api/v1/logs/$short/attach")
check "detach answers as the seed shows" jq -e --arg id "$short" \
  '.message == "Successfully detached from container logs" and .containerId == $id' <<<"$out"
out=$(curl -s -X POST "http://localhost:3000/api/v1/logs/$short/attach" \
  -H "Content-Type: application/json" \
  -d '{"serviceId": 1, "serviceName": "web"}')
check "attach answers as the seed shows" jq -e --arg id "$short" \
  '.message == "Successfully attached to container logs" and .containerId == $id and .serviceName == "web"' <<<"$out"
check "re-attaching duplicated nothing" wait_for '[.logs[] | select(.message == "Server started on port 8080")] | length == 1'
status=$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:3000/api/v1/logs?limit=ten")
check "a bad parameter is a 400" [ "$status" = 400 ]

echo "SIGTERM, then a restart on the same LOG_DIR"
# The script's own container only: another container on the same engine may be writing meanwhile.
before=$(curl -s "$BASE/api/v1/logs?sourceType=container&containerId=$short" | jq -c '[.logs[] | {id, message}]')
started=$(date +%s%N)
kill -TERM "$server_pid"
code=0; wait "$server_pid" || code=$?
server_pid=""
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
check "the server exits 0 on SIGTERM (took ${elapsed_ms} ms)" [ "$code" = 0 ]
start_server 2
after=$(curl -s "$BASE/api/v1/logs?sourceType=container&containerId=$short" | jq -c '[.logs[] | {id, message}]')
check "the restarted server serves the same container logs, same ids, no duplicates" [ "$before" = "$after" ]
check "the shutdown was logged and reloaded" bash -c \
  'curl -s "http://localhost:3000/api/v1/logs?sourceType=system" | jq -e "[.logs[].message] | any(. == \"Example server shutting down\")" >/dev/null'

echo "seed-examples: $passed passed, $failed failed"
[ "$failed" = 0 ]
