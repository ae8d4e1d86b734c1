// Which backend "Automatic" means on this machine. A Vulkan device of the CPU type (lavapipe,
// SwiftShader) runs models slower than the CPU backend, so when it is all there is, Automatic
// loads on the CPU and says why; a device the user picked is always honoured.
#pragma once

#include <QString>

#include <vector>

#include "vulkan/vulkan_devices.h"

namespace confidant::app {

struct DeviceChoice {
    bool useCpu = false;
    QString note;  // shown with the load result when the choice is not the obvious one
};

// `devices`: what listVulkanDevices reported; `gpuIndex`: Settings' GPU index (-1: the best).
DeviceChoice chooseAutomaticDevice(const std::vector<inference::VulkanDeviceInfo>& devices, int gpuIndex);

}  // namespace confidant::app
