#!/usr/bin/env bash
# The web example's end-to-end tests drive a system Chromium through playwright-core (never a
# browser download). Finds one, or installs Debian's `chromium` with apt-get when allowed.
set -euo pipefail

for candidate in "${CHROMIUM_PATH:-}" chromium chromium-browser google-chrome-stable google-chrome; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then exit 0; fi
done

if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then run_as_root=(); elif sudo -n true 2>/dev/null; then run_as_root=(sudo -n); else run_as_root=(none); fi
  if [ "${run_as_root[0]:-}" != none ]; then
    echo "Installing Debian's chromium for the browser tests (apt-get install chromium)…"
    export DEBIAN_FRONTEND=noninteractive
    "${run_as_root[@]}" apt-get install -y -q chromium >/dev/null ||
      { "${run_as_root[@]}" apt-get update -q >/dev/null && "${run_as_root[@]}" apt-get install -y -q chromium >/dev/null; }
    exit 0
  fi
fi

echo "The browser tests (examples/web-generator) need Chromium or Chrome: install it (Debian/Ubuntu:" >&2
echo "'sudo apt-get install chromium'), or set CHROMIUM_PATH to its executable, then run the tests again." >&2
exit 1
