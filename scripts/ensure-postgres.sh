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

. "$(dirname "$0")/apt-ensure.sh"
ensure_with_apt postgresql find_server "PostgreSQL server (initdb, pg_ctl, postgres in /usr/lib/postgresql/*/bin or on PATH)" "PostgreSQL server found in" "${1:-}"
