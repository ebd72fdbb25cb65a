#!/usr/bin/env bash
# The whole suite, in the order that fails fastest: types, unit, production build, integration
# (real Redis/Postgres, and the production build for multi-instance tests), browser end-to-end.
# Ends with one summary line: "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
results=test-reports
mkdir -p "$results"
rm -f "$results"/*.json

[ -d node_modules ] || npm install --no-audit --no-fund
step "services"
bash scripts/ensure-services.sh
step "typecheck, lint and format"
npx tsc --noEmit -p .
npx eslint . --quiet
npx prettier --check . --log-level warn
step "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"
step "production build"
npx next build
step "integration tests (Redis, Postgres, production servers)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json"
step "browser end-to-end tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" npx playwright test --reporter=list,json
node scripts/test-summary.mjs "$results"
