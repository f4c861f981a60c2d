#!/usr/bin/env bash
# The filter language against a plain String.indexOf scan over the same 1M strings, measured in
# the same JVM, ROUNDS times (one JMH fork each); prints each round's ratios and their median
# [min-max] (issue 15: search within 2x, regex within 5x). JMH runs the benchmarks one after the
# other: on a loaded machine prefer SearchRatios (paired, see its javadoc):
#   java -Xmx2g -cp "$JAR" io.containerlogging.benchmarks.SearchRatios 20
#
#   mvn -B -ntp -q -pl benchmarks -am package -DskipTests
#   ROUNDS=5 JAR=benchmarks/target/benchmarks.jar bash scripts/bench/search.sh
set -euo pipefail
JAR=${JAR:-benchmarks/target/benchmarks.jar}
ROUNDS=${ROUNDS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= ROUNDS; r++)); do
  if ! java -jar "$JAR" 'SearchBenchmark' -f 1 -wi 2 -w 1 -i 3 -r 1 -rf csv -rff "$out/round$r.csv" >"$out/log$r" 2>&1; then
    tail -5 "$out/log$r" >&2 # e.g. another JMH run holds /tmp/jmh.lock
    exit 1
  fi
  # csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
  awk -F, -v r="$r" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    NR > 1 { gsub(/"/, "", $1); sub(/.*\./, "", $1); score[$1] = $5 }
    END {
      line = sprintf("round %d (load %s): indexOf %.1f ms", r, load, score["indexOfReference"])
      for (b in score) if (b != "indexOfReference") line = line sprintf(", %s %.2fx", b, score[b] / score["indexOfReference"])
      print line
    }' "$out/round$r.csv"
  awk -F, 'NR > 1 { gsub(/"/, "", $1); sub(/.*\./, "", $1); s[$1] = $5 }
    END { for (b in s) if (b != "indexOfReference") print b, s[b] / s["indexOfReference"]; print "indexOfReference_ms", s["indexOfReference"] }' \
    "$out/round$r.csv" >> "$out/ratios"
done
for b in $(cut -d' ' -f1 "$out/ratios" | sort -u); do
  grep "^$b " "$out/ratios" | cut -d' ' -f2 | sort -g \
    | awk -v b="$b" '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%-20s median %.2f [%.2f-%.2f]\n", b, m, a[1], a[NR]}'
done
