#!/usr/bin/env bash
# Build the WebAssembly module once and lay it out for the page and the npm
# package: pkg/dist/ (wasm-bindgen --target web output). The page's worker
# imports the package (pkg/index.js), so page and package run the same wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${ASSAY_WASM_PROFILE:-release}
cargo build -p assay-wasm --target wasm32-unknown-unknown --profile "$profile"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
wasm="$target_dir/wasm32-unknown-unknown/$profile/assay_wasm.wasm"
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
if [ "$want" != "$have" ]; then
  echo "wasm-bindgen-cli $have does not match wasm-bindgen $want in Cargo.lock; run scripts/setup.sh" >&2
  exit 1
fi
rm -rf pkg/dist
wasm-bindgen --target web --remove-name-section --out-dir pkg/dist --out-name assay "$wasm"
ls -l pkg/dist
