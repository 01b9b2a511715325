#!/usr/bin/env bash
# Installs Debian's Prometheus (prometheus and promtool) for the ops tests when it is missing; a no-op when it is there.
set -euo pipefail
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  exit 0
fi
if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "prometheus/promtool are missing and cannot be installed here (needs root and apt-get); install Debian's prometheus" >&2
  exit 1
fi
echo "Installing prometheus for the ops tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# the package's service is not wanted here: only the binaries are used, each test starting its own
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
