// Instance and device set-up, device description and choice. Every failure names what is missing.
#include "vulkan/device.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace confidant::inference::vulkan {
namespace {

constexpr uint32_t k_minimumApi = VK_API_VERSION_1_1;  // subgroup properties, memory properties 2

std::string versionText(uint32_t v) {
    return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
           std::to_string(VK_API_VERSION_PATCH(v));
}

std::string typeName(VkPhysicalDeviceType type) {
    switch (type) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
        default: return "other";
    }
}

int typeRank(VkPhysicalDeviceType type) {
    switch (type) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return 1;
        default: return 0;
    }
}

bool hasExtension(VkPhysicalDevice device, const char* name) {
    uint32_t count = 0;
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> extensions(count);
    vkEnumerateDeviceExtensionProperties(device, nullptr, &count, extensions.data());
    return std::any_of(extensions.begin(), extensions.end(),
                       [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, name) == 0; });
}

// The first queue family that can run compute work, or -1.
int computeQueueFamily(VkPhysicalDevice device) {
    uint32_t count = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(device, &count, families.data());
    for (uint32_t i = 0; i < count; ++i)
        if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return int(i);
    return -1;
}

VulkanDeviceInfo describe(VkPhysicalDevice device, uint32_t index) {
    VulkanDeviceInfo info;
    info.index = index;
    VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES, &driver};
    VkPhysicalDeviceProperties2 properties{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &subgroup};
    VkPhysicalDeviceProperties basic{};
    vkGetPhysicalDeviceProperties(device, &basic);
    const bool api12 = basic.apiVersion >= VK_API_VERSION_1_2;
    if (!api12) subgroup.pNext = nullptr;  // the driver properties struct is core only from 1.2
    vkGetPhysicalDeviceProperties2(device, &properties);
    const VkPhysicalDeviceProperties& p = properties.properties;
    info.name = p.deviceName;
    info.type = typeName(p.deviceType);
    info.apiVersion = versionText(p.apiVersion);
    info.driver = api12 ? std::string(driver.driverName) + " " + driver.driverInfo
                        : "driver version " + std::to_string(p.driverVersion);
    info.subgroupSize = subgroup.subgroupSize;
    info.subgroupShuffle = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                           (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT);
    info.maxStorageBufferRange = p.limits.maxStorageBufferRange;
    info.maxComputeSharedMemory = p.limits.maxComputeSharedMemorySize;
    info.maxWorkgroupInvocations = p.limits.maxComputeWorkGroupInvocations;

    VkPhysicalDeviceMaintenance3Properties maintenance3{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
    VkPhysicalDeviceProperties2 properties3{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &maintenance3};
    vkGetPhysicalDeviceProperties2(device, &properties3);
    info.maxMemoryAllocationSize = maintenance3.maxMemoryAllocationSize;

    if (api12) {
        VkPhysicalDeviceShaderFloat16Int8Features float16Int8{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
        VkPhysicalDevice16BitStorageFeatures storage16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
                                                       &float16Int8};
        VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &storage16};
        vkGetPhysicalDeviceFeatures2(device, &features);
        info.fp16Arithmetic = float16Int8.shaderFloat16;
        info.int8Arithmetic = float16Int8.shaderInt8;
        info.storage16Bit = storage16.storageBuffer16BitAccess;
    }

    info.memoryBudget = hasExtension(device, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
    VkPhysicalDeviceMemoryProperties2 memory{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2,
                                             info.memoryBudget ? &budget : nullptr};
    vkGetPhysicalDeviceMemoryProperties2(device, &memory);
    for (uint32_t h = 0; h < memory.memoryProperties.memoryHeapCount; ++h) {
        const VkMemoryHeap& heap = memory.memoryProperties.memoryHeaps[h];
        const uint64_t available = budget.heapBudget[h] > budget.heapUsage[h] ? budget.heapBudget[h] - budget.heapUsage[h] : 0;
        info.heaps.push_back({heap.size, info.memoryBudget ? available : 0,
                              (heap.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0});
    }

    if (p.apiVersion < k_minimumApi) {
        info.usable = false;
        info.unusableReason = "supports Vulkan " + info.apiVersion + " only; Confidant needs 1.1 or later";
    } else if (computeQueueFamily(device) < 0) {
        info.usable = false;
        info.unusableReason = "has no compute queue";
    } else if (p.limits.maxComputeSharedMemorySize < 16384) {
        info.usable = false;
        info.unusableReason = "offers " + std::to_string(p.limits.maxComputeSharedMemorySize) +
                              " bytes of compute shared memory; Confidant needs 16384";
    } else if (p.limits.maxComputeWorkGroupInvocations < 64) {
        info.usable = false;
        info.unusableReason = "allows fewer than 64 invocations per workgroup";
    }
    return info;
}

Result<std::vector<VkPhysicalDevice>> physicalDevices(VkInstance instance) {
    uint32_t count = 0;
    if (VkResult r = vkEnumeratePhysicalDevices(instance, &count, nullptr); r != VK_SUCCESS)
        return vkError("listing the Vulkan devices", r);
    if (count == 0)
        return makeError("the Vulkan loader found no device: install a Vulkan driver for the GPU (or mesa-vulkan-drivers "
                         "for the lavapipe CPU driver), or use --backend cpu");
    std::vector<VkPhysicalDevice> devices(count);
    if (VkResult r = vkEnumeratePhysicalDevices(instance, &count, devices.data()); r != VK_SUCCESS && r != VK_INCOMPLETE)
        return vkError("listing the Vulkan devices", r);
    devices.resize(count);
    return devices;
}

// Index of the best usable device: discrete > integrated > virtual > CPU, then the most memory.
int preferredDevice(const std::vector<VkPhysicalDevice>& devices, const std::vector<VulkanDeviceInfo>& infos) {
    int best = -1;
    auto key = [&](int i) {
        VkPhysicalDeviceProperties p;
        vkGetPhysicalDeviceProperties(devices[size_t(i)], &p);
        uint64_t local = 0;
        for (const auto& heap : infos[size_t(i)].heaps)
            if (heap.deviceLocal) local = std::max(local, heap.size);
        return std::pair(typeRank(p.deviceType), local);
    };
    for (int i = 0; i < int(devices.size()); ++i)
        if (infos[size_t(i)].usable && (best < 0 || key(i) > key(best))) best = i;
    return best;
}

}  // namespace

