#!/usr/bin/env bash
# Efficiency of the example server against Docker itself (issue 20, rows 1 and 2), in one run:
#   CPU. A container runs `seq 1 $LINES` while the server (persistence on, as README starts it)
#        follows it. The server's CPU (user + system of every JVM thread, JIT and GC included, from
#        /proc/<pid>/stat) from the container's start until its last line is stored and the server
#        is idle again, against the CPU `docker logs -t <container> > /dev/null` spends reading the
#        same lines afterwards (user + system of the CLI process). dockerd's own CPU is on both
#        sides and counted on neither.
#   LAST. A container prints 1 to $LIVE_LINES from a shell loop (a live container: `seq` would
#        exit before dockerd has even copied its output, and its run time would say nothing). The time from the container's StartedAt until its
#        last line is visible through GET /api/v1/logs (polled every 5 ms over one keep-alive
#        connection), against the container's run time (StartedAt to FinishedAt, from docker
#        inspect): no follower can store the last line before the container writes it.
# Both sections run $ROUNDS rounds on one server; round 1 includes the JIT warming up (reported, and
# in the medians). Needs a Docker engine (scripts/docker-engine.sh) and the launcher built:
#   mvn -q -pl examples -am package -DskipTests && bash scripts/bench/efficiency.sh
# LAUNCH overrides how the server starts (default: the launcher README uses); JAVA_OPTS is passed on.
set -euo pipefail
# shellcheck source=scripts/bench/common.sh
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

LINES=${LINES:-1000000}
LIVE_LINES=${LIVE_LINES:-300000}
ROUNDS=${ROUNDS:-3}
SECTIONS=${SECTIONS:-CL}

server_bench_setup

# wait_last <port> <container> <text> <interval s>: polls until the container's newest stored
# line is <text>; prints the wall-clock time (epoch s) it was first seen.
wait_last() {
  python3 - "$@" <<'PY'
import http.client, json, sys, time
port, container, text, interval = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
deadline = time.time() + 600
while time.time() < deadline:
    try:
        conn.request("GET", "/api/v1/logs?containerId=%s&limit=1" % container)
        body = json.loads(conn.getresponse().read())
    except (http.client.HTTPException, OSError):  # the server closed the idle connection: reconnect
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
        continue
    logs = body.get("logs", body) if isinstance(body, dict) else body
    if logs and logs[0].get("message") == text:
        print("%.6f" % time.time())
        sys.exit(0)
    time.sleep(interval)
sys.exit("last line not stored within 600 s")
PY
}

# started_finished <container>: StartedAt and FinishedAt in epoch seconds
started_finished() {
  $DOCKER inspect -f '{{.State.StartedAt}} {{.State.FinishedAt}}' "$1" | python3 -c '
import sys, datetime
def t(s):
    d, f = s.rstrip("Z").split(".")
    return datetime.datetime.fromisoformat(d).replace(tzinfo=datetime.timezone.utc).timestamp() + float("0." + f)
a, b = sys.stdin.read().split()
print("%.6f %.6f" % (t(a), t(b)))'
}

# settle <pid>: waits until the server uses under 5 % of a core over 200 ms (the file writer and
# the syncer have caught up), at most 10 s
settle() {
  local a b
  for _ in $(seq 1 50); do
    a=$(cpu_ticks "$1"); sleep 0.2; b=$(cpu_ticks "$1")
    [ $((b - a)) -le $((TICKS / 100)) ] && return 0
  done
}

port=$(free_port)
start_server "$port"
settle "$PID"
echo "server pid $PID on port $port ($LAUNCH ${JAVA_OPTS:-}); load $(cut -d' ' -f1-3 /proc/loadavg)"

jvm=(); cli=(); cpuratio=(); lag=(); run=(); lastratio=()
for round in $(seq 1 "$ROUNDS"); do
  if [[ $SECTIONS == *C* ]]; then
    c0=$(cpu_ticks "$PID")
    id=$($DOCKER run -d --label "$LABEL" "$IMAGE" seq 1 "$LINES")
    wait_last "$port" "$id" "$LINES" 0.1 >/dev/null
    settle "$PID"
    c1=$(cpu_ticks "$PID")
    $DOCKER wait "$id" >/dev/null
    TIMEFORMAT='%U %S'
    t=$( { time $DOCKER logs -t "$id" >/dev/null 2>&1; } 2>&1 )
    j=$(python3 -c "print('%.2f' % (($c1 - $c0) / $TICKS))")
    c=$(python3 -c "u, s = '$t'.split(); print('%.2f' % (float(u) + float(s)))")
    r=$(python3 -c "print('%.2f' % ($j / $c))")
    echo "round $round CPU: server $j CPU-s for $LINES lines | docker logs -t $c CPU-s | ratio $r"
    jvm+=("$j"); cli+=("$c"); cpuratio+=("$r")
    $DOCKER rm -f "$id" >/dev/null
  fi
  if [[ $SECTIONS == *L* ]]; then
    id=$($DOCKER run -d --label "$LABEL" "$IMAGE" sh -c "i=0; while [ \$i -lt $LIVE_LINES ]; do i=\$((i+1)); echo \$i; done")
    seen=$(wait_last "$port" "$id" "$LIVE_LINES" 0.005)
    $DOCKER wait "$id" >/dev/null
    read -r started finished < <(started_finished "$id")
    read -r rs ls lr < <(python3 -c "
r = $finished - $started; l = $seen - $started
print('%.3f %.3f %.2f' % (r, l, l / r))")
    echo "round $round LAST: container ran $rs s; its last line stored $ls s after its start | ratio $lr"
    run+=("$rs"); lag+=("$ls"); lastratio+=("$lr")
    $DOCKER rm -f "$id" >/dev/null
    settle "$PID"
  fi
done
if [[ $SECTIONS == *C* ]]; then
  stats "server CPU-s per $LINES lines" "${jvm[@]}"
  stats "docker logs -t CPU-s" "${cli[@]}"
  stats "ratio server/cli CPU" "${cpuratio[@]}"
fi
if [[ $SECTIONS == *L* ]]; then
  stats "container run s" "${run[@]}"
  stats "last line stored s after start" "${lag[@]}"
  stats "ratio last-stored/run" "${lastratio[@]}"
fi
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
