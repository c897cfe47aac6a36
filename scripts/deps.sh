#!/usr/bin/env bash
# Installs the Debian packages Rounds needs to build, run and test, when any is missing. Root or sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libboost1.81-all-dev libpq-dev libssl-dev zlib1g-dev libfmt-dev libspdlog-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libargon2-dev liboath-dev libcurl4-openssl-dev libqrencode-dev
  libhiredis-dev redis-server
  liblasso3-dev python3-lasso python3-cryptography python3-openpyxl
  libxlsxwriter-dev  # crm: XLSX export
  postgresql-15 postgresql-15-postgis-3 postgresql-contrib
  python3 python3-pytest python3-requests
  procps iproute2 util-linux
)

# The web client needs Node.js and npm (Debian's are enough); a machine that already has a newer Node.js
# (e.g. one that bundles npm) keeps it.
if [ -f "$(dirname "${BASH_SOURCE[0]}")/../web/package.json" ] && ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The postgresql package would create and start a system cluster; Rounds runs its own, so skip that.
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/rounds-no-main.conf >/dev/null
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/rounds-apt.log 2>&1 || {
  tail -20 /tmp/rounds-apt.log >&2; exit 1; }
