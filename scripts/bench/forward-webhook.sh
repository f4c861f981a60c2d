#!/usr/bin/env bash
# WebhookSink.deliver (batches of 500) against a plain loop with the same JDK HttpClient posting
# the same bodies, to a JDK HttpServer receiver in the same JVM that reads every body and counts
# the messages; ROUNDS rounds in ABBA order after a warm-up. GZIP=1 compresses the bodies on both
# sides. Prints each round and the median [min-max] rates and ratios (see ForwardRatios' javadoc).
#
#   MESSAGES=100000 ROUNDS=5 [GZIP=1] bash scripts/bench/forward-webhook.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/common.sh
MESSAGES=${MESSAGES:-100000}
ROUNDS=${ROUNDS:-5}
target=webhook
if [[ "${GZIP:-0}" == 1 ]]; then target=webhook-gzip; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
forward_classpath "$out/cp"
start=$(now)
java -Xmx${HEAP:-1g} -cp "$(cat "$out/cp")" io.containerlogging.benchmarks.ForwardRatios "$target" "$MESSAGES" "$ROUNDS"
echo "total $(elapsed "$start" "$(now)") s"
