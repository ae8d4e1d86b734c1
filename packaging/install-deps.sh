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
  # network (app/net, docs/network.md): HTTP client, local server, chat's line editing, CA certificates
  libcurl4-openssl-dev libcpp-httplib-dev libedit-dev ca-certificates
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
  # the official openai npm client that tests `confidant-cli serve` (tests/net/openai_client)
  nodejs
)
# Debian's npm; a NodeSource nodejs already carries its own npm and conflicts with Debian's.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install-deps: installing ${#missing[@]} package(s): ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The pinned openai npm package for the serve test (npm ci from its lockfile, once; quick after).
bash "$(dirname "$0")/../tests/net/openai_client/setup.sh"
