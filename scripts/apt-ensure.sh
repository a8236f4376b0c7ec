# Sourced by ensure-postgres.sh and ensure-nginx.sh: install a Debian package when its program is
# missing, as root or through sudo, never starting the service it ships (the tests start their own).
#
#   ensure_with_apt PACKAGE FIND_FUNCTION "what is needed" "what was found" [--quiet]
# FIND_FUNCTION prints where the working program is and succeeds, or fails; `say` prints a line.

ensure_with_apt() {
  package=$1 find=$2 needed=$3 found=$4 quiet=${5:-}
  if where=$($find); then
    [ "$quiet" = "--quiet" ] || say "$found: $where"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no $needed found, and this is not a Debian/Ubuntu machine (no apt-get): install it yourself."
    return 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    say "no $needed found, and installing it needs root: run as root, or install sudo, or run"
    say "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $package"
    return 1
  fi
  # policy-rc.d exit 101 keeps the package scripts from starting the service where invoke-rc.d
  # honours it (containers without systemd); set only for this install and only if there is none.
  POLICY=/usr/sbin/policy-rc.d
  ADDED_POLICY=""
  if [ ! -e "$POLICY" ]; then
    if printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null 2>&1 && $SUDO chmod 755 "$POLICY"; then
      ADDED_POLICY=1
    fi
  fi
  trap 'if [ -n "$ADDED_POLICY" ]; then $SUDO rm -f "$POLICY"; fi' EXIT
  say "no $needed found: installing the $package package with apt-get"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "$package"
  if where=$($find); then
    say "$package installed: $where"
    return 0
  fi
  say "apt-get installed $package, yet no $needed was found"
  return 1
}
