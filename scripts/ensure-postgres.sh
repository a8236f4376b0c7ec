#!/bin/sh
# Makes sure a PostgreSQL *server* is installed (initdb, pg_ctl and postgres that actually run),
# so that the tests can start their own throwaway cluster (test/helpers/postgres-server.ts).
# Quick and silent-ish when it is there. On Debian/Ubuntu without one it installs the distribution's
# `postgresql` package with apt-get (as root, or through sudo). It never enables or starts the
# system service: the tests run their own cluster in a temporary directory.
#
# A client-only install (psql, libpq) or a stray symlink such as /usr/local/bin/pg_ctl pointing at
# a removed server does not count: the three binaries must sit in one directory and answer --version.
set -eu

say() { printf '[ensure-postgres] %s\n' "$*" >&2; }

# A directory holding a working initdb, pg_ctl and postgres (pg_ctl starts the postgres beside it).
server_dir_ok() {
  [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ] \
    && "$1/initdb" --version >/dev/null 2>&1 \
    && "$1/pg_ctl" --version >/dev/null 2>&1 \
    && "$1/postgres" --version >/dev/null 2>&1
}

find_server() {
  # Debian keeps server binaries off PATH, one directory per major version; newest first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -rn); do
    if server_dir_ok "$dir"; then echo "$dir"; return 0; fi
  done
  # Elsewhere (other distributions, source builds): the directory of initdb on PATH, symlinks resolved.
  if command -v initdb >/dev/null 2>&1; then
    real=$(readlink -f "$(command -v initdb)" 2>/dev/null || true)
    if [ -n "$real" ] && server_dir_ok "$(dirname "$real")"; then dirname "$real"; return 0; fi
  fi
  return 1
}

if dir=$(find_server); then
  [ "${1:-}" = "--quiet" ] || say "PostgreSQL server found in $dir"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "no PostgreSQL server (initdb, pg_ctl, postgres) found in /usr/lib/postgresql/*/bin or on PATH,"
  say "and this is not a Debian/Ubuntu machine (no apt-get): install PostgreSQL's server package yourself."
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  say "no PostgreSQL server found, and installing one needs root: run as root, or install sudo, or run"
  say "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql"
  exit 1
fi

# policy-rc.d exit 101 keeps the package scripts from starting the service where invoke-rc.d honours
# it (containers without systemd); set only for this install and only if there is none already.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=""
if [ ! -e "$POLICY" ]; then
  if printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null 2>&1 && $SUDO chmod 755 "$POLICY"; then
    ADDED_POLICY=1
  fi
fi
cleanup() { if [ -n "$ADDED_POLICY" ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

say "no PostgreSQL server found: installing the postgresql package with apt-get"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql

if dir=$(find_server); then
  say "PostgreSQL server installed in $dir"
  exit 0
fi
say "apt-get installed postgresql, yet no working initdb/pg_ctl/postgres was found under /usr/lib/postgresql/*/bin"
exit 1
