#!/usr/bin/env bash
# Forwarding to syslog (docs/BENCHMARKS.md, "Forwarding to syslog"): messages/s into a real rsyslogd
# of SyslogSink.deliver (batches of 500, mode sink) against plain socket loops writing the same
# octet-counted frames, encoded beforehand (plain) or in the loop (naive), in the same run and
# against the same rsyslogd (SyslogForwardRate's javadoc has the details).
# MODES is a comma-separated list; every mode is compared with every earlier one. A further mode
# (the forwarder) is a case in SyslogForwardRate.send and a name here.
# Needs: rsyslogd (Debian's rsyslog), benchmarks/target/benchmarks.jar.
set -euo pipefail

MESSAGES=${MESSAGES:-200000}
ROUNDS=${ROUNDS:-3}
MODES=${MODES:-plain,naive,sink,forwarder}
JAR=${JAR:-$(dirname "$0")/../../benchmarks/target/benchmarks.jar}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
RSYSLOGD=${RSYSLOGD:-/usr/sbin/rsyslogd}
DIR=$(mktemp -d)
PID=

cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

[ -f "$JAR" ] || { echo "missing $JAR: run mvn -pl benchmarks -am package -DskipTests" >&2; exit 1; }
[ -x "$RSYSLOGD" ] || { echo "missing $RSYSLOGD: apt-get install rsyslog" >&2; exit 1; }

# one line per message (its MSGID): the benchmark counts lines to know when all arrived
cat > "$DIR/rsyslog.conf" <<CONF
global(workDirectory="$DIR" maxMessageSize="64k")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="$DIR/port")
template(name="id" type="string" string="%msgid%\n")
if \$inputname == "imtcp" then { action(type="omfile" file="$DIR/received" template="id") }
CONF
: > "$DIR/received"
"$RSYSLOGD" -n -f "$DIR/rsyslog.conf" -i "$DIR/rsyslogd.pid" >"$DIR/rsyslogd.log" 2>&1 &
PID=$!
for _ in $(seq 100); do [ -s "$DIR/port" ] && break; sleep 0.1; done
[ -s "$DIR/port" ] || { echo "rsyslogd did not start" >&2; exit 1; }

echo "rsyslogd $("$RSYSLOGD" -v | sed -n 's/^rsyslogd *\([^ ]*\).*/\1/p'), port $(cat "$DIR/port"), $MESSAGES messages per mode and round, modes $MODES"
java $JAVA_OPTS -cp "$JAR" io.containerlogging.benchmarks.SyslogForwardRate \
  "$(cat "$DIR/port")" "$DIR/received" "$MESSAGES" "$ROUNDS" "$MODES"
