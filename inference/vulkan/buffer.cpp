// Buffer allocation (one allocation per buffer; large tensors are split by the weight store so
// that no buffer exceeds maxStorageBufferRange) and one-shot submissions.
#include "vulkan/buffer.h"

namespace confidant::inference::vulkan {

Result<Buffer> Buffer::create(const Device& device, VkDeviceSize size, MemoryKind kind, const std::string& what) {
    Buffer b;
    b.m_device = device.get();
    b.m_size = size;
    VkBufferCreateInfo create{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    create.size = std::max<VkDeviceSize>(size, 4);
    create.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    create.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkBuffer buffer = VK_NULL_HANDLE;
    if (VkResult r = vkCreateBuffer(device.get(), &create, nullptr, &buffer); r != VK_SUCCESS)
        return vkError("creating " + what, r);
    b.m_buffer = BufferHandle(device.get(), buffer);

    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(device.get(), buffer, &requirements);
    const VkMemoryPropertyFlags hostVisible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
    int type = -1;
    bool map = kind != MemoryKind::DeviceLocal;
    switch (kind) {
        case MemoryKind::DeviceLocal:
            type = device.memoryType(requirements.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
            break;
        case MemoryKind::DeviceLocalWritable: {
            const VkMemoryPropertyFlags writable =
                VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | hostVisible | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
            // Discrete GPUs may offer such memory too (resizable BAR), but there host writes cross
            // the bus uncached: the staging path is the safer default for them.
            const bool unified = device.isCpu() || device.properties().deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU;
            type = unified ? device.memoryType(requirements.memoryTypeBits, writable, 0) : -1;
            if (type < 0) {
                map = false;
                type = device.memoryType(requirements.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
            }
            break;
        }
        case MemoryKind::Upload:
            type = device.memoryType(requirements.memoryTypeBits, hostVisible | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
            break;
        case MemoryKind::Readback:
            type = device.memoryType(requirements.memoryTypeBits, hostVisible, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
            break;
    }
    if (type < 0) return makeError("the device offers no suitable memory type for " + what);

    VkMemoryAllocateInfo allocate{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocate.allocationSize = requirements.size;
    allocate.memoryTypeIndex = uint32_t(type);
    VkDeviceMemory memory = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateMemory(device.get(), &allocate, nullptr, &memory); r != VK_SUCCESS)
        return vkError("allocating " + std::to_string(requirements.size >> 20) + " MiB for " + what, r);
    b.m_memory = MemoryHandle(device.get(), memory);
    if (VkResult r = vkBindBufferMemory(device.get(), buffer, memory, 0); r != VK_SUCCESS)
        return vkError("binding memory to " + what, r);

    VkPhysicalDeviceMemoryProperties properties;
    vkGetPhysicalDeviceMemoryProperties(device.physical(), &properties);
    const VkMemoryPropertyFlags flags = properties.memoryTypes[type].propertyFlags;
    b.m_coherent = (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    if (map) {
        if (VkResult r = vkMapMemory(device.get(), memory, 0, VK_WHOLE_SIZE, 0, &b.m_mapped); r != VK_SUCCESS)
            return vkError("mapping " + what, r);
    }
    return b;
}

Result<void> Buffer::invalidate() const {
    if (m_coherent || !m_mapped) return {};
    VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE};
    range.memory = m_memory.get();
    range.size = VK_WHOLE_SIZE;
    if (VkResult r = vkInvalidateMappedMemoryRanges(m_device, 1, &range); r != VK_SUCCESS)
        return vkError("reading results back from the device", r);
    return {};
}

Result<OneShotCommands> OneShotCommands::create(const Device& device) {
    OneShotCommands c;
    c.m_device = &device;
    VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    pool.queueFamilyIndex = device.queueFamily();
    VkCommandPool handle = VK_NULL_HANDLE;
    if (VkResult r = vkCreateCommandPool(device.get(), &pool, nullptr, &handle); r != VK_SUCCESS)
        return vkError("creating a command pool", r);
    c.m_pool = CommandPoolHandle(device.get(), handle);
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fenceHandle = VK_NULL_HANDLE;
    if (VkResult r = vkCreateFence(device.get(), &fence, nullptr, &fenceHandle); r != VK_SUCCESS)
        return vkError("creating a fence", r);
    c.m_fence = FenceHandle(device.get(), fenceHandle);
    return c;
}

Result<VkCommandBuffer> OneShotCommands::begin() {
    vkResetCommandPool(m_device->get(), m_pool.get(), 0);
    VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate.commandPool = m_pool.get();
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = 1;
    VkCommandBuffer cb = VK_NULL_HANDLE;
    if (VkResult r = vkAllocateCommandBuffers(m_device->get(), &allocate, &cb); r != VK_SUCCESS)
        return vkError("allocating a command buffer", r);
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    if (VkResult r = vkBeginCommandBuffer(cb, &begin); r != VK_SUCCESS) return vkError("recording commands", r);
    return cb;
}

Result<void> OneShotCommands::submit(VkCommandBuffer cb) {
    if (VkResult r = vkEndCommandBuffer(cb); r != VK_SUCCESS) return vkError("recording commands", r);
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cb;
    VkFence fence = m_fence.get();
    vkResetFences(m_device->get(), 1, &fence);
    const std::lock_guard lock(m_device->queueMutex());
    if (VkResult r = vkQueueSubmit(m_device->queue(), 1, &submit, fence); r != VK_SUCCESS)
        return vkError("submitting work to the device", r);
    m_pending = true;
    return {};
}

Result<void> OneShotCommands::wait() {
    if (!m_pending) return {};
    m_pending = false;  // on failure too: the device is lost, waiting again would not help
    VkFence fence = m_fence.get();
    if (VkResult r = vkWaitForFences(m_device->get(), 1, &fence, VK_TRUE, UINT64_MAX); r != VK_SUCCESS)
        return vkError("waiting for the device", r);
    return {};
}

}  // namespace confidant::inference::vulkan
