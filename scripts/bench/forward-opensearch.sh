#!/usr/bin/env bash
# OpenSearchSink.deliver (batches of 500) against a plain bulk loop with the same opensearch-java
# client doing the same requests (same documents, ids, indices), in one JVM with its own
# OpenSearch node on port 9201 (so never while OpenSearch tests run); ROUNDS rounds in ABBA
# order after a warm-up, each run on fresh documents and checked by a per-device count afterwards.
# Prints each round and the median [min-max] rates and ratios (see ForwardRatios' javadoc).
#
#   MESSAGES=100000 ROUNDS=5 bash scripts/bench/forward-opensearch.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/common.sh
MESSAGES=${MESSAGES:-100000}
ROUNDS=${ROUNDS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
forward_classpath "$out/cp"
start=$(now)
java -Xmx${HEAP:-2g} -cp "$(cat "$out/cp")" io.containerlogging.benchmarks.ForwardRatios opensearch "$MESSAGES" "$ROUNDS" \
  2> >(grep -v '^SLF4J' >&2)
echo "total $(elapsed "$start" "$(now)") s"
