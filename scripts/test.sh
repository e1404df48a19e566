#!/usr/bin/env bash
# Every test: installs what the tests need (npm, the default model, code-server and Chromium for the
# real VS Code tests), type-checks and lints, then runs the unit, parity, CLI and VS Code suites.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --e2e
npx tsc -p . --noEmit
npx eslint .
node scripts/run-tests.mjs all
