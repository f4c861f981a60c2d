#!/usr/bin/env bash
# Before/after in one run: the same benchmark from two benchmark jars, alternating, ROUNDS times,
# so that a busy machine slows both alike. Prints each round's figure and the medians.
#
#   BEFORE=old/benchmarks.jar AFTER=benchmarks/target/benchmarks.jar ROUNDS=3 \
#     bash scripts/bench/ab.sh log|query|heap|reload|persist|persist-seq
#
# Build the "before" jar from an older commit in a git worktree:
#   git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -q -pl benchmarks -am package -DskipTests)
set -euo pipefail
: "${BEFORE:?BEFORE=path to the older benchmarks.jar}" "${AFTER:?AFTER=path to the newer benchmarks.jar}"
ROUNDS=${ROUNDS:-3}
what=${1:?log|query|heap|reload|persist|persist-seq}

run() { # jar -> one figure on stdout
  local jar=$1
  case $what in
    log)   java -jar "$jar" 'LogBenchmark.logOneThread' -f 1 -wi 2 -w 1 -i 3 -r 1 2>/dev/null \
             | awk '/LogBenchmark.logOneThread/ && /thrpt/ {print $(NF-3)}' ;;
    query) java -jar "$jar" 'QueryBenchmark.serviceLevelLimit100' -f 1 -wi 2 -w 1 -i 3 -r 1 2>/dev/null \
             | awk '/serviceLevelLimit100:p0.50/ {print $(NF-1)}' ;;
    heap)  java -Xmx2g -XX:+UseParallelGC -cp "$jar" io.containerlogging.benchmarks.HeapPerMessage 1000000 \
             | sed -n 's/.*beyond-text=\([0-9.]*\).*/\1/p' ;;
    reload) java -Xmx3g -cp "$jar" io.containerlogging.benchmarks.ReloadTime 1000000 3 \
             | sed -n 's/reload median=\([0-9]*\).*/\1/p' ;;
    persist) java -Xmx3g -cp "$jar" io.containerlogging.benchmarks.PersistenceThroughput 1000000 3 sample \
             | sed -n 's/persist median=\([0-9]*\).*/\1/p' ;;
    persist-seq) java -Xmx3g -cp "$jar" io.containerlogging.benchmarks.PersistenceThroughput 1000000 3 seq \
             | sed -n 's/persist median=\([0-9]*\).*/\1/p' ;;
    *) echo "unknown benchmark $what" >&2; exit 2 ;;
  esac
}

median() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%s [%s-%s]", m, a[1], a[NR]}'; }

before=(); after=()
for ((r = 1; r <= ROUNDS; r++)); do
  b=$(run "$BEFORE"); a=$(run "$AFTER")
  echo "round $r: before $b after $a (load $(cut -d' ' -f1 /proc/loadavg))"
  before+=("$b"); after+=("$a")
done
echo "$what before $(printf '%s\n' "${before[@]}" | median)"
echo "$what after  $(printf '%s\n' "${after[@]}" | median)"
