// Which backend "Automatic" means on this machine. A real GPU wins. When the only Vulkan devices
// are software ones (CPU-type: lavapipe, SwiftShader), Automatic always loads on the fast CPU
// backend (inference/cpu/), which does the same work without a renderer in between, and says so.
// A device the user picked is always honoured.
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
// `modelBytes`: the model file's size (for the integrated-GPU probe to come; unused by the rule).
DeviceChoice chooseAutomaticDevice(const std::vector<inference::VulkanDeviceInfo>& devices, int gpuIndex,
                                   uint64_t modelBytes);

}  // namespace confidant::app
