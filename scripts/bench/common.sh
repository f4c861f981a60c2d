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

# ---- the example server's benchmarks (efficiency.sh, idle.sh, heap-gc.sh) ----------------------

# server_bench_setup: the shared settings (DOCKER, IMAGE, LAUNCH, LABEL, TICKS, WORK, PID) and a
# trap that stops the server and removes this run's containers and files on exit. LAUNCH says how
# the server starts (default: the README's launcher).
server_bench_setup() {
  DOCKER=/usr/bin/docker
  IMAGE=container-logging-test:busybox
  LAUNCH=${LAUNCH:-examples/target/container-logging-example-dist/bin/container-logging-example}
  LABEL=io.containerlogging.bench=$$
  TICKS=$(getconf CLK_TCK)
  PID=
  WORK=$(mktemp -d)
  trap server_bench_cleanup EXIT
}

server_bench_cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  $DOCKER ps -aq --filter "label=$LABEL" | xargs -r $DOCKER rm -f >/dev/null
  rm -rf "$WORK"
}

# cpu_ticks <pid>: user + system CPU of every thread of the process so far, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# start_server <port>: starts $LAUNCH (persistence in $WORK/logs, Docker required, no audit
# trail) and returns once it answers; PID is the server's.
start_server() {
  PORT=$1 LOG_DIR="$WORK/logs" USE_REAL_DOCKER=true LOG_AUDIT=off $LAUNCH >"$WORK/server.out" 2>&1 &
  PID=$!
  until curl -fs "http://127.0.0.1:$1/api/v1/logs?limit=1" >/dev/null 2>&1; do
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.out"; exit 1; }
    sleep 0.05
  done
}
