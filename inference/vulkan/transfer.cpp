// Staged copies. The staging buffer grows to the largest transfer (at most one weight chunk, so at
// most maxStorageBufferRange) and is reused.
#include "vulkan/transfer.h"

#include <cstring>

namespace confidant::inference::vulkan {

Result<Transfer> Transfer::create(const Device& device) {
    Transfer t;
    t.m_device = &device;
    auto commands = OneShotCommands::create(device);
    if (!commands) return commands.error();
    t.m_commands = std::move(*commands);
    return t;
}

Result<void> Transfer::ensureStaging(VkDeviceSize size) {
    if (m_staging.get() != VK_NULL_HANDLE && m_staging.size() >= size) return {};
    m_staging = Buffer();
    auto staging = Buffer::create(*m_device, size, MemoryKind::Upload, "the staging buffer");
    if (!staging) return staging.error();
    m_staging = std::move(*staging);
    return {};
}

Result<void> Transfer::upload(const Buffer& dst, VkDeviceSize offset, VkDeviceSize size,
                              const std::function<void(uint8_t*)>& fill) {
    if (size == 0) return {};
    const std::lock_guard lock(*m_mutex);
    if (auto ready = ensureStaging(size); !ready) return ready;
    fill(static_cast<uint8_t*>(m_staging.mapped()));
    return m_commands.run([&](VkCommandBuffer cb) {
        const VkBufferCopy region{0, offset, size};
        vkCmdCopyBuffer(cb, m_staging.get(), dst.get(), 1, &region);
    });
}

void Transfer::releaseStaging() {
    const std::lock_guard lock(*m_mutex);
    m_staging = Buffer();
}

Result<void> Transfer::upload(const Buffer& dst, std::span<const uint8_t> bytes, VkDeviceSize offset) {
    return upload(dst, offset, bytes.size(), [&](uint8_t* staging) { std::memcpy(staging, bytes.data(), bytes.size()); });
}

Result<void> Transfer::download(const Buffer& src, std::span<uint8_t> out, VkDeviceSize offset) {
    if (out.empty()) return {};
    const std::lock_guard lock(*m_mutex);
    if (auto ready = ensureStaging(out.size()); !ready) return ready;
    auto copied = m_commands.run([&](VkCommandBuffer cb) {
        const VkBufferCopy region{offset, 0, out.size()};
        vkCmdCopyBuffer(cb, src.get(), m_staging.get(), 1, &region);
    });
    if (!copied) return copied;
    if (auto visible = m_staging.invalidate(); !visible) return visible;
    std::memcpy(out.data(), m_staging.mapped(), out.size());
    return {};
}

}  // namespace confidant::inference::vulkan
