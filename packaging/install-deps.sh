#!/usr/bin/env bash
# Installs every Debian 12 package that building, running and testing Confidant needs.
# Idempotent: quiet and quick when everything is already there. Works as root or through sudo.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # engine
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-tools libsentencepiece-dev libpcre2-dev
  nlohmann-json3-dev
  # storage
  libsqlite3-dev sqlite3 libmd4c-dev libmd4c-html0-dev
  # desktop app (Qt 6 Quick / Controls 2 / QML tests)
  qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools libgl-dev
  qt6-tools-dev qt6-l10n-tools
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
  qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel qml6-module-qttest qml6-module-qtqml
  qml6-module-qtqml-models
  # tests (clang + compiler-rt for the libFuzzer targets)
  libgtest-dev libgmock-dev xvfb xauth x11-utils imagemagick clang libclang-rt-14-dev
  # packaging: icons rendered from SVG, AppStream validation, package checks
  librsvg2-bin appstream desktop-file-utils lintian dpkg-dev file man-db
  # screenshots of the desktop app (simulated input under Xvfb)
  xdotool
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
