#!/usr/bin/env bash
# The main job on the embedded default: installs what it needs, trains a PASTA adapter with
# all-MiniLM-L6-v2 on the bundled sample workspace, prints dev metrics and sample predictions.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
workspace="${PASTA_DEMO_WORKSPACE:-samples/workspace}"
node bin/pasta.cjs train --workspace "$workspace" --name demo "$@"
node bin/pasta.cjs predict --workspace "$workspace" --adapter demo --text "Tim Cook presented the new iPhone at Apple Park in Cupertino on Tuesday."
