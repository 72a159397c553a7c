#!/usr/bin/env bash
# Measures Linkyard and prints the figures as one markdown report, also written to
# bench/results.md:
#   - the release build (`cargo leptos build --release --split`, as scripts/run.sh) time and the
#     server binary size;
#   - the release WASM / JS / CSS sizes, every chunk of a --split build included (raw, gzip -9, brotli
#     q11), and the server-side render
#     time of the main console pages (bench/console.py);
#   - the cross-context live-update delay in headless Chromium (bench/live-delay.cjs);
#   - the time to interactive of /signin and the Overview in headless Chromium, empty and warm
#     cache (bench/tti.cjs: navigation start until the WASM hydrated the page), and the WASM
#     each of them fetched (as sent, brotli);
#   - cloud API requests/s and latency at 1 and 32 clients, next to moto (bench/api_vs_moto.py);
#   - with --with-ops, the operation-layer bench (target/release/linkyard-bench);
#   - with --with-dataplane, the data-plane bench (`linkyard-bench --dataplane 5`: proxied vs
#     direct loopback throughput, in process and with iperf3 next to HAProxy (both installed from
#     Debian's packages when missing), added latency, 1 000 concurrent connections, DNS queries/s);
#   - with --with-api, signed API reads and writes over HTTP next to a bare-handler ceiling and
#     moto's EC2 counterparts (`linkyard-bench --api 5`: one Rust load generator for all three,
#     1 and 32 clients; moto from .venv);
#   - with --with-stores, API reads and writes on SQLite and on a throwaway PostgreSQL with one and
#     two replicas, their cold start, and the 100 000-endpoint list on PostgreSQL
#     (`linkyard-bench --stores 5`, `linkyard-bench --database-url postgres://… --endpoints 100000`).
# Usage: scripts/bench.sh [--quick] [--with-ops] [--with-dataplane] [--with-api] [--with-stores]
#   --quick     fewer requests per figure (a smoke run: a few minutes after the build)
#   --with-ops  also build and run `linkyard-bench --iterations 500 --endpoints 100000 --calls 200`
# The site is built into target/bench-site (not target/site, which the debug build and the
# browser tests use). Every server started here is stopped on exit. Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
with_ops=0
with_dataplane=0
with_api=0
with_stores=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --with-ops) with_ops=1 ;;
    --with-dataplane) with_dataplane=1 ;;
    --with-api) with_api=1 ;;
    --with-stores) with_stores=1 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done
if [[ $quick == 1 ]]; then
  page_requests=10 live_runs=5 tti_runs=5 api_requests=200 api_seconds=5
else
  page_requests=50 live_runs=10 tti_runs=10 api_requests=2000 api_seconds=20
fi

scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export LEPTOS_SITE_ROOT=target/bench-site
step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "Benchmark packages in .venv (brotli, moto, boto3)"
.venv/bin/python -c 'import brotli, moto.server, boto3' 2>/dev/null \
  || .venv/bin/pip install --quiet brotli "moto[server]" boto3

