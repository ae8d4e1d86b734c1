#!/usr/bin/env bash
# CTest entry: runs serve_test.cjs with the openai package installed by setup.sh.
# Arguments: CONFIDANT_CLI DEFAULT_TESTDATA_DIR (CONFIDANT_TESTDATA in the environment wins)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(bash "$here/modules_dir.sh")"
if [ ! -f "$dir/node_modules/openai/package.json" ]; then
  echo "the openai npm package is not installed at $dir: run packaging/install-deps.sh (or $here/setup.sh)" >&2
  exit 1
fi
model="${CONFIDANT_TESTDATA:-$2}/models/stories260K.gguf"
if [ ! -f "$model" ]; then
  if [ "${CONFIDANT_REQUIRE_TESTDATA:-0}" = 1 ]; then echo "missing test data: $model" >&2; exit 1; fi
  echo "test data not found: $model (set CONFIDANT_TESTDATA)" >&2
  exit 77
fi
NODE_PATH="$dir/node_modules" exec node "$here/serve_test.cjs" "$1" "$model"
