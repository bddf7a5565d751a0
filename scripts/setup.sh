#!/usr/bin/env bash
# Install what a fresh machine lacks to build, serve and test Assay.
# Idempotent: a second run only checks. Options:
#   --browser   also install Debian's chromium (for the browser tests; needs root/apt)
set -euo pipefail
cd "$(dirname "$0")/.."

# Rust: the toolchain, components and wasm32 target pinned in rust-toolchain.toml.
rustup toolchain install >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

# wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock. Not
# --locked: one of its locked dependencies is missing from the registry index.
want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$want" != "$have" ]; then
  echo "setup: installing wasm-bindgen-cli $want (about 5 minutes)" >&2
  cargo install wasm-bindgen-cli --version "$want"
fi

# npm: exact versions from package-lock.json.
if ! npm ls --depth=0 >/dev/null 2>&1; then
  npm ci --no-audit --no-fund
fi

# Debian's chromium for the browser tests (never a downloaded browser).
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian chromium" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
