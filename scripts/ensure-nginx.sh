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

. "$(dirname "$0")/apt-ensure.sh"
ensure_with_apt nginx find_nginx "nginx with the gRPC, HTTP/2 and SSL modules (on PATH or in /usr/sbin)" "nginx found" "${1:-}"
