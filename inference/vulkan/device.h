// The Vulkan instance, the chosen physical device, its logical device and compute queue: the
// root that every other Vulkan object of the backend is made from. Created once per backend.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "vulkan/vk_common.h"
#include "vulkan_devices.h"

namespace confidant::inference::vulkan {

class Instance {
public:
    static Result<Instance> create();
    Instance(Instance&& other) noexcept : m_instance(std::exchange(other.m_instance, VK_NULL_HANDLE)) {}
    Instance& operator=(Instance&&) = delete;
    Instance(const Instance&) = delete;
    ~Instance();
    VkInstance get() const { return m_instance; }

private:
    explicit Instance(VkInstance instance) : m_instance(instance) {}
    VkInstance m_instance = VK_NULL_HANDLE;
};

class Device {
public:
    // deviceIndex < 0 picks the best usable device (discrete > integrated > virtual > CPU).
    static Result<std::unique_ptr<Device>> create(int deviceIndex);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    VkDevice get() const { return m_device; }
    VkPhysicalDevice physical() const { return m_physical; }
    VkQueue queue() const { return m_queue; }
    uint32_t queueFamily() const { return m_queueFamily; }
    const VkPhysicalDeviceProperties& properties() const { return m_properties; }
    const VulkanDeviceInfo& info() const { return m_info; }
    bool isCpu() const { return m_properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU; }
    uint64_t maxStorageBufferRange() const { return m_properties.limits.maxStorageBufferRange; }

    // A memory type allowed by `typeBits` with all `required` flags, preferring `preferred` ones;
    // -1 when none.
    int memoryType(uint32_t typeBits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const;
    // Bytes of device-local memory this process may still allocate (the budget when the driver
    // reports one, otherwise the largest device-local heap).
    uint64_t availableDeviceMemory() const;
    // vkQueueSubmit needs the queue externally synchronized: contexts on several threads share it.
    std::mutex& queueMutex() const { return m_queueMutex; }

private:
    Device(Instance instance) : m_instance(std::move(instance)) {}

    Instance m_instance;  // declared first: destroyed last
    VkPhysicalDevice m_physical = VK_NULL_HANDLE;
    VkDevice m_device = VK_NULL_HANDLE;
    VkQueue m_queue = VK_NULL_HANDLE;
    uint32_t m_queueFamily = 0;
    VkPhysicalDeviceProperties m_properties{};
    VkPhysicalDeviceMemoryProperties m_memory{};
    VulkanDeviceInfo m_info;
    mutable std::mutex m_queueMutex;
};

}  // namespace confidant::inference::vulkan
