#!/usr/bin/env bash
# A small, bounded adversary for the HTTP API (issue 14), loopback only. It starts the example
# server on a free loopback port with a seeded LOG_DIR (300 messages of 64 KiB) and shorter JDK
# bounds (maxReqTime 5 s, maxRspTime 15 s, so that the run ends in minutes), then runs
# scripts/HttpAdversary.java against it and prints Markdown tables (see docs/http-hardening.md).
#
#   mvn -B -ntp -pl examples -am package -DskipTests    # once: builds the example jar
#   scripts/http-adversary.sh [N]                        # N hostile connections per attack (8; at most 64)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=examples/target/container-logging-example.jar
[ -f "$jar" ] || { echo "build $jar first: mvn -B -ntp -pl examples -am package -DskipTests" >&2; exit 2; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
java scripts/HttpAdversary.java seed "$work/logs"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
USE_REAL_DOCKER=false HOST=127.0.0.1 PORT=$port LOG_DIR=$work/logs \
  java -Xmx512m -Dsun.net.httpserver.maxReqTime=5 -Dsun.net.httpserver.maxRspTime=15 -jar "$jar" \
  >"$work/server.out" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.5
done
timeout 600 java scripts/HttpAdversary.java attack "$port" "${1:-8}"
if kill -0 "$pid" 2>/dev/null; then
  echo; echo "server still running after the attacks (heap limited to 512 MiB)"
else
  echo; echo "SERVER DIED:"; cat "$work/server.out"; exit 1
fi
