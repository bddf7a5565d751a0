#!/usr/bin/env bash
# Every test: formatting and lints, the Rust tests (engine, report, CLI, with
# scikit-learn golden values; the committed JSON Schemas match the types),
# the generated TypeScript and docs tables, the wasm build, and the browser tests in
# Debian's headless chromium (page == package == golden values; bad inputs;
# no request leaves the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
step() { printf '\n== %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo test"
cargo test --workspace --quiet
step "generated files are current (schema → pkg/schema.d.ts, docs tables; types check)"
node scripts/gen-types.mjs --check
npx --no-install tsc --noEmit --strict --target es2022 --module nodenext --moduleResolution nodenext pkg/index.d.ts
step "wasm build"
bash scripts/build-web.sh >/dev/null
step "browser tests (chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
npm run --silent test:browser
step "all tests passed"
