#!/usr/bin/env bash
# Prints the folder that holds this test's node_modules: one per lockfile content, in the user's
# cache (CONFIDANT_NPM_CACHE overrides), so that set-up installs it once and tests only read it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
hash="$(sha256sum "$here/package-lock.json" | cut -c1-16)"
echo "${CONFIDANT_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/confidant/npm}/openai-client-$hash"
