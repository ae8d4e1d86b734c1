// chooseAutomaticDevice: a real GPU, else the fast CPU backend (never a software Vulkan device).
#include "device_choice.h"

#include <QCoreApplication>

namespace confidant::app {

DeviceChoice chooseAutomaticDevice(const std::vector<inference::VulkanDeviceInfo>& devices, int gpuIndex,
                                   uint64_t /*modelBytes*/) {
    DeviceChoice choice;
    if (gpuIndex >= 0) return choice;  // the user named a device
    const inference::VulkanDeviceInfo* software = nullptr;
    for (const inference::VulkanDeviceInfo& d : devices) {
        if (!d.usable) continue;
        if (d.type != "cpu") return choice;  // a real GPU is there
        if (!software) software = &d;
    }
    if (!software) return choice;  // nothing usable: the Vulkan path reports why
    // The fast CPU backend runs the same work as a software renderer without the renderer's
    // overheads (its quantized kernels, its own threads), so it is used whenever the only Vulkan
    // devices compute on the processor: whatever the device's shuffles or memory.
    choice.useCpu = true;
    choice.note = QCoreApplication::translate(
                      "confidant::app::DeviceChoice",
                      "No GPU was found: the only Vulkan device, %1, is a software renderer that computes on the "
                      "processor, and Confidant's CPU backend is faster there, so the model runs on the CPU. "
                      "To use the Vulkan device anyway, choose “The GPU, always” or its index in Settings.")
                      .arg(QString::fromStdString(software->name));
    return choice;
}

}  // namespace confidant::app
