#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "ERROR: /usr/bin/chromium is missing. Install it with: sudo apt-get install -y chromium" >&2
echo "The browser tests are part of the suite and are never skipped." >&2
exit 1
