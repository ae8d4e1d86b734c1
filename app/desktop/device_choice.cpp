// chooseAutomaticDevice: software Vulkan devices lose to the CPU backend.
#include "device_choice.h"

#include <QCoreApplication>

namespace confidant::app {

DeviceChoice chooseAutomaticDevice(const std::vector<inference::VulkanDeviceInfo>& devices, int gpuIndex) {
    DeviceChoice choice;
    if (gpuIndex >= 0) return choice;  // the user named a device
    const inference::VulkanDeviceInfo* software = nullptr;
    for (const inference::VulkanDeviceInfo& d : devices) {
        if (!d.usable) continue;
        if (d.type != "cpu") return choice;  // a real GPU is there
        if (!software) software = &d;
    }
    if (!software) return choice;  // nothing usable: the Vulkan path reports why
    choice.useCpu = true;
    choice.note = QCoreApplication::translate(
                      "confidant::app::DeviceChoice",
                      "The only Vulkan device, %1, is a software renderer that runs on the processor; the CPU backend "
                      "is faster, so it is used. To use the Vulkan device anyway, choose “The GPU, always” or "
                      "its index in Settings.")
                      .arg(QString::fromStdString(software->name));
    return choice;
}

}  // namespace confidant::app
