#!/usr/bin/env bash
# Builds llama.cpp's llama-server from the exact source node-llama-cpp binds
# (node_modules/node-llama-cpp/llama/gitRelease.bundle), once, into a cache
# outside the checkout, and prints the binary's path. Used by the remote-backend
# tests and the server/remote benchmarks as the baseline a user would run instead.
#   scripts/llama-server.sh          build if missing, print the path
#   scripts/llama-server.sh --path   print the path if built, exit 1 otherwise
# Cache: $CMDAI_LLAMA_SERVER_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/cmdai-dev/llama-server
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1

bundle=node_modules/node-llama-cpp/llama/gitRelease.bundle
[ -f "$bundle" ] || { echo "llama-server.sh: $bundle missing: run bun install first" >&2; exit 1; }
release=$(node -p 'require("./node_modules/node-llama-cpp/llama/llama.cpp.info.json").tag' 2>/dev/null || echo unknown)
nlc=$(node -p 'require("./node_modules/node-llama-cpp/package.json").version')
cache=${CMDAI_LLAMA_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cmdai-dev/llama-server}/$nlc-$release
bin=$cache/build/bin/llama-server

if [ "${1:-}" = --path ]; then
  [ -x "$bin" ] && { echo "$bin"; exit 0; }
  exit 1
fi
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

command -v cmake >/dev/null && command -v g++ >/dev/null ||
  { echo "llama-server.sh: needs cmake and g++ (apt-get install -y cmake g++)" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache.lock"
flock 9 # two builds at once would share one folder
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
rm -rf "$cache/src" "$cache/build"
{
  git clone --quiet "$bundle" "$cache/src"
  # The web UI is downloaded at build time unless turned off; nothing here is online.
  cmake -S "$cache/src" -B "$cache/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF
  cmake --build "$cache/build" --target llama-server -j"$(nproc)"
} >"$cache.log" 2>&1 || { echo "llama-server.sh: build failed, see $cache.log" >&2; tail -20 "$cache.log" >&2; exit 1; }
echo "$bin"
