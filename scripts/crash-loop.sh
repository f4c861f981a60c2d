#!/usr/bin/env bash
# kill -9 at random moments during a flood, ROUNDS times, on one log directory (CrashLoopTest):
# every line must end up stored exactly once, no id may name two messages, every start clean.
# CI runs 20 rounds as part of `mvn verify`; this runs as many as you like, e.g.
#   ROUNDS=200 bash scripts/crash-loop.sh
# Each round starts a JVM, floods for 0.1-1 s and kills it; about 1.5 s a round on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-100}
SEED=${SEED:-$RANDOM}
echo "crash loop: $ROUNDS rounds, seed $SEED"
mvn -B -ntp -q -pl logging-backend-local -am verify -Pfast -DexcludedGroups=docker,opensearch \
    -Dtest=CrashLoopTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dcrashloop.rounds="$ROUNDS" -Dcrashloop.seed="$SEED"
echo "crash loop: $ROUNDS rounds passed"
