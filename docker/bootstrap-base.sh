#!/usr/bin/env bash
# Build the base image `debian:bookworm-slim` locally, for hosts that cannot
# reach a registry. tcplab runs this only when that image is absent and a pull
# failed. It needs root, a running Docker engine, and Debian's apt mirror:
#
#   debootstrap --variant=minbase bookworm <tmp dir>     (about 40 s)
#   tar -C <tmp dir> -c . | docker import - debian:bookworm-slim
#
# Usage: docker/bootstrap-base.sh [image]   (default debian:bookworm-slim)
# Env:   TCPLAB_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail

image="${1:-debian:bookworm-slim}"
suite=bookworm
mirror="${TCPLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

say() { printf 'bootstrap-base: %s\n' "$*" >&2; }

if docker image inspect "$image" >/dev/null 2>&1; then
  say "$image is already present; nothing to do"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "building $image with debootstrap needs root; run: sudo $0 $image"
  exit 2
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap (apt-get install -y debootstrap)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
fi

dir="$(mktemp -d /tmp/tcplab-rootfs.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
say "$image is absent and could not be pulled: building it from Debian's archive"
say "debootstrap --variant=minbase $suite $dir $mirror (about a minute)"
debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.log" 2>&1 || {
  tail -20 "$dir.log" >&2
  rm -f "$dir.log"
  say "debootstrap failed (is $mirror reachable?)"
  exit 1
}
rm -f "$dir.log"
# Like the official slim image: no apt lists or caches inside.
rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb
say "docker import → $image"
tar -C "$dir" -c . | docker import \
  --change 'CMD ["bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --message "debootstrap --variant=minbase $suite (tcplab docker/bootstrap-base.sh)" \
  - "$image" >/dev/null
say "done: $(docker image inspect --format '{{.Id}} {{.Size}} bytes' "$image")"
