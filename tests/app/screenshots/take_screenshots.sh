#!/usr/bin/env bash
# Takes the README's screenshots of the real app under Xvfb: empty state, a chat with Markdown
# and code, the models page, settings, and the dark theme. Needs xvfb-run, xdotool, ImageMagick.
# Usage: tests/app/screenshots/take_screenshots.sh BUILD_DIR OUTPUT_DIR [TESTDATA_DIR]
set -euo pipefail
build=${1:?build dir}
out=${2:?output dir}
testdata=${3:-"$(cd "$(dirname "$0")/../../../.." && pwd)/shared/testdata"}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$here/screenshot_session.sh" "$build" "$(cd "$out" && pwd)" "$testdata"
