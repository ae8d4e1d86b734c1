#!/usr/bin/env bash
# Builds the .deb, checks it with lintian, AppStream and desktop-file validators, then (as root,
# as on CI's throwaway machine) installs it, runs both programs from the installed paths, and
# purges it again, checking that nothing it installed is left behind.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR TESTDATA_DIR VERSION
set -euo pipefail
build=$1 source=$2 testdata=${CONFIDANT_TESTDATA:-$3} version=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package test: FAILED: $*" >&2; exit 1; }

cd "$build"
cpack -G DEB -B "$work" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack could not build the package"; }
deb=$(ls "$work"/confidant_*.deb)
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
dpkg-deb --info "$deb" | sed -n 's/^ \(Depends\|Recommends\):/  \1:/p'

# lintian: errors fail the test; the warnings we accept are explained in packaging/lintian.md.
lintian --fail-on error --suppress-tags-from-file "$source/packaging/lintian-accepted-tags" "$deb" | tee "$work/lintian.txt" \
  || fail "lintian reports errors"
appstreamcli validate --no-net --pedantic "$build/resources/io.confidant.Confidant.metainfo.xml" \
  || fail "the AppStream metadata does not validate"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$source/resources/confidant.desktop" || fail "the desktop entry does not validate"
fi

if [ "$(id -u)" != 0 ]; then
  echo "package test: installing needs root; lintian and metadata checks passed, install round trip skipped"
  exit 77
fi

tree_before=$(git -C "$source" status --porcelain 2>/dev/null || true)
dpkg -s confidant >/dev/null 2>&1 && apt-get purge -y -qq confidant >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null \
  || fail "apt-get could not install the package"
dpkg -L confidant >"$work/files.txt"

[ "$(/usr/bin/confidant-cli --version)" = "confidant-cli $version" ] || fail "confidant-cli --version"
[ "$(QT_QPA_PLATFORM=offscreen /usr/bin/confidant --version)" = "Confidant $version" ] || fail "confidant --version"
/usr/bin/confidant-cli generate -m "$testdata/models/stories260K.gguf" --temp 0 -n 200 >"$work/story.txt" 2>/dev/null
cmp -s "$work/story.txt" "$testdata/models/stories260K.greedy-200.txt" || fail "the installed confidant-cli generates wrong text"
man -w confidant-cli >/dev/null || fail "no man page for confidant-cli"

# The app must put up its main window (X11 under Xvfb, so the window can be seen from outside).
# A throwaway home, so that the app's data and settings land in the temporary folder.
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  /usr/bin/confidant & pid=$!
  for _ in $(seq 1 60); do
    if xwininfo -root -tree | grep -q "\"Confidant\""; then kill $pid; wait $pid 2>/dev/null; exit 0; fi
    kill -0 $pid 2>/dev/null || exit 2
    sleep 0.5
  done
  kill $pid; exit 1' || fail "the installed confidant did not show its window"
echo "installed app showed its window"

# Each file and folder dialog of the installed app opens and closes, in a session without a
# desktop environment or platform theme: Qt then uses its QML dialogs, whose imports (e.g.
# Qt.labs.folderlistmodel) must be among the package's dependencies or the first click crashes.
env -u QT_QPA_PLATFORMTHEME -u XDG_CURRENT_DESKTOP -u DESKTOP_SESSION -u KDE_FULL_SESSION -u GNOME_DESKTOP_SESSION_ID \
  xvfb-run -a -s "-screen 0 1280x800x24" timeout 120 /usr/bin/confidant --check-dialogs >"$work/dialogs.txt" 2>&1 \
  || { cat "$work/dialogs.txt"; fail "a file or folder dialog of the installed confidant did not open (or it crashed)"; }
[ "$(grep -c 'opened and closed' "$work/dialogs.txt")" -ge 6 ] || { cat "$work/dialogs.txt"; fail "check-dialogs opened fewer than 6 dialogs"; }
echo "installed app opened its $(grep -c 'opened and closed' "$work/dialogs.txt") file and folder dialogs"

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq confidant >/dev/null || fail "apt-get could not purge the package"
left=""
while read -r path; do
  [ -f "$path" ] || [ -L "$path" ] && left="$left $path"
done <"$work/files.txt"
[ -z "$left" ] || fail "files left after purge:$left"
[ "$(git -C "$source" status --porcelain 2>/dev/null || true)" = "$tree_before" ] || fail "the source tree changed"
echo "package test: install, run and purge round trip passed"
