// What the machine's Vulkan devices are, for `confidant-cli devices` and the app's settings.
// This header is the Vulkan backend's public face besides createVulkanBackend: no Vulkan types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace confidant::inference {

struct VulkanMemoryHeap {
    uint64_t size = 0;
    uint64_t budget = 0;  // what this process may still use (VK_EXT_memory_budget), 0 when unknown
    bool deviceLocal = false;
};

struct VulkanDeviceInfo {
    uint32_t index = 0;          // what --device takes
    std::string name;
    std::string type;            // "discrete", "integrated", "virtual", "cpu", "other"
    std::string driver;          // driver name and version
    std::string apiVersion;      // "1.3.239"
    std::vector<VulkanMemoryHeap> heaps;
    uint32_t subgroupSize = 0;
    bool subgroupShuffle = false;    // subgroupShuffle() in compute shaders
    bool fp16Arithmetic = false;     // shaderFloat16
    bool int8Arithmetic = false;     // shaderInt8
    bool storage16Bit = false;       // storageBuffer16BitAccess
    bool memoryBudget = false;       // VK_EXT_memory_budget
    uint64_t maxStorageBufferRange = 0;
    uint64_t maxMemoryAllocationSize = 0;
    uint32_t maxComputeSharedMemory = 0;
    uint32_t maxWorkgroupInvocations = 0;
    bool usable = true;          // has what Confidant needs
    std::string unusableReason;  // why not, when !usable
    bool preferred = false;      // the device chosen when none is named
};

// Every device the Vulkan loader reports; an Error when there is no loader or no device at all.
Result<std::vector<VulkanDeviceInfo>> listVulkanDevices();

}  // namespace confidant::inference
