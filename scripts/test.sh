#!/usr/bin/env bash
# Every test: installs what the tests need (npm, the default model, code-server and Chromium for the
# real VS Code tests), type-checks, lints and checks the formatting, then runs the unit, parity, CLI and VS Code suites.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --e2e
npx tsc -p . --noEmit
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --list-different .; echo 'Formatting differs in the files above: npm run format' >&2; exit 1; }
node scripts/run-tests.mjs all
