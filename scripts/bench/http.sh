#!/usr/bin/env bash
# Target 7 (docs/BENCHMARKS.md): GET /api/v1/logs?limit=100 on LogHttpServer (backend holding
# $STORED realistic messages) vs a trivial handler on a plain JDK HttpServer in the same JVM,
# same thread count, same TCP_NODELAY. wrk -t2 -c32 -d5s --latency on loopback only, alternating,
# $ROUNDS rounds each. Prints requests/s, p50 and p99 for each run and the medians. A third run per
# round hits /static on the trivial server: a fixed copy of the limit=100 body (the cost of the bytes alone).
# COLD=1 adds a fourth run per round: the same request on a LogHttpServer whose backend hands out fresh
# copies of the messages, so its message cache never hits (a request whose messages were never served).
# Each run also reports the server JVM's CPU per request (utime + stime from /proc/<pid>/stat over
# the wrk run, divided by the requests wrk counted; both servers live in that one JVM and only one
# is under load at a time), and "cpu static/api": the static handler's CPU per request over the
# API's, which depends less on the machine's load than requests per second (wrk shares the cores).
# ETAG=1 adds a run per round of the API request with If-None-Match: <its ETag>, answered 304 without
# a body while nothing changes (a poller that keeps the tag); needs a server that sends ETags.
# ACCESS=1 adds a run per round on "metered", the API with the request metrics' AccessFilter (as the
# example server runs it); an older benchmarks.jar without that server skips it.
# Needs wrk (apt-get install wrk) and benchmarks/target/benchmarks.jar.
set -euo pipefail

