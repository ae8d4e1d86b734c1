#!/bin/bash
# Prepares what a run on the lent GPU machine needs (../shared/docs/GPU.md): that machine has the
# NVIDIA driver but none of our build dependencies, and only the working tree plus `carry` paths
# travel (64 MiB at most). Run here, from the repository root, after building the release preset:
#   bash tests/gpu/bundle.sh
# It fills two git-ignored folders (listed in .git/info/exclude):
#   .gl/   the Vulkan loader package (the device image may lack it)
#   .gpu/  confidant-cli, vulkan_tests, the shared libraries they need beyond glibc, the test data
#          they read (stories260K, the Llama 3 vocabulary for the benchmark models)
# Then, in one device call: carry [".gl", ".gpu"], command `bash tests/gpu/run.sh`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build/release}
testdata=${CONFIDANT_TESTDATA:-$root/../shared/testdata}
cd "$root"
for folder in .gl .gpu; do
    grep -qx "/$folder/" .git/info/exclude 2>/dev/null || echo "/$folder/" >> .git/info/exclude
done

if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
    mkdir -p .gl /tmp/gpu-bundle-apt/partial
    apt_options=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/gpu-bundle-apt)
    apt-get "${apt_options[@]}" update >/dev/null
    (cd .gl && apt-get "${apt_options[@]}" download libvulkan1)
fi

rm -rf .gpu
mkdir -p .gpu/lib .gpu/testdata/models .gpu/testdata/vocab
cp "$build/app/confidant-cli" "$build/tests/vulkan_tests" .gpu/
strip --strip-debug .gpu/confidant-cli .gpu/vulkan_tests  # the carry limit is 64 MiB
# Every library the two binaries load except glibc's own and the Vulkan loader (from .gl): the
# device image has a newer glibc, which runs binaries built here.
for binary in .gpu/confidant-cli .gpu/vulkan_tests; do
    ldd "$binary" | awk '/=> \// { print $3 }' | while read -r library; do
        case "$(basename "$library")" in
            libc.so* | libm.so* | libpthread.so* | libdl.so* | librt.so* | ld-linux* | libvulkan.so*) ;;
            *) cp -n "$library" .gpu/lib/ ;;
        esac
    done
done
cp "$testdata"/models/stories260K.* .gpu/testdata/models/
cp "$testdata"/vocab/llama3-bpe.* "$testdata"/vocab/llama-spm.* "$testdata"/vocab/gpt-2.* .gpu/testdata/vocab/
du -sh .gl .gpu
