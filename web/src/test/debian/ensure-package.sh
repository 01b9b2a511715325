#!/usr/bin/env bash
# Usage: ensure-package.sh PACKAGE COMMAND...
# Installs Debian's PACKAGE for the tests when any of the COMMANDs it provides is missing; a no-op when all are
# there. Only the binaries are used: each test starts its own process of them.
set -euo pipefail
package="$1"
shift
missing=0
for command in "$@"; do
  command -v "$command" >/dev/null 2>&1 || missing=1
done
((missing)) || exit 0
if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "$* missing and cannot be installed here (needs root and apt-get); install Debian's $package" >&2
  exit 1
fi
echo "Installing $package for the tests..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "$package" >/dev/null
