#!/usr/bin/env bash
# install-node-deps.sh installs, idempotently, the pinned npm packages that
# cem's optional node-based tests and benchmarks use, into a cache folder
# outside the repository, and prints the environment lines that turn those
# tests on.
#
# Usage: scripts/install-node-deps.sh [DIR]
#
#   DIR  install folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/cem/node);
#        the packages land in DIR/node_modules
#
# Packages (exact versions):
#   node-llama-cpp@3.21.1, @node-llama-cpp/linux-x64@3.21.1
#       llama.cpp for gguf's TestLlamaCpp and go run ./bench/llamacpp
#       (env CEM_NODE_LLAMA = DIR/node_modules). Installed with
#       --omit=optional so that npm does not fetch the prebuilt binaries of
#       every other platform and GPU flavour (CUDA, Vulkan, ...): the CPU
#       x64 build is named explicitly instead.
#   openai@4.104.0
#       the official OpenAI client for serve's TestNodeOpenAIClient, the
#       client that testdata/npm/run.sh runs (env CEM_NPM_OPENAI = DIR, the
#       folder holding node_modules/openai).
#
# Running it again with everything in place touches nothing and makes no
# network request. Needs node >= 20 and npm; fails with exit status 1 and a
# message saying what is missing otherwise. Only the Linux x64 llama.cpp
# binaries are pinned; on other platforms the script stops before
# installing.
set -euo pipefail

readonly LLAMA_VERSION=3.21.1
readonly OPENAI_VERSION=4.104.0
readonly PACKAGES=(
  "node-llama-cpp@${LLAMA_VERSION}"
  "@node-llama-cpp/linux-x64@${LLAMA_VERSION}"
  "openai@${OPENAI_VERSION}"
)

die() {
  echo "install-node-deps: $*" >&2
  exit 1
}

dir="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/cem/node}"

command -v node >/dev/null 2>&1 ||
  die "node is not installed (need node >= 20 and npm; on Debian: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 ||
  die "npm is not installed (need npm next to node $(node --version); on Debian: apt-get install npm)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] ||
  die "node $(node --version) is too old; node-llama-cpp@${LLAMA_VERSION} needs node >= 20"
platform="$(node -p 'process.platform + "-" + process.arch')"
[ "$platform" = "linux-x64" ] ||
  die "this script pins llama.cpp's linux-x64 binaries; node reports $platform"

# installed_version PKG prints the version of DIR/node_modules/PKG, or
# nothing when it is absent.
installed_version() {
  local pj="$dir/node_modules/$1/package.json"
  [ -f "$pj" ] || return 0
  node -p 'require(process.argv[1]).version' "$pj" 2>/dev/null || true
}

missing=()
for spec in "${PACKAGES[@]}"; do
  name="${spec%@*}"
  want="${spec##*@}"
  have="$(installed_version "$name")"
  if [ "$have" != "$want" ]; then
    missing+=("$spec${have:+ (found $have)}")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-node-deps: installing into $dir: ${missing[*]}" >&2
  mkdir -p "$dir" || die "cannot create $dir"
  if [ ! -f "$dir/package.json" ]; then
    printf '{\n  "name": "cem-node-deps",\n  "private": true,\n  "description": "npm packages for cem tests; written by scripts/install-node-deps.sh"\n}\n' \
      >"$dir/package.json" || die "cannot write $dir/package.json"
  fi
  # Every install names all pins, so the tree and package.json always hold
  # exactly these versions, and --omit=optional keeps the other platforms'
  # binaries out whichever package is being (re)installed.
  (cd "$dir" && npm install --no-audit --no-fund --save-exact --omit=optional "${PACKAGES[@]}" >&2) ||
    die "npm install failed in $dir (is the npm registry reachable?)"
  for spec in "${PACKAGES[@]}"; do
    name="${spec%@*}"
    want="${spec##*@}"
    have="$(installed_version "$name")"
    [ "$have" = "$want" ] || die "after npm install, $name is ${have:-absent} in $dir/node_modules; want $want"
  done
else
  echo "install-node-deps: up to date in $dir" >&2
fi

# The llama.cpp binding must load its prebuilt binary here.
[ -d "$dir/node_modules/@node-llama-cpp/linux-x64/bins" ] ||
  die "$dir/node_modules/@node-llama-cpp/linux-x64 has no prebuilt binaries"

abs="$(cd "$dir" && pwd -P)"
echo "export CEM_NODE_LLAMA=$abs/node_modules"
echo "export CEM_NPM_OPENAI=$abs"
