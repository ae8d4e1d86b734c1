#!/usr/bin/env bash
# Builds and runs every test configuration, stopping at the first failure:
#   release  - the whole suite (engine, store, CLI, Vulkan on lavapipe, app, packaging)
#   sanitize - engine, store and CLI suites under AddressSanitizer + UBSan (+ LeakSanitizer)
#   fuzz     - each libFuzzer target for a bounded time (CONFIDANT_FUZZ_SECONDS, default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
for preset in release sanitize fuzz; do
  echo "=== $preset ==="
  cmake --preset "$preset"
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
