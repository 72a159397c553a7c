#!/usr/bin/env bash
# Installs what Linkyard needs to build and test, skipping every piece that is already there.
# Usage: scripts/setup.sh [--test]   (--test adds Chromium, the browser-test packages and the
#                                     official Python SDKs in .venv for the SDK tests)
# Each step prints what it checks; a failure names the missing piece and how to get it.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml
want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

step() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
ok() { printf '    \033[32mok\033[0m %s\n' "$*"; }
die() { printf '\033[1;31msetup failed:\033[0m %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

step "Rust toolchain"
command -v cargo >/dev/null || die "cargo is not installed; install Rust 1.95 with rustup (https://rustup.rs)"
ok "$(cargo --version)"

step "WASM target wasm32-unknown-unknown"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  ok "installed"
else
  rustup target add wasm32-unknown-unknown || die "could not add the wasm32-unknown-unknown target (rustup target add wasm32-unknown-unknown)"
fi

step "cargo-leptos $CARGO_LEPTOS_VERSION"
if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  ok "$(cargo leptos --version)"
else
  echo "    building cargo-leptos from crates.io (one time, about 20 minutes on 2 cores)…"
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads \
    || die "could not build cargo-leptos $CARGO_LEPTOS_VERSION (cargo install cargo-leptos --version $CARGO_LEPTOS_VERSION --locked --features no_downloads)"
fi

step "wasm-bindgen CLI $WASM_BINDGEN_VERSION"
if wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  ok "$(wasm-bindgen --version)"
else
  echo "    building wasm-bindgen-cli from crates.io (one time, about 8 minutes)…"
  # Its published lockfile pins a webpki-roots release crates.io no longer serves, so fall back to
  # a fresh resolution when the locked build fails.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked \
    || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" \
    || die "could not build wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION)"
fi

step "npm packages: tailwindcss, wasm-opt"
command -v npm >/dev/null || die "npm is not installed (apt-get install nodejs npm)"
if [[ -x node_modules/.bin/tailwindcss && -x node_modules/.bin/wasm-opt && node_modules/.package-lock.json -nt package-lock.json ]]; then
  ok "node_modules up to date"
else
  npm ci --no-audit --no-fund || die "npm ci failed in $(pwd)"
fi

if [[ $want_test == 1 ]]; then
  step "Chromium (Debian package) for browser tests"
  if [[ -x /usr/bin/chromium ]]; then
    ok "$(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  else
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium \
      || die "could not install Debian's chromium (apt-get install chromium)"
  fi

  step "Playwright test runner (no browser download)"
  if [[ -x end2end/node_modules/.bin/playwright && end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ]]; then
    ok "end2end/node_modules up to date"
  else
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) || die "npm ci failed in end2end/"
  fi

  step "Official Alibaba Cloud Python SDKs in .venv (SDK compatibility tests)"
  sdk_check='import alibabacloud_privatelink20200415, aliyunsdkprivatelink'
  if [[ -x .venv/bin/python ]] && .venv/bin/python -c "$sdk_check" 2>/dev/null; then
    ok "alibabacloud-privatelink20200415 and aliyun-python-sdk-privatelink importable"
  else
    command -v python3 >/dev/null || die "python3 is not installed (apt-get install python3 python3-venv)"
    [[ -x .venv/bin/python ]] || python3 -m venv .venv \
      || die "could not create .venv (apt-get install python3-venv, then python3 -m venv .venv)"
    .venv/bin/pip install --quiet alibabacloud-privatelink20200415 aliyun-python-sdk-privatelink \
      || die "could not install the SDKs (.venv/bin/pip install alibabacloud-privatelink20200415 aliyun-python-sdk-privatelink)"
    .venv/bin/python -c "$sdk_check" || die "the SDKs installed into .venv do not import"
    ok "installed into .venv"
  fi

  step "PostgreSQL server (Debian package) for the second-store tests"
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && command -v psql >/dev/null; then
    ok "$(ls -d /usr/lib/postgresql/*/bin | head -1) and $(psql --version)"
  else
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql postgresql-client \
      || die "could not install Debian's postgresql (apt-get install postgresql)"
  fi
fi
step "setup complete"
