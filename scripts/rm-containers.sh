#!/usr/bin/env bash
# How many lines of short-lived `docker run --rm` containers reach the library (README, "--rm").
# Starts the example server (examples/target/container-logging-example.jar) on $PORT with a fresh
# log directory, runs through the real CLI: 20 containers printing one line, 10 printing three
# lines (one on stderr), 10 printing a line and then an unterminated one; then counts what the
# API holds and how many lines came twice. Needs a running engine (scripts/docker-engine.sh),
# the test image, jq, and `mvn -q -pl examples -am package -DskipTests`.
set -euo pipefail

DOCKER=/usr/bin/docker
IMAGE=container-logging-test:busybox
PORT=${PORT:-3997}
JAR=${JAR:-$(dirname "$0")/../examples/target/container-logging-example.jar}
DIR=$(mktemp -d)
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -q -pl examples -am package -DskipTests" >&2; exit 1; }

PORT=$PORT LOG_DIR=$DIR/logs USE_REAL_DOCKER=true java -jar "$JAR" > "$DIR/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/logs/count" >/dev/null && break; sleep 0.1; done

for i in $(seq 1 20); do $DOCKER run --rm "$IMAGE" echo "one-$i" >/dev/null; done
for i in $(seq 1 10); do $DOCKER run --rm "$IMAGE" sh -c "echo three-$i-a; echo three-$i-b >&2; echo three-$i-c" >/dev/null 2>&1; done
for i in $(seq 1 10); do $DOCKER run --rm "$IMAGE" sh -c "echo part-$i-a; printf part-$i-c" >/dev/null 2>&1; done
sleep 4

curl -s "http://127.0.0.1:$PORT/api/v1/logs?limit=10000" | jq -r '.logs[].message' > "$DIR/got.txt"
echo "one-line: $(grep -c '^one-' "$DIR/got.txt")/20" \
  "| three lines: $(grep -c '^three-' "$DIR/got.txt")/30" \
  "| line before an unterminated one: $(grep -c '^part-.*-a$' "$DIR/got.txt")/10" \
  "| unterminated last line: $(grep -c '^part-.*-c$' "$DIR/got.txt")/10" \
  "| lines twice: $(grep -E '^(one|three|part)-' "$DIR/got.txt" | sort | uniq -d | wc -l)"
dups=$(grep -E '^(one|three|part)-' "$DIR/got.txt" | sort | uniq -d | tr '\n' ' ')
[ -z "$dups" ] || echo "stored twice: $dups"
