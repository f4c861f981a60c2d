#!/usr/bin/env bash
# Installs (if needed) and starts a Docker engine, then builds the busybox test image used by the
# logging-docker integration tests. Idempotent: safe to run again when everything is already up.
# Meant for a Debian 12 machine, run as root (CI calls it before `mvn verify -Ddocker.required=true`).
set -euo pipefail

DOCKER=/usr/bin/docker            # the 20.10 client that matches Debian's engine (not /usr/local/bin/docker)
IMAGE=container-logging-test:busybox
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
WAIT_SECONDS=${WAIT_SECONDS:-60}

find_dockerd() {
  for candidate in /usr/bin/dockerd /usr/sbin/dockerd; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# 1. packages
if find_dockerd >/dev/null && [ -x "$DOCKER" ] && [ -x /usr/bin/busybox ] && dpkg -s busybox-static >/dev/null 2>&1; then
  echo "docker-engine: docker.io and busybox-static already installed"
else
  echo "docker-engine: installing docker.io busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q docker.io busybox-static >/dev/null
fi
DOCKERD=$(find_dockerd)

# 2. daemon
if "$DOCKER" info >/dev/null 2>&1; then
  echo "docker-engine: dockerd already answering"
else
  echo "docker-engine: starting $DOCKERD (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid + nohup + no stdin: the daemon outlives this script and never holds a TTY.
  setsid nohup "$DOCKERD" </dev/null >>"$DOCKERD_LOG" 2>&1 &
  deadline=$((SECONDS + WAIT_SECONDS))
  until [ -S /var/run/docker.sock ] && "$DOCKER" info >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "docker-engine: dockerd did not answer within ${WAIT_SECONDS}s; last log lines:" >&2
      tail -n 20 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  echo "docker-engine: dockerd is up ($("$DOCKER" version --format '{{.Server.Version}}'))"
fi

# 3. test image (nothing can be pulled, so it is imported from a busybox rootfs)
if "$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "docker-engine: image $IMAGE already present"
else
  echo "docker-engine: building image $IMAGE"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs/bin" "$rootfs/tmp"
  cp /usr/bin/busybox "$rootfs/bin/busybox"
  for applet in sh echo printf seq sleep cat yes head date; do
    ln -s busybox "$rootfs/bin/$applet"
  done
  tar -C "$rootfs" -c . | "$DOCKER" import - "$IMAGE" >/dev/null
  echo "docker-engine: image $IMAGE built"
fi
echo "docker-engine: ready"
