#!/usr/bin/env bash
# How many lines of short-lived `docker run --rm` containers reach the library (README, "--rm"),
# with ContainerLogMonitor's attachAtCreate off and on (ATTACH_AT_CREATE=false|true, default both,
# one after the other). Starts benchmarks' RmCollector (monitor + memory backend + REST API) on
# $PORT, runs through the real CLI: 20 containers printing one line, 10 printing three
# lines (one on stderr), 10 printing a line and then an unterminated one, then 3 times 10 at once
# printing two lines; then counts what the API holds and how many lines came twice. Needs a running engine (scripts/docker-engine.sh),
# the test image, jq, and `mvn -q -pl benchmarks -am package -DskipTests`.
set -euo pipefail

DOCKER=/usr/bin/docker
IMAGE=container-logging-test:busybox
PORT=${PORT:-3997}
JAR=${JAR:-$(dirname "$0")/../benchmarks/target/benchmarks.jar}
MODES=${ATTACH_AT_CREATE:-false true}
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -q -pl benchmarks -am package -DskipTests" >&2; exit 1; }

for mode in $MODES; do
DIR=$(mktemp -d)

dead_before=$($DOCKER ps -aq --filter status=dead --filter status=removing | wc -l)
java -cp "$JAR" io.containerlogging.benchmarks.RmCollector "$PORT" "$mode" > "$DIR/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 200); do grep -q ready "$DIR/server.log" && break; sleep 0.1; done

for i in $(seq 1 20); do $DOCKER run --rm "$IMAGE" echo "one-$i" >/dev/null; done
for i in $(seq 1 10); do $DOCKER run --rm "$IMAGE" sh -c "echo three-$i-a; echo three-$i-b >&2; echo three-$i-c" >/dev/null 2>&1; done
for i in $(seq 1 10); do $DOCKER run --rm "$IMAGE" sh -c "echo part-$i-a; printf part-$i-c" >/dev/null 2>&1; done
for round in 1 2 3; do   # ten at once, three times (wait for these, not for the server)
  runs=()
  for i in $(seq 1 10); do $DOCKER run --rm "$IMAGE" sh -c "echo par-$round-$i-a; echo par-$round-$i-b" >/dev/null 2>&1 & runs+=($!); done
  wait "${runs[@]}"
done
sleep 4

curl -s "http://127.0.0.1:$PORT/api/v1/logs?limit=10000" | jq -r '.logs[].message' > "$DIR/got.txt"
echo "attachAtCreate=$mode: one-line: $(grep -c '^one-' "$DIR/got.txt")/20" \
  "| three lines: $(grep -c '^three-' "$DIR/got.txt")/30" \
  "| line before an unterminated one: $(grep -c '^part-.*-a$' "$DIR/got.txt")/10" \
  "| unterminated last line: $(grep -c '^part-.*-c$' "$DIR/got.txt")/10" \
  "| ten in parallel, two lines: $(grep -c '^par-' "$DIR/got.txt")/60" \
  "| lines twice: $(grep -E '^(one|three|part|par)-' "$DIR/got.txt" | sort | uniq -d | wc -l)"
sleep 2
dead=$(( $($DOCKER ps -aq --filter status=dead --filter status=removing | wc -l) - dead_before ))
echo "containers left dead or stuck in removal: $dead (removal failed while the library read them?)"
dups=$(grep -E '^(one|three|part|par)-' "$DIR/got.txt" | sort | uniq -d | tr '\n' ' ')
[ -z "$dups" ] || echo "stored twice: $dups"
kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$DIR"
done
