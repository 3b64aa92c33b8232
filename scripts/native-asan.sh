#!/usr/bin/env bash
# Builds the native addon with AddressSanitizer (and UBSan) into a temporary
# directory, separate from node-gyp's build/, and runs the native tests against
# that binary (the loader honours CSRL_NATIVE_PATH). Exits non-zero on any
# sanitizer report or test failure. Linux only; run after `npm run build`.
#
#   scripts/native-asan.sh
#
# Environment: CXX (default g++), KEEP_ASAN_BUILD=1 keeps the build directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cxx="${CXX:-g++}"

if [[ "$(uname -s)" != Linux ]]; then
  echo "native-asan: Linux only" >&2
  exit 2
fi
if [[ ! -f out/native/index.js || ! -d out/test/native ]]; then
  echo "native-asan: out/ is missing; run 'npm run build' first" >&2
  exit 2
fi

# Node's headers: next to the running node (official and distribution builds),
# else npm's configured nodedir, else node-gyp's cache. Never downloaded here.
node_version="$(node -p 'process.versions.node')"
include=""
for candidate in \
  "$(node -p "require('path').resolve(process.execPath, '..', '..', 'include', 'node')")" \
  "${npm_config_nodedir:-/nonexistent}/include/node" \
  "$(npm config get nodedir 2>/dev/null || true)/include/node" \
  "${HOME:-/nonexistent}/.cache/node-gyp/${node_version}/include/node"; do
  if [[ -f "$candidate/node_api.h" ]]; then include="$candidate"; break; fi
done
if [[ -z "$include" ]]; then
  echo "native-asan: Node headers not found (looked next to node, in npm's nodedir and node-gyp's cache)" >&2
  exit 2
fi
addon_api="$(node -p "require('node-addon-api').include_dir")"

out="$(mktemp -d "${TMPDIR:-/tmp}/csrl-asan-XXXXXX")"
cleanup() { if [[ "${KEEP_ASAN_BUILD:-}" != 1 ]]; then rm -rf "$out"; fi; }
trap cleanup EXIT

sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
echo "native-asan: compiling with ${sanitize[*]} into $out"
"$cxx" -std=c++17 -shared -fPIC -g -O1 -Wall -Wextra -Werror "${sanitize[@]}" \
  -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED -DBUILDING_NODE_EXTENSION \
  -I "$addon_api" -I "$include" \
  native/src/addon.cc native/src/linux_proc.cc native/src/security_unsupported.cc \
  -o "$out/csrl_native.node"

if ! grep -q __asan_init "$out/csrl_native.node"; then
  echo "native-asan: the binary is not instrumented" >&2
  exit 1
fi

# Node itself is not instrumented, so the runtimes are preloaded; node's own
# allocations at exit are not leaks worth failing on.
libasan="$("$cxx" -print-file-name=libasan.so)"
libubsan="$("$cxx" -print-file-name=libubsan.so)"
for lib in "$libasan" "$libubsan"; do
  if [[ ! -f "$lib" ]]; then
    echo "native-asan: sanitizer runtime $lib not found (install the compiler's libasan/libubsan)" >&2
    exit 2
  fi
done
export LD_PRELOAD="$libasan:$libubsan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export CSRL_NATIVE_PATH="$out/csrl_native.node"
export CSRL_REQUIRE_NATIVE=1

echo "native-asan: running the native tests under the sanitizers"
node --test out/test/native/
echo "native-asan: ok"
