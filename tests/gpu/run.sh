#!/bin/bash
# Runs on the lent GPU machine (see tests/gpu/bundle.sh), from the repository root, in one call:
# the devices, the whole Vulkan test suite (parity with the CPU reference on a real GPU), then the
# benchmark models of docs/BENCHMARKS.md made there and timed. Results go to $OUT (the device
# tool's output folder), one file per step, so that a run cut short still returns what it did.
set -u
out=${OUT:-/tmp/gpu-out}
mkdir -p "$out"
for package in .gl/*.deb; do dpkg -x "$package" /; done
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
export LD_LIBRARY_PATH=$PWD/.gpu/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export CONFIDANT_TESTDATA=$PWD/.gpu/testdata CONFIDANT_CLI=$PWD/.gpu/confidant-cli XDG_CACHE_HOME=/tmp/gpu-cache
cli=.gpu/confidant-cli
step() { echo "== $1 ($(date -u +%T))" | tee -a "$out/steps.txt"; }

step devices
nvidia-smi > "$out/nvidia-smi.txt" 2>&1
$cli devices > "$out/devices.txt" 2>&1
cat "$out/devices.txt"

step "vulkan tests"
timeout 240 .gpu/vulkan_tests --gtest_output="xml:$out/vulkan_tests.xml" > "$out/vulkan_tests.txt" 2>&1
echo "vulkan_tests exit $?" | tee -a "$out/steps.txt"
tail -5 "$out/vulkan_tests.txt"

models=/tmp/gpu-models
mkdir -p "$models"
for spec in "125m q4_0" "1b q4_0" "1b q8_0"; do
    set -- $spec
    step "make $1 $2"
    $cli make-test-model --arch llama --shape "$1" --type "$2" --untied-output --seed 1 --threads 16 \
        --vocab .gpu/testdata/vocab/llama3-bpe.gguf -o "$models/$1-$2.gguf" > /dev/null 2>&1 || echo "make-test-model failed"
done
for model in 125m-q4_0 1b-q4_0 1b-q8_0; do
    step "bench $model"
    timeout 120 $cli bench -m "$models/$model.gguf" --backend vulkan -p 512 -n 128 --reps 3 --load \
        > "$out/bench-$model.md" 2>&1
    cat "$out/bench-$model.md"
done
step "bench 1b-q4_0, the lavapipe settings (-p 64 -n 16)"
timeout 60 $cli bench -m "$models/1b-q4_0.gguf" --backend vulkan -p 64 -n 16 --reps 3 > "$out/bench-1b-q4_0-p64.md" 2>&1
cat "$out/bench-1b-q4_0-p64.md"
step done
