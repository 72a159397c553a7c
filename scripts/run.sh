#!/usr/bin/env bash
# Builds Linkyard and serves the console with the bundled demo scenario at http://127.0.0.1:3000.
# Usage: scripts/run.sh [--reset] [any other `linkyard serve` option]
#   --reset   replace the database contents with the demo scenario
# Environment: LINKYARD_DATABASE_URL (default sqlite://linkyard.db), LINKYARD_ADDR (default 127.0.0.1:3000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

printf '\033[1;34m==>\033[0m %s\n' "Building server and WASM (cargo leptos build)"
cargo leptos build

export LINKYARD_DATABASE_URL="${LINKYARD_DATABASE_URL:-sqlite://linkyard.db}"
printf '\033[1;34m==>\033[0m %s\n' "Starting Linkyard (database $LINKYARD_DATABASE_URL; Ctrl-C stops it)"
exec target/debug/linkyard serve --scenario scenarios/demo.toml --site-root target/site "$@"