Result<Instance> Instance::create() {
    uint32_t loaderVersion = 0;
    if (vkEnumerateInstanceVersion(&loaderVersion) != VK_SUCCESS || loaderVersion < k_minimumApi)
        return makeError("the Vulkan loader is missing or older than Vulkan 1.1: install libvulkan1 and a Vulkan "
                         "driver, or use --backend cpu");
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "Confidant";
    app.pEngineName = "Confidant";
    app.apiVersion = std::min<uint32_t>(loaderVersion, VK_API_VERSION_1_3);
    VkInstanceCreateInfo create{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    create.pApplicationInfo = &app;
    VkInstance instance = VK_NULL_HANDLE;
    if (VkResult r = vkCreateInstance(&create, nullptr, &instance); r != VK_SUCCESS)
        return vkError("creating the Vulkan instance", r);
    return Instance(instance);
}

Instance::~Instance() {
    if (m_instance != VK_NULL_HANDLE) vkDestroyInstance(m_instance, nullptr);
}

Result<std::unique_ptr<Device>> Device::create(int deviceIndex) {
    auto instance = Instance::create();
    if (!instance) return instance.error();
    std::unique_ptr<Device> d(new Device(std::move(*instance)));
    auto devices = physicalDevices(d->m_instance.get());
    if (!devices) return devices.error();
    std::vector<VulkanDeviceInfo> infos;
    for (uint32_t i = 0; i < devices->size(); ++i) infos.push_back(describe((*devices)[i], i));

    int chosen = deviceIndex;
    if (deviceIndex >= int(devices->size()))
        return makeError("there is no Vulkan device " + std::to_string(deviceIndex) + "; there are " +
                         std::to_string(devices->size()) + " (see confidant-cli devices)");
    if (deviceIndex >= 0 && !infos[size_t(deviceIndex)].usable)
        return makeError("Vulkan device " + std::to_string(deviceIndex) + " (" + infos[size_t(deviceIndex)].name + ") " +
                         infos[size_t(deviceIndex)].unusableReason);
    if (deviceIndex < 0) {
        chosen = preferredDevice(*devices, infos);
        if (chosen < 0)
            return makeError("no Vulkan device can run Confidant: the first one (" + infos[0].name + ") " +
                             infos[0].unusableReason + "; use --backend cpu");
    }
    d->m_physical = (*devices)[size_t(chosen)];
    d->m_info = infos[size_t(chosen)];
    d->m_info.preferred = deviceIndex < 0;
    vkGetPhysicalDeviceProperties(d->m_physical, &d->m_properties);
    vkGetPhysicalDeviceMemoryProperties(d->m_physical, &d->m_memory);
    d->m_queueFamily = uint32_t(computeQueueFamily(d->m_physical));

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue.queueFamilyIndex = d->m_queueFamily;
    queue.queueCount = 1;
    queue.pQueuePriorities = &priority;
    std::vector<const char*> extensions;
    if (d->m_info.memoryBudget) extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    VkDeviceCreateInfo create{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    create.queueCreateInfoCount = 1;
    create.pQueueCreateInfos = &queue;
    create.enabledExtensionCount = uint32_t(extensions.size());
    create.ppEnabledExtensionNames = extensions.data();
    if (VkResult r = vkCreateDevice(d->m_physical, &create, nullptr, &d->m_device); r != VK_SUCCESS)
        return vkError("opening the Vulkan device " + d->m_info.name, r);
    vkGetDeviceQueue(d->m_device, d->m_queueFamily, 0, &d->m_queue);
    return d;
}

Device::~Device() {
    if (m_device != VK_NULL_HANDLE) {
        vkDeviceWaitIdle(m_device);
        vkDestroyDevice(m_device, nullptr);
    }
}

int Device::memoryType(uint32_t typeBits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const {
    int fallback = -1;
    for (uint32_t i = 0; i < m_memory.memoryTypeCount; ++i) {
        if (!(typeBits & (1u << i))) continue;
        const VkMemoryPropertyFlags flags = m_memory.memoryTypes[i].propertyFlags;
        if ((flags & required) != required) continue;
        if ((flags & preferred) == preferred) return int(i);
        if (fallback < 0) fallback = int(i);
    }
    return fallback;
}

uint64_t Device::availableDeviceMemory() const {
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
    VkPhysicalDeviceMemoryProperties2 memory{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2,
                                             m_info.memoryBudget ? &budget : nullptr};
    vkGetPhysicalDeviceMemoryProperties2(m_physical, &memory);
    uint64_t best = 0;
    for (uint32_t h = 0; h < memory.memoryProperties.memoryHeapCount; ++h) {
        const VkMemoryHeap& heap = memory.memoryProperties.memoryHeaps[h];
        if (!(heap.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)) continue;
        const uint64_t available = m_info.memoryBudget
                                       ? (budget.heapBudget[h] > budget.heapUsage[h] ? budget.heapBudget[h] - budget.heapUsage[h] : 0)
                                       : isCpu() ? heap.size  // system memory; nothing else draws on the heap
                                                 : heap.size / 10 * 8;  // leave room for the desktop
        best = std::max(best, available);
    }
    return best;
}

}  // namespace confidant::inference::vulkan

namespace confidant::inference {

Result<std::vector<VulkanDeviceInfo>> listVulkanDevices() {
    auto instance = vulkan::Instance::create();
    if (!instance) return instance.error();
    auto devices = vulkan::physicalDevices(instance->get());
    if (!devices) return devices.error();
    std::vector<VulkanDeviceInfo> infos;
    for (uint32_t i = 0; i < devices->size(); ++i) infos.push_back(vulkan::describe((*devices)[i], i));
    const int preferred = vulkan::preferredDevice(*devices, infos);
    if (preferred >= 0) infos[size_t(preferred)].preferred = true;
    return infos;
}

}  // namespace confidant::inference
