#!/bin/sh
# Makes sure a headless-capable Chromium is installed: the dashboard's browser test
# (test/dashboard/) drives it through puppeteer-core, which downloads no browser of its own. Quick
# when present. On Debian/Ubuntu without it, installs the distribution's `chromium` package with
# apt-get (as root, or through sudo).
set -eu

say() { printf '[ensure-chromium] %s\n' "$*" >&2; }

# Debian's binary is /usr/bin/chromium; other distributions name it chromium-browser.
find_chromium() {
  for bin in "$(command -v chromium 2>/dev/null || true)" "$(command -v chromium-browser 2>/dev/null || true)" /usr/bin/chromium; do
    [ -n "$bin" ] && [ -x "$bin" ] || continue
    "$bin" --version >/dev/null 2>&1 || continue
    echo "$bin"; return 0
  done
  return 1
}

. "$(dirname "$0")/apt-ensure.sh"
ensure_with_apt chromium find_chromium "chromium (on PATH or /usr/bin/chromium)" "chromium found" "${1:-}"
