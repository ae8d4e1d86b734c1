// Which backend "Automatic" means on this machine. A real GPU always wins. When the only Vulkan
// devices are software ones (CPU-type: lavapipe, SwiftShader), the Vulkan backend's kernels for
// CPU devices still beat the CPU backend (docs/BENCHMARKS.md: 2-20x on lavapipe), provided the
// device has subgroup shuffles (those kernels need them) and the model fits its memory; otherwise
// Automatic loads on the CPU. Either way it says what it chose and why. A device the user picked
// is always honoured.
#pragma once

#include <QString>

#include <cstdint>
#include <vector>

#include "vulkan/vulkan_devices.h"

namespace confidant::app {

struct DeviceChoice {
    bool useCpu = false;
    QString note;  // shown with the load result when the choice is not the obvious one
};

// `devices`: what listVulkanDevices reported; `gpuIndex`: Settings' GPU index (-1: the best);
// `modelBytes`: the model file's size, compared with a software device's memory.
DeviceChoice chooseAutomaticDevice(const std::vector<inference::VulkanDeviceInfo>& devices, int gpuIndex,
                                   uint64_t modelBytes);

}  // namespace confidant::app