work=$(mktemp -d)
server=""
helper=""
cleanup() {
  for pid in $helper $server; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  [[ -n "${pg:-}" ]] && scripts/pg.sh stop "$pg"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Runs a helper in the background and waits, so a signal reaches the cleanup at once.
run_helper() {
  "$@" &
  helper=$!
  wait "$helper"
  helper=""
}

# What is measured: the working tree at build time, on a machine as loaded as it is now.
tree_state() {
  local c
  c=$(git rev-parse --short HEAD)
  git diff --quiet HEAD -- 2>/dev/null || c="$c + uncommitted changes"
  echo "$c"
}
commit=$(tree_state)
load=$(cut -d' ' -f1-3 /proc/loadavg)

step "Release build (cargo leptos build --release --split)"
start=$EPOCHREALTIME
cargo leptos build --release --split
node scripts/precompress.mjs "$LEPTOS_SITE_ROOT/pkg"
build_s=$(seconds_since "$start")
[[ $(tree_state) == "$commit" ]] || commit="$commit (changed to $(tree_state) during the build)"

step "Console: sizes and server-side render times"
port=$(free_port)
target/release/linkyard --database-url "sqlite://$work/bench.db" --log-level warn serve \
  --addr "127.0.0.1:$port" --scenario scenarios/demo.toml --transition-delay-ms 0 \
  --site-root "$LEPTOS_SITE_ROOT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; echo "the server exited" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "the server did not answer /healthz" >&2; exit 1; }
run_helper .venv/bin/python bench/console.py --url "http://127.0.0.1:$port" \
  --site-root "$LEPTOS_SITE_ROOT" --requests "$page_requests" >"$work/console.md"

step "Console: cross-context live-update delay (headless Chromium)"
run_helper node bench/live-delay.cjs "http://127.0.0.1:$port" "$live_runs" >"$work/live.md"

step "Console: time to interactive (headless Chromium)"
run_helper node bench/tti.cjs "http://127.0.0.1:$port" "$tti_runs" >"$work/tti.md"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

step "Cloud API: Linkyard vs moto"
run_helper .venv/bin/python bench/api_vs_moto.py --linkyard-bin target/release/linkyard \
  --requests "$api_requests" --seconds "$api_seconds" --out "$work/api.md" >/dev/null

if [[ $with_ops == 1 ]]; then
  step "Operations bench (linkyard-bench)"
  # The same LEPTOS_OUTPUT_NAME as cargo-leptos passes, so the release crates are reused.
  LEPTOS_OUTPUT_NAME=linkyard cargo build --release --features ssr --bin linkyard-bench
  run_helper target/release/linkyard-bench --iterations 500 --endpoints 100000 --calls 200 >"$work/ops.txt"
fi
if [[ $with_dataplane == 1 ]]; then
  step "Data-plane bench (linkyard-bench --dataplane 5)"
  # iperf3 (the standard client and server) and HAProxy (the reference proxy), from Debian.
  if ! command -v iperf3 >/dev/null || ! command -v haproxy >/dev/null; then
    SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
    $SUDO apt-get install -y -qq iperf3 haproxy >/dev/null \
      || echo "    (could not install iperf3 and haproxy; their rows are left out)" >&2
  fi
  LEPTOS_OUTPUT_NAME=linkyard cargo build --release --features ssr --bin linkyard-bench
  run_helper target/release/linkyard-bench --dataplane 5 >"$work/dataplane.txt"
fi
if [[ $with_api == 1 ]]; then
  step "Cloud API bench (linkyard-bench --api 5)"
  LEPTOS_OUTPUT_NAME=linkyard cargo build --release --features ssr --bin linkyard-bench
  run_helper target/release/linkyard-bench --api 5 >"$work/api-ceiling.txt"
fi
if [[ $with_stores == 1 ]]; then
  step "Stores bench (linkyard-bench --stores 5, 100 000 endpoints on PostgreSQL)"
  LEPTOS_OUTPUT_NAME=linkyard cargo build --release --features ssr --bin linkyard-bench
  pg=$(mktemp -d)
  # Durable commits like SQLite's WAL with synchronous=NORMAL: fsync on, commits not waited for.
  pg_admin=$(LINKYARD_PG_DURABLE=1 scripts/pg.sh start "$pg")
  LINKYARD_BENCH_POSTGRES="$pg_admin" run_helper target/release/linkyard-bench --stores 5 >"$work/stores.txt"
  psql "$pg_admin" -qAt -c "CREATE DATABASE ly_bench_list" >/dev/null
  run_helper target/release/linkyard-bench --database-url "${pg_admin%/*}/ly_bench_list" \
    --iterations 200 --endpoints 100000 --calls 200 >"$work/stores-list.txt"
fi

{
  echo "# Linkyard benchmark figures"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(nproc) cores" \
    "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average $load" \
    "before the build, $([[ $quick == 1 ]] && echo quick || echo full) run."
  echo
  echo "## Build"
  echo
  echo "| What | Figure |"
  echo "|---|---:|"
  echo "| \`cargo leptos build --release --split\` | $build_s s |"
  echo "| server binary target/release/linkyard | $(awk -v b="$(stat -c %s target/release/linkyard)" 'BEGIN { printf "%.1f MiB", b / 1048576 }') |"
  echo
  echo "## Console"
  echo
  cat "$work/console.md"
  echo
  cat "$work/live.md"
  echo
  cat "$work/tti.md"
  echo
  echo "## Cloud API: Linkyard next to moto"
  echo
  cat "$work/api.md"
  if [[ $with_ops == 1 ]]; then
    echo
    echo "## Operations (linkyard-bench --iterations 500 --endpoints 100000 --calls 200)"
    echo
    echo '```text'
    cat "$work/ops.txt"
    echo '```'
  fi
  if [[ $with_dataplane == 1 ]]; then
    echo
    echo "## Data plane (linkyard-bench --dataplane 5)"
    echo
    echo '```text'
    cat "$work/dataplane.txt"
    echo '```'
  fi
  if [[ $with_api == 1 ]]; then
    echo
    echo "## Cloud API next to a bare-handler ceiling (linkyard-bench --api 5)"
    echo
    echo '```text'
    cat "$work/api-ceiling.txt"
    echo '```'
  fi
  if [[ $with_stores == 1 ]]; then
    echo
    echo "## Stores (linkyard-bench --stores 5; 100 000 endpoints on PostgreSQL)"
    echo
    echo '```text'
    cat "$work/stores.txt"
    echo
    cat "$work/stores-list.txt"
    echo '```'
  fi
} >bench/results.md
cat bench/results.md
