#!/usr/bin/env bash
# Kafka forward rate (issue 17, docs/BENCHMARKS.md "Forwarding to Kafka"): KafkaSink.deliver in batches
# of 500 against a plain KafkaProducer loop with the same settings, in one JVM, against one real KRaft
# broker that this script starts in a child JVM (the tests' KafkaBroker harness) and stops at the end.
# Settings: MESSAGES per round (300000), ROUNDS (15), COMPRESSION (gzip|none), MODES (plain,sink,forwarder),
# JAVA_OPTS for the measuring JVM (-Xmx1g). Builds what it needs (benchmarks jar, the harness).
set -euo pipefail
cd "$(dirname "$0")/../.."

MESSAGES=${MESSAGES:-300000}
ROUNDS=${ROUNDS:-15}
COMPRESSION=${COMPRESSION:-gzip}
MODES=${MODES:-plain,sink,forwarder}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
WORK=$(mktemp -d)
BROKER_PID=

# shellcheck source=scripts/bench/common.sh
source scripts/bench/common.sh

cleanup() {
  if [ -n "$BROKER_PID" ]; then
    kill "$BROKER_PID" 2>/dev/null || true # its shutdown hook stops the broker JVM
    wait "$BROKER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build ($(date -u +%H:%M:%S))"
mvn -B -ntp -q -pl benchmarks,logging-forward-kafka -am package dependency:build-classpath -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
KAFKA_MODULE=logging-forward-kafka
BROKER_CP="$KAFKA_MODULE/target/test-classes:$KAFKA_MODULE/target/classes:$(cat $KAFKA_MODULE/target/test-classpath.txt)"

echo "== broker ($(date -u +%H:%M:%S))"
started=$(now)
java -Xmx128m -cp "$BROKER_CP" io.containerlogging.forward.kafka.KafkaBroker "$WORK/bootstrap" >"$WORK/broker.out" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 600); do
  [ -f "$WORK/bootstrap" ] && break
  kill -0 "$BROKER_PID" 2>/dev/null || { cat "$WORK/broker.out" >&2; exit 1; }
  sleep 0.2
done
[ -f "$WORK/bootstrap" ] || { echo "the broker did not start" >&2; exit 1; }
BOOTSTRAP=$(cat "$WORK/bootstrap")
echo "broker at $BOOTSTRAP after $(elapsed "$started" "$(now)") s; load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== measure ($(date -u +%H:%M:%S))"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.KafkaForwardRate \
  "$BOOTSTRAP" "$MESSAGES" "$ROUNDS" "$COMPRESSION" "$MODES"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
