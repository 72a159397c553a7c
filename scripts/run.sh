#!/usr/bin/env bash
# Builds Linkyard and serves the console with the bundled demo scenario at http://127.0.0.1:3000.
# Usage: scripts/run.sh [--reset] [any other `linkyard serve` option]
#   --reset   replace the database contents with the demo scenario
# Environment: LINKYARD_DATABASE_URL (default sqlite://linkyard.db), LINKYARD_ADDR (default 127.0.0.1:3000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# The release build: a small, optimized WASM (wasm-opt), split per page (lazy routes), that loads quickly. The first build takes
# about 10 minutes on 2 cores; later ones only rebuild what changed.
printf '\033[1;34m==>\033[0m %s\n' "Building server and WASM (cargo leptos build --release --split)"
cargo leptos build --release --split
printf '\033[1;34m==>\033[0m %s\n' "Compressing the site's assets once (brotli, gzip)"
node scripts/precompress.mjs target/site/pkg

export LINKYARD_DATABASE_URL="${LINKYARD_DATABASE_URL:-sqlite://linkyard.db}"
printf '\033[1;34m==>\033[0m %s\n' "Starting Linkyard (database $LINKYARD_DATABASE_URL; Ctrl-C stops it)"
exec target/release/linkyard serve --scenario scenarios/demo.toml --site-root target/site "$@"
