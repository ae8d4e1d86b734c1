// chooseAutomaticDevice: a real GPU, else a software Vulkan device that can run the model well,
// else the CPU backend.
#include "device_choice.h"

#include <QCoreApplication>

#include <algorithm>

namespace confidant::app {
namespace {

uint64_t largestDeviceLocalHeap(const inference::VulkanDeviceInfo& device) {
    uint64_t largest = 0;
    for (const inference::VulkanMemoryHeap& heap : device.heaps)
        if (heap.deviceLocal) largest = std::max(largest, heap.size);
    return largest;
}

}  // namespace

DeviceChoice chooseAutomaticDevice(const std::vector<inference::VulkanDeviceInfo>& devices, int gpuIndex,
                                   uint64_t modelBytes) {
    DeviceChoice choice;
    if (gpuIndex >= 0) return choice;  // the user named a device
    const inference::VulkanDeviceInfo* software = nullptr;
    for (const inference::VulkanDeviceInfo& d : devices) {
        if (!d.usable) continue;
        if (d.type != "cpu") return choice;  // a real GPU is there
        if (!software) software = &d;
    }
    if (!software) return choice;  // nothing usable: the Vulkan path reports why
    const QString name = QString::fromStdString(software->name);
    if (!software->subgroupShuffle) {
        choice.useCpu = true;
        choice.note = QCoreApplication::translate(
                          "confidant::app::DeviceChoice",
                          "The only Vulkan device, %1, is a software renderer without the subgroup shuffles that "
                          "Confidant's kernels for such devices need; the CPU backend is faster, so it is used. "
                          "To use the Vulkan device anyway, choose “The GPU, always” or its index in Settings.")
                          .arg(name);
        return choice;
    }
    const uint64_t memory = largestDeviceLocalHeap(*software);
    if (memory > 0 && modelBytes > memory) {
        choice.useCpu = true;
        choice.note = QCoreApplication::translate(
                          "confidant::app::DeviceChoice",
                          "The only Vulkan device, %1, is a software renderer whose %2 MiB of memory cannot hold "
                          "this %3 MiB model, so the CPU backend is used.")
                          .arg(name)
                          .arg(memory >> 20)
                          .arg(modelBytes >> 20);
        return choice;
    }
    choice.note = QCoreApplication::translate(
                      "confidant::app::DeviceChoice",
                      "No GPU was found: the model runs on %1, a software renderer that computes on the "
                      "processor. Replies come much slower than on a GPU.")
                      .arg(name);
    return choice;
}

}  // namespace confidant::app
