#!/usr/bin/env bash
# Every test: formatting and lints, the Rust tests (engine, report, CLI, with
# scikit-learn golden values), the wasm build, and the browser tests in
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
step "wasm build"
bash scripts/build-web.sh >/dev/null
step "browser tests (chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
npm run --silent test:browser
step "all tests passed"
