#!/usr/bin/env bash
# The whole suite, in the order that fails fastest: types, unit, production build, integration
# (real Redis/Postgres, and the production build for multi-instance tests), browser end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

[ -d node_modules ] || npm install --no-audit --no-fund
step "services"
bash scripts/ensure-services.sh
step "typecheck"
npx tsc --noEmit -p .
step "unit tests"
npx vitest run --project unit
step "production build"
npx next build
step "integration tests (Redis, Postgres, production servers)"
npx vitest run --project integration
step "browser end-to-end tests (Chromium)"
npx playwright test
