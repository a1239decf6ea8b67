#!/usr/bin/env bash
# Installs every Debian package PDSwift needs to build, run and test.
# Safe to re-run: apt-get install is idempotent and the venv is reused.
set -euo pipefail

PACKAGES=(libzmq3-dev libsecp256k1-dev libsqlite3-dev libssl-dev pkg-config python3-venv)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  echo "note: add /opt/swift/usr/bin to PATH" >&2
fi
