#!/usr/bin/env bash
# npm run diagram:render: draws docs/workflow.md's Mermaid chart into docs/workflow.png with
# mermaid-cli, in Debian's Chromium (apt-get install chromium) instead of the browser
# puppeteer would download. Run `npm run diagram` first when the workflow changed.
set -euo pipefail
cd "$(dirname "$0")/.."
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "no chromium found: apt-get install chromium, or set CHROMIUM=/path/to/chrome" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -n '/^```mermaid$/,/^```$/p' docs/workflow.md | sed '1d;$d' > "$work/workflow.mmd"
cat > "$work/puppeteer.json" <<JSON
{ "executablePath": "$chromium",
  "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"] }
JSON
PUPPETEER_SKIP_DOWNLOAD=1 npx -y @mermaid-js/mermaid-cli@11.17.0 \
  -i "$work/workflow.mmd" -o docs/workflow.png -p "$work/puppeteer.json" -b white -w 1600
echo "wrote docs/workflow.png"
