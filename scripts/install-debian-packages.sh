#!/bin/sh
# Debian packages the tests use, if they are not there yet: Chromium for the browser tests
# (tests/test_browser.py) and Tesseract with its French and Spanish data for OCR of scanned pages
# (tests/test_ocr.py). Without apt-get (not Debian/Ubuntu) nothing is installed and those tests are skipped.
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium chromium-driver"
command -v tesseract >/dev/null 2>&1 || need="$need tesseract-ocr"
if command -v tesseract >/dev/null 2>&1; then
  for lang in fra spa; do
    tesseract --list-langs 2>/dev/null | grep -qx "$lang" || need="$need tesseract-ocr-$lang"
  done
else
  need="$need tesseract-ocr-fra tesseract-ocr-spa"
fi
[ -z "$need" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-debian-packages: no apt-get here; tests that need$need will be skipped" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q >/dev/null &&
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $need >/dev/null
