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
  [ -x "$bin" ] && [ -e "$cache/ok" ] && { echo "$bin"; exit 0; }
  exit 1
fi
# A build is kept only once it answered (--version): one that cannot run here is rebuilt.
if [ -x "$bin" ] && [ -e "$cache/ok" ]; then echo "$bin"; exit 0; fi

if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null; then
  echo "llama-server.sh: needs cmake and g++ (apt-get install -y cmake g++)" >&2
  exit 1
fi
mkdir -p "$cache"
exec 9>"$cache.lock"
flock 9 # two builds at once would share one folder
if [ -x "$bin" ] && [ -e "$cache/ok" ]; then echo "$bin"; exit 0; fi
rm -f "$cache/ok"
rm -rf "$cache/src" "$cache/build"

# This CPU's vector extensions, as -march=native would pick them, but never
# AMX: on machines whose kernel or hypervisor has not granted AMX tile state,
# -march=native's AMX kernels die with SIGILL/SIGSEGV on their first matrix
# (seen on a Sapphire Rapids VM). node-llama-cpp's prebuilt binaries run
# there; this keeps the comparison with them on the same instructions.
isa=()
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { case " $flags " in *" $1 "*) return 0 ;; esac; return 1; }
if [ -n "$flags" ] && [ "$(uname -m)" = x86_64 ]; then
  isa+=(-DGGML_NATIVE=OFF)
  for pair in sse4_2:SSE42 avx:AVX avx2:AVX2 fma:FMA f16c:F16C bmi2:BMI2 avx_vnni:AVX_VNNI avx512f:AVX512 \
    avx512vbmi:AVX512_VBMI avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16; do
    if has "${pair%%:*}"; then isa+=("-DGGML_${pair#*:}=ON"); else isa+=("-DGGML_${pair#*:}=OFF"); fi
  done
else
  isa+=(-DGGML_NATIVE=ON)
fi
{
  git clone --quiet "$bundle" "$cache/src"
  # The web UI is downloaded at build time unless turned off; nothing here is online.
  cmake -S "$cache/src" -B "$cache/build" -DCMAKE_BUILD_TYPE=Release "${isa[@]}" \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF
  cmake --build "$cache/build" --target llama-server -j"$(nproc)"
} >"$cache.log" 2>&1 || { echo "llama-server.sh: build failed, see $cache.log" >&2; tail -20 "$cache.log" >&2; exit 1; }
"$bin" --version >/dev/null 2>&1 || { echo "llama-server.sh: the built llama-server does not run; see $cache.log" >&2; exit 1; }
: >"$cache/ok"
echo "$bin"
