#!/usr/bin/env bash
# Set-up (run by packaging/install-deps.sh): installs the pinned openai package from the lockfile
# with `npm ci`, once per lockfile. The only network access of the test; tests never download.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$(bash "$here/modules_dir.sh")"
[ -f "$dir/node_modules/openai/package.json" ] && exit 0
if ! command -v npm >/dev/null; then
  echo "openai client test set-up: npm is missing (install-deps.sh installs it)" >&2
  exit 1
fi
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$dir/"
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "openai client test set-up: installed into $dir" >&2
