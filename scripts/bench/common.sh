# Shared by the benchmark scripts in this directory (source it; it runs nothing).
# run_seconds and the containers they inspect need DOCKER set by the sourcing script.

# seconds between a container's StartedAt and FinishedAt
run_seconds() {
  $DOCKER inspect -f '{{.State.StartedAt}} {{.State.FinishedAt}}' "$1" | python3 -c '
import sys, datetime
def t(s):
    d, f = s.rstrip("Z").split(".")
    return datetime.datetime.fromisoformat(d).timestamp() + float("0." + f)
a, b = sys.stdin.read().split()
print("%.3f" % (t(b) - t(a)))'
}

now() { date +%s.%N; }
elapsed() { python3 -c "print('%.3f' % ($2 - $1))"; }

# stats <name> <value>...: one line with the median, min, max and count
stats() { python3 -c '
import sys, statistics
v = [float(x) for x in sys.argv[2:]]
print("%s median=%.3f min=%.3f max=%.3f n=%d" % (sys.argv[1], statistics.median(v), min(v), max(v), len(v)))' "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# forward_classpath <file>: packages the benchmarks module with what it needs and writes the
# classpath to run its mains with (their provided dependencies included, e.g. ForwardRatios's
# OpenSearch node, which cannot run from the shaded jar) to <file>.
forward_classpath() {
  mvn -B -ntp -q -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$1.deps" >&2
  echo "benchmarks/target/classes:$(cat "$1.deps")" > "$1"
}
