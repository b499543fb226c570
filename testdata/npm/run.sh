#!/usr/bin/env bash
# Runs the official openai npm client against cem serve through the Go test
# serve/npm_test.go. The pinned packages come from
# scripts/install-node-deps.sh (the one place their versions are written),
# installed once into a cache folder outside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${CEM_NPM_OPENAI:-${XDG_CACHE_HOME:-$HOME/.cache}/cem/node}"
scripts/install-node-deps.sh "$dir" >/dev/null
CEM_NPM_OPENAI="$dir" go test -run TestNodeOpenAIClient -count=1 -v ./serve
