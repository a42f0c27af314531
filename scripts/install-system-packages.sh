#!/usr/bin/env bash
# Debian packages the app and its tests need: Chromium for browser tests, Pango for
# WeasyPrint PDFs, fonts for every script applicants write in, poppler for PDF checks,
# gettext for the message catalogues, Node.js and npm for the accessibility checker (axe-core),
# nginx in front of two nodes in tests/test_several_nodes.py.
set -euo pipefail
packages=(chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core
          fonts-noto-cjk poppler-utils gettext nginx)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come with another build of Node.js (NodeSource's nodejs includes it).
command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "Installing ${missing[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
