#!/usr/bin/env bash
# The main job: set up, build the WebAssembly engine, and serve the page on
# http://127.0.0.1:${PORT:-8080}/ with the bundled demo ready at /?demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-web.sh >/dev/null
exec node scripts/serve.mjs "${PORT:-8080}"
