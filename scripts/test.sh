#!/usr/bin/env bash
# Runs every test: Rust unit + integration tests on SQLite and again on a throwaway PostgreSQL
# (scripts/pg.sh), then the browser tests (Playwright + Debian Chromium) against a server this
# script starts on a fresh database, then the SDK compatibility tests (the official Python SDKs from
# PyPI, in .venv) against a server on SQLite and one on PostgreSQL, then a browser test across two
# replicas on one PostgreSQL database. Exits non-zero on any failure.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
step() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_healthy PORT PID LOG WHAT: waits until the server answers /healthz; fails with its log if it
# exits or does not answer within 10 s.
wait_healthy() {
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3"; echo "the $4 did not start" >&2; exit 1; }
    sleep 0.1
  done
  cat "$3"; echo "the $4 did not answer /healthz" >&2; exit 1
}

step "Formatting (cargo fmt --check)"
cargo fmt --check || { echo "run cargo fmt" >&2; exit 1; }

step "Building server and WASM (cargo leptos build --split: each page a WASM chunk of its own, as in the release build)"
cargo leptos build --split
step "Compressing the site's assets once (brotli, gzip)"
node scripts/precompress.mjs target/site/pkg
step "Building the release version as scripts/run.sh does (cargo leptos build --release --split)"
# Into a site folder of its own, so the debug site the other tests use stays as it is.
LEPTOS_SITE_ROOT=target/release-site cargo leptos build --release --split
node scripts/precompress.mjs target/release-site/pkg

# Same flags and LEPTOS_* values as cargo-leptos' debug build, so the tests reuse its artifacts.
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME=linkyard LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=. LEPTOS_BIN_DIR=. \
  LEPTOS_JS_MINIFY=false LEPTOS_HASH_FILES=false
step "Lints (cargo clippy -D warnings)"
cargo clippy --features ssr --all-targets -- -D warnings
step "Rust unit and integration tests (SQLite)"
cargo test --features ssr

