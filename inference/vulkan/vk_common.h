// Shared by the Vulkan backend's files: VkResult turned into messages (in one place, vk_common.cpp)
// and a move-only owner for every handle created from a VkDevice.
#pragma once

#include <vulkan/vulkan.h>

#include <string>
#include <utility>

#include "result.h"

namespace confidant::inference::vulkan {

// "VK_ERROR_OUT_OF_DEVICE_MEMORY (the device ran out of memory)" and so on.
std::string describeVkResult(VkResult result);

// An Error "<what> failed: <description>", with advice for the results a user can act on.
Error vkError(const std::string& what, VkResult result);

// Exactly one owner for a handle made from a VkDevice; destroyed with `Destroy` when it goes.
template <typename T, void (*Destroy)(VkDevice, T, const VkAllocationCallbacks*)>
class DeviceHandle {
public:
    DeviceHandle() = default;
    DeviceHandle(VkDevice device, T handle) : m_device(device), m_handle(handle) {}
    ~DeviceHandle() { reset(); }
    DeviceHandle(const DeviceHandle&) = delete;
    DeviceHandle& operator=(const DeviceHandle&) = delete;
    DeviceHandle(DeviceHandle&& other) noexcept
        : m_device(other.m_device), m_handle(std::exchange(other.m_handle, VK_NULL_HANDLE)) {}
    DeviceHandle& operator=(DeviceHandle&& other) noexcept {
        if (this != &other) {
            reset();
            m_device = other.m_device;
            m_handle = std::exchange(other.m_handle, VK_NULL_HANDLE);
        }
        return *this;
    }

    T get() const { return m_handle; }
    explicit operator bool() const { return m_handle != VK_NULL_HANDLE; }
    void reset() {
        if (m_handle != VK_NULL_HANDLE) Destroy(m_device, m_handle, nullptr);
        m_handle = VK_NULL_HANDLE;
    }

private:
    VkDevice m_device = VK_NULL_HANDLE;
    T m_handle = VK_NULL_HANDLE;
};

using BufferHandle = DeviceHandle<VkBuffer, vkDestroyBuffer>;
using MemoryHandle = DeviceHandle<VkDeviceMemory, vkFreeMemory>;
using ShaderModuleHandle = DeviceHandle<VkShaderModule, vkDestroyShaderModule>;
using PipelineHandle = DeviceHandle<VkPipeline, vkDestroyPipeline>;
using PipelineLayoutHandle = DeviceHandle<VkPipelineLayout, vkDestroyPipelineLayout>;
using PipelineCacheHandle = DeviceHandle<VkPipelineCache, vkDestroyPipelineCache>;
using DescriptorSetLayoutHandle = DeviceHandle<VkDescriptorSetLayout, vkDestroyDescriptorSetLayout>;
using DescriptorPoolHandle = DeviceHandle<VkDescriptorPool, vkDestroyDescriptorPool>;
using CommandPoolHandle = DeviceHandle<VkCommandPool, vkDestroyCommandPool>;
using FenceHandle = DeviceHandle<VkFence, vkDestroyFence>;

}  // namespace confidant::inference::vulkan