ROUNDS=${ROUNDS:-5}
COLD=${COLD:-0}
ACCESS=${ACCESS:-0}
ETAG=${ETAG:-0}
STORED=${STORED:-100000}
DURATION=${DURATION:-5s}
JAR=${JAR:-$(dirname "$0")/../../benchmarks/target/benchmarks.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
[ -f "$JAR" ] || { echo "missing $JAR: run mvn -pl benchmarks -am package -DskipTests" >&2; exit 1; }

fifo=$(mktemp -u); mkfifo "$fifo"
out=$(mktemp)
# The server stops when its stdin closes (fd 3 below) or after 600 s at most.
java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.HttpBenchServer "$STORED" 600 < "$fifo" > "$out" 2>&1 &
server=$!
exec 3> "$fifo"
cleanup() { exec 3>&-; wait "$server" 2>/dev/null || true; rm -f "$fifo" "$out"; }
trap cleanup EXIT

for _ in $(seq 1 120); do grep -q '^ports' "$out" && break; sleep 0.5; done
grep -q '^ports' "$out" || { cat "$out"; echo "server did not start" >&2; exit 1; }
api=$(sed -n 's/^ports api=\([0-9]*\).*/\1/p' "$out")
trivial=$(sed -n 's/.*trivial=\([0-9]*\).*/\1/p' "$out")
cold=$(sed -n 's/.*cold=\([0-9]*\).*/\1/p' "$out")
metered=$(sed -n 's/.*metered=\([0-9]*\).*/\1/p' "$out")
echo "server: api on 127.0.0.1:$api, trivial on 127.0.0.1:$trivial, $STORED messages stored"
curl -s "http://127.0.0.1:$api/api/v1/logs?limit=100" | wc -c | sed 's/^/limit=100 body bytes: /'

# warm-up, not reported
wrk -t2 -c32 -d3s "http://127.0.0.1:$api/api/v1/logs?limit=100" > /dev/null
wrk -t2 -c32 -d3s "http://127.0.0.1:$trivial/" > /dev/null
if [ "$COLD" = 1 ]; then
  cmp <(curl -s "http://127.0.0.1:$api/api/v1/logs?limit=100") <(curl -s "http://127.0.0.1:$cold/api/v1/logs?limit=100") \
    || { echo "cold and cached bodies differ" >&2; exit 1; }
  wrk -t2 -c32 -d3s "http://127.0.0.1:$cold/api/v1/logs?limit=100" > /dev/null
fi
etag=""
if [ "$ETAG" = 1 ]; then
  etag=$(curl -s -D - -o /dev/null "http://127.0.0.1:$api/api/v1/logs?limit=100" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
  [ -n "$etag" ] || echo "no ETag from the API: ETAG=1 runs skipped" >&2
  [ -z "$etag" ] || wrk -t2 -c32 -d3s -H "If-None-Match: $etag" "http://127.0.0.1:$api/api/v1/logs?limit=100" > /dev/null
fi
if [ "$ACCESS" = 1 ] && [ -n "$metered" ]; then
  wrk -t2 -c32 -d3s "http://127.0.0.1:$metered/api/v1/logs?limit=100" > /dev/null
fi

ms() { # wrk latency value (e.g. 812.00us, 1.20ms, 1.01s) in ms
  python3 -c '
import sys, re
v = sys.argv[1]; n, u = re.match(r"([0-9.]+)(us|ms|s)", v).groups()
print("%.3f" % (float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]))' "$1"; }
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; } # the server's user + system CPU, in clock ticks
hz=$(getconf CLK_TCK)
run() { # url [wrk options] -> "rps p50ms p99ms cpu-us-per-request" (the server JVM's CPU over the run / requests)
  local r t0 t1; t0=$(ticks); r=$(wrk -t2 -c32 -d"$DURATION" --latency "${@:2}" "$1"); t1=$(ticks)
  echo "$(echo "$r" | awk '/Requests\/sec/ {print $2}') $(ms "$(echo "$r" | awk '$1=="50%" {print $2}')") $(ms "$(echo "$r" | awk '$1=="99%" {print $2}')") $(python3 -c "print('%.1f' % (($t1 - $t0) * 1e6 / $hz / $(echo "$r" | awk '/requests in/ {print $1}')))")"
}
a_rps=(); t_rps=(); a50=(); a99=(); t50=(); t99=(); ratio=(); s_rps=(); sratio=(); c_rps=(); cratio=()
a_cpu=(); t_cpu=(); s_cpu=(); c_cpu=(); cpu_ratio=(); ccpu_ratio=(); m_rps=(); mratio=(); m_cpu=(); e_rps=(); eratio=(); e_cpu=()
for i in $(seq 1 "$ROUNDS"); do
  read -r ar a5 a9 ac < <(run "http://127.0.0.1:$api/api/v1/logs?limit=100")
  read -r tr t5 t9 tc < <(run "http://127.0.0.1:$trivial/")
  read -r sr s5 s9 sc < <(run "http://127.0.0.1:$trivial/static")
  r=$(python3 -c "print('%.3f' % ($ar / $tr))")
  q=$(python3 -c "print('%.3f' % ($ar / $sr))")
  cq=$(python3 -c "print('%.3f' % ($sc / $ac))")
  echo "round $i: api $ar req/s p50 ${a5}ms p99 ${a9}ms | trivial $tr req/s p50 ${t5}ms p99 ${t9}ms | ratio $r | static same-size body $sr req/s p50 ${s5}ms p99 ${s9}ms, api/static $q | server CPU/request: api ${ac}us trivial ${tc}us static ${sc}us, static/api $cq"
  a_rps+=("$ar"); t_rps+=("$tr"); a50+=("$a5"); a99+=("$a9"); t50+=("$t5"); t99+=("$t9"); ratio+=("$r"); s_rps+=("$sr"); sratio+=("$q")
  a_cpu+=("$ac"); t_cpu+=("$tc"); s_cpu+=("$sc"); cpu_ratio+=("$cq")
  if [ "$COLD" = 1 ]; then
    read -r cr c5 c9 cc < <(run "http://127.0.0.1:$cold/api/v1/logs?limit=100")
    cq=$(python3 -c "print('%.3f' % ($cr / $sr))")
    ccq=$(python3 -c "print('%.3f' % ($sc / $cc))")
    echo "round $i: cold (never cached) $cr req/s p50 ${c5}ms p99 ${c9}ms, cold/static $cq | server CPU/request ${cc}us, static/cold $ccq"
    c_rps+=("$cr"); cratio+=("$cq"); c_cpu+=("$cc"); ccpu_ratio+=("$ccq")
  fi
  if [ -n "$etag" ]; then
    read -r er e5 e9 ec < <(run "http://127.0.0.1:$api/api/v1/logs?limit=100" -H "If-None-Match: $etag")
    eq=$(python3 -c "print('%.3f' % ($er / $sr))")
    echo "round $i: If-None-Match (304) $er req/s p50 ${e5}ms p99 ${e9}ms, 304/static $eq | server CPU/request ${ec}us"
    e_rps+=("$er"); eratio+=("$eq"); e_cpu+=("$ec")
  fi
  if [ "$ACCESS" = 1 ] && [ -n "$metered" ]; then
    read -r mr m5 m9 mc < <(run "http://127.0.0.1:$metered/api/v1/logs?limit=100")
    mq=$(python3 -c "print('%.3f' % ($mr / $sr))")
    echo "round $i: metered (AccessFilter + metrics) $mr req/s p50 ${m5}ms p99 ${m9}ms, metered/static $mq | server CPU/request ${mc}us (api ${ac}us)"
    m_rps+=("$mr"); mratio+=("$mq"); m_cpu+=("$mc")
  fi
done
python3 - "${a_rps[*]}" "${t_rps[*]}" "${a50[*]}" "${a99[*]}" "${t50[*]}" "${t99[*]}" "${ratio[*]}" "${s_rps[*]}" "${sratio[*]}" "${c_rps[*]}" "${cratio[*]}" \
  "${a_cpu[*]}" "${t_cpu[*]}" "${s_cpu[*]}" "${cpu_ratio[*]}" "${c_cpu[*]}" "${ccpu_ratio[*]}" "${m_rps[*]}" "${mratio[*]}" "${m_cpu[*]}" \
  "${e_rps[*]}" "${eratio[*]}" "${e_cpu[*]}" <<'PY'
import sys, statistics
names = ["api req/s", "trivial req/s", "api p50 ms", "api p99 ms", "trivial p50 ms", "trivial p99 ms", "ratio api/trivial", "static req/s", "ratio api/static", "cold req/s", "ratio cold/static",
         "api cpu us/req", "trivial cpu us/req", "static cpu us/req", "cpu static/api", "cold cpu us/req", "cpu static/cold",
         "metered req/s", "ratio metered/static", "metered cpu us/req",
         "304 req/s", "ratio 304/static", "304 cpu us/req"]
for name, arg in zip(names, sys.argv[1:]):
    v = [float(x) for x in arg.split()]
    if not v:
        continue
    print("%-20s median=%.3f min=%.3f max=%.3f n=%d" % (name, statistics.median(v), min(v), max(v), len(v)))
PY