step "Rust integration tests on PostgreSQL (a throwaway server: initdb into a temporary directory)"
pg=$(mktemp -d)
stop_pg() { scripts/pg.sh stop "$pg"; }
trap stop_pg EXIT
pg_admin=$(scripts/pg.sh start "$pg")
# Every suite that runs on the store the tests choose (tests/common/db.rs); the SQLite-only ones
# (crash recovery of the file, secure delete, the CLI's file handling) ran above.
pg_suites=()
for f in tests/*.rs; do
  name=$(basename "$f" .rs)
  case $name in crash|secrets|cli|static_assets|api_key_cache) ;; *) pg_suites+=(--test "$name") ;; esac
done
LINKYARD_TEST_POSTGRES="$pg_admin" cargo test --features ssr "${pg_suites[@]}"

step "Browser tests (Playwright, headless Chromium)"
work=$(mktemp -d)
# A free port of our own, so another server on the machine cannot answer in its place.
port=${LINKYARD_TEST_PORT:-$(free_port)}
artifacts="$PWD/end2end/artifacts"
mkdir -p "$artifacts"
target/debug/linkyard --database-url "sqlite://$work/e2e.db" --log-level warn serve \
  --addr "127.0.0.1:$port" --scenario scenarios/demo.toml --transition-delay-ms 300 --site-root target/site \
  >"$work/server.log" 2>&1 &
server=$!
sdk_server=""
cleanup() {
  kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
  if [[ -n "$sdk_server" ]]; then kill "$sdk_server" 2>/dev/null || true; wait "$sdk_server" 2>/dev/null || true; fi
  rm -rf "$work"
  stop_pg
}
trap cleanup EXIT
wait_healthy "$port" "$server" "$work/server.log" "test server"
(cd end2end && LINKYARD_URL="http://127.0.0.1:$port" LINKYARD_ARTIFACTS="$artifacts" npx playwright test) || {
  echo "--- server log ---"; tail -50 "$work/server.log"; exit 1;
}
kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true

step "Browser tests in every transitional state (a server of their own; transitions slowed to 10 min)"
states_port=${LINKYARD_STATES_TEST_PORT:-$(free_port)}
target/debug/linkyard --database-url "sqlite://$work/states.db" --log-level warn serve \
  --addr "127.0.0.1:$states_port" --scenario scenarios/demo.toml --transition-delay-ms 300 --site-root target/site \
  >"$work/states-server.log" 2>&1 &
server=$!
wait_healthy "$states_port" "$server" "$work/states-server.log" "states test server"
(cd end2end && LINKYARD_URL="http://127.0.0.1:$states_port" LINKYARD_ARTIFACTS="$artifacts" npx playwright test --config playwright.states.config.ts) || {
  echo "--- server log ---"; tail -50 "$work/states-server.log"; exit 1;
}
kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true

step "Browser tests on the release build (one WASM chunk per page, lazy-loaded; every transitional state)"
release_port=$(free_port)
target/release/linkyard --database-url "sqlite://$work/release.db" --log-level warn serve \
  --addr "127.0.0.1:$release_port" --scenario scenarios/demo.toml --transition-delay-ms 300 \
  --site-root target/release-site >"$work/release-server.log" 2>&1 &
server=$!
wait_healthy "$release_port" "$server" "$work/release-server.log" "release test server"
# The states spec last: it slows every transition down for the rest of the server's life.
(cd end2end && export LINKYARD_URL="http://127.0.0.1:$release_port" LINKYARD_ARTIFACTS="$artifacts" &&
  npx playwright test new-user.spec.ts console.spec.ts && npx playwright test --config playwright.states.config.ts) || {
  echo "--- release server log ---"; tail -50 "$work/release-server.log"; exit 1;
}
kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true

step "SDK compatibility tests (official Python SDKs, V3 and V1 signatures)"
sdk_port=${LINKYARD_SDK_TEST_PORT:-$(free_port)}
target/debug/linkyard --database-url "sqlite://$work/sdk.db" --log-level warn serve \
  --addr "127.0.0.1:$sdk_port" --scenario scenarios/demo.toml --transition-delay-ms 0 --site-root target/site \
  >"$work/sdk-server.log" 2>&1 &
sdk_server=$!
wait_healthy "$sdk_port" "$sdk_server" "$work/sdk-server.log" "SDK test server"
LINKYARD_API="127.0.0.1:$sdk_port" .venv/bin/python -m unittest -v tests/sdk/test_sdk.py || {
  echo "--- SDK test server log ---"; tail -50 "$work/sdk-server.log"; exit 1;
}
kill "$sdk_server" 2>/dev/null || true; wait "$sdk_server" 2>/dev/null || true

step "SDK compatibility tests on PostgreSQL"
sdk_db="ly_sdk_$$"
psql "$pg_admin" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $sdk_db" >/dev/null
sdk_port=$(free_port)
LINKYARD_SEAL_KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())') \
target/debug/linkyard --database-url "${pg_admin%/*}/$sdk_db" --log-level warn serve \
  --addr "127.0.0.1:$sdk_port" --scenario scenarios/demo.toml --transition-delay-ms 0 --site-root target/site \
  >"$work/sdk-pg-server.log" 2>&1 &
sdk_server=$!
wait_healthy "$sdk_port" "$sdk_server" "$work/sdk-pg-server.log" "PostgreSQL SDK test server"
LINKYARD_API="127.0.0.1:$sdk_port" .venv/bin/python -m unittest -v tests/sdk/test_sdk.py || {
  echo "--- SDK test server (PostgreSQL) log ---"; tail -50 "$work/sdk-pg-server.log"; exit 1;
}
kill "$sdk_server" 2>/dev/null || true; wait "$sdk_server" 2>/dev/null || true

step "Browser test across two replicas on one PostgreSQL database"
replicas_db="ly_replicas_$$"
psql "$pg_admin" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE $replicas_db" >/dev/null
seal=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
port_a=$(free_port)
port_b=$(free_port)
start_replica() { # port log [extra args]
  LINKYARD_SEAL_KEY=$seal target/debug/linkyard --database-url "${pg_admin%/*}/$replicas_db" --log-level warn serve \
    --addr "127.0.0.1:$1" --scenario scenarios/demo.toml --transition-delay-ms 300 --site-root target/site \
    "${@:3}" >"$work/$2" 2>&1 &
}
start_replica "$port_a" replica-a.log
sdk_server=$!
wait_healthy "$port_a" "$sdk_server" "$work/replica-a.log" "replica A"
start_replica "$port_b" replica-b.log --no-dns --no-proxy
server=$!
wait_healthy "$port_b" "$server" "$work/replica-b.log" "replica B"
(cd end2end && LINKYARD_URL="http://127.0.0.1:$port_b" LINKYARD_URL_A="http://127.0.0.1:$port_a" \
  LINKYARD_ARTIFACTS="$artifacts" npx playwright test replicas.spec.ts) || {
  echo "--- replica A log ---"; tail -30 "$work/replica-a.log"; echo "--- replica B log ---"; tail -30 "$work/replica-b.log"; exit 1;
}

step "All tests passed. Screenshots: end2end/artifacts/"
