#!/usr/bin/env bash
# Runs the official openai npm client (pinned) against cem serve through the
# Go test serve/npm_test.go. Needs node and the npm registry once; installs
# into a scratch folder outside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${CEM_NPM_OPENAI:-${TMPDIR:-/tmp}/cem-npm-openai}"
mkdir -p "$dir"
if [ ! -f "$dir/node_modules/openai/package.json" ]; then
  (cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --save-exact openai@4.104.0)
fi
CEM_NPM_OPENAI="$dir" go test -run TestNodeOpenAIClient -count=1 -v ./serve
