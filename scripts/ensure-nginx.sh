#!/bin/sh
# Makes sure nginx with its gRPC proxy module is installed: the secured-Temporal tests
# (test/cli/secured-temporal.test.ts) put it in front of the dev server as a TLS-terminating gRPC
# proxy, started by the test on loopback ports with its own configuration. Quick when present. On
# Debian/Ubuntu without it, installs the distribution's `nginx` package with apt-get (as root, or
# through sudo), never starting the system service (which would listen on port 80).
set -eu

say() { printf '[ensure-nginx] %s\n' "$*" >&2; }

# nginx on PATH or in /usr/sbin (off a non-root PATH), built with the gRPC and HTTP/2 modules.
find_nginx() {
  for bin in "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx; do
    [ -n "$bin" ] && [ -x "$bin" ] || continue
    flags=$("$bin" -V 2>&1) || continue
    case "$flags" in *without-http_grpc_module*) continue ;; esac
    case "$flags" in *with-http_v2_module*) ;; *) continue ;; esac
    case "$flags" in *with-http_ssl_module*) ;; *) continue ;; esac
    echo "$bin"; return 0
  done
  return 1
}

if bin=$(find_nginx); then
  [ "${1:-}" = "--quiet" ] || say "nginx found: $bin"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "no nginx with the gRPC, HTTP/2 and SSL modules found on PATH or in /usr/sbin,"
  say "and this is not a Debian/Ubuntu machine (no apt-get): install nginx yourself."
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  say "no nginx found, and installing it needs root: run as root, or install sudo, or run"
  say "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx"
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

say "no nginx found: installing the nginx package with apt-get"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y nginx

if bin=$(find_nginx); then
  say "nginx installed: $bin"
  exit 0
fi
say "apt-get installed nginx, yet no nginx with the gRPC, HTTP/2 and SSL modules was found"
exit 1
