#!/usr/bin/env bash
# StoreReader's read rate over a local store whose rotated files are compressed (StoreReadRate's
# javadoc): what a forwarder catching up costs per message before its sink.
#
#   MESSAGES=200000 ROUNDS=5 bash scripts/bench/store-read.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/common.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
forward_classpath "$out/cp"
java -Xmx1g -cp "$(cat "$out/cp")" io.containerlogging.benchmarks.StoreReadRate "${MESSAGES:-200000}" "${ROUNDS:-5}"
