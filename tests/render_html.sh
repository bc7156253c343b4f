#!/usr/bin/env bash
# Renders an HTML report with headless Chromium and writes a PNG to look at, the way
# a reader would see it. Network is off for the page (no fetch should be needed).
#
#   tests/render_html.sh [report.html] [out.png]
#
# Defaults: reports/examples/report.html -> target/report-html.png.
# Needs /usr/bin/chromium (Debian: apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
html="${1:-reports/examples/report.html}"
png="${2:-target/report-html.png}"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$browser" ]; then
  echo "chromium not found: apt-get install -y chromium" >&2
  exit 77
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p "$(dirname "$png")"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --proxy-server="127.0.0.1:9" --proxy-bypass-list="<-loopback>" \
  --user-data-dir="$profile" --hide-scrollbars \
  --window-size="${WINDOW:-1400,3000}" --screenshot="$png" \
  "file://$(realpath "$html")" >/dev/null 2>&1
test -s "$png"
echo "$png"
