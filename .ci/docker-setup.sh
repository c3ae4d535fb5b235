#!/usr/bin/env bash
# Docker for tcplab's tests (the docker backend), on a fresh Debian machine or
# again on one already set up (every step is skipped when already done):
#   1. apt: docker.io, and debootstrap for hosts that cannot pull base images;
#   2. start dockerd when no engine answers (systemd if it runs, else in the
#      background, logging to /var/log/tcplab-dockerd.log), and wait for it;
#   3. build the sandbox image through the project's own code, which pulls or
#      bootstraps debian:bookworm-slim first when it is missing.
# Needs root and the project's node_modules (run it after npm ci).
# Exit 0 when the docker backend is ready; non-zero, with the reason, otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "== docker-setup: $*"; }
export DEBIAN_FRONTEND=noninteractive

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
if ((${#need[@]})); then
  say "apt-get install ${need[*]}"
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

engine_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if engine_answers; then
  say "engine answers: $(docker version --format '{{.Server.Version}}')"
else
  if [ -d /run/systemd/system ] && systemctl start docker 2>/dev/null; then
    say "started docker with systemctl"
  else
    log=/var/log/tcplab-dockerd.log
    say "starting dockerd in the background (log: $log)"
    # setsid: the engine outlives this script (and CI's process group).
    setsid dockerd >>"$log" 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 120); do
    engine_answers && break
    sleep 0.5
  done
  if ! engine_answers; then
    say "the engine did not come up within 60 s"
    tail -20 /var/log/tcplab-dockerd.log 2>/dev/null || true
    exit 1
  fi
  say "engine answers: $(docker version --format '{{.Server.Version}}')"
fi

if [ ! -d node_modules/dockerode ]; then
  say "npm ci (the image is built by the project's code)"
  npm ci --loglevel=warn
fi
say "sandbox image (built when missing or outdated)"
npx tsx harness/sandbox/docker-image-cli.ts --build
