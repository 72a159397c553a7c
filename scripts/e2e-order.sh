#!/usr/bin/env bash
# Runs the browser specs (end2end/tests) in another file order against a running server, to show
# that none depends on another's leftovers: `reverse`, `shuffle [seed]`, or the spec names given.
# Playwright runs the files of a directory in name order, so this copies them to a scratch
# directory with a numbered prefix in the chosen order and runs that.
# Usage: LINKYARD_URL=http://127.0.0.1:<port> scripts/e2e-order.sh reverse | shuffle [seed] | <spec>…
set -euo pipefail
cd "$(dirname "$0")/../end2end"
mode=${1:?reverse, shuffle [seed] or spec names}
mapfile -t specs < <(cd tests && ls -1 ./*.spec.ts | sed 's|^\./||')
case "$mode" in
  reverse) mapfile -t order < <(printf '%s\n' "${specs[@]}" | sort -r) ;;
  shuffle) mapfile -t order < <(printf '%s\n' "${specs[@]}" | shuf --random-source=<(yes "${2:-$RANDOM}")) ;;
  *) order=("$@") ;;
esac
scratch=$(mktemp -d "$PWD/.order.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp tests/*.ts "$scratch/"
rm "$scratch"/*.spec.ts
i=10
for spec in "${order[@]}"; do
  cp "tests/$spec" "$scratch/$i-$spec"
  i=$((i + 1))
done
cat >"$scratch/playwright.config.ts" <<'TS'
import { defineConfig } from "@playwright/test";
import base from "../playwright.config";
export default defineConfig({ ...base, testDir: ".", outputDir: "../test-results" });
TS
echo "order: ${order[*]}"
npx playwright test --config "$scratch/playwright.config.ts"
