#!/usr/bin/env bash
# Installs the system packages the test suite needs, when missing and when we can:
# Debian's chromium (browser tests) and PostgreSQL (database tests on a real server).
# Never fails the build: a missing package is reported by the tests that need it.
set -u
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install_system_deps: cannot install ${need[*]} (not root or no apt-get)" >&2
  exit 0
fi
echo "install_system_deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null 2>&1 \
  || echo "install_system_deps: apt-get install ${need[*]} failed" >&2
exit 0
