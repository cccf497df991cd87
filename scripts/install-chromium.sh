#!/bin/sh
# Debian's Chromium for the browser tests (tests/test_browser.py), if it is not there yet.
# Without apt-get (not Debian/Ubuntu) nothing is installed and the browser tests are skipped.
command -v chromium >/dev/null 2>&1 && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; the browser tests will be skipped" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q >/dev/null &&
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver >/dev/null
