// Moving bytes between the host and device-local buffers through one reusable staging buffer.
// Thread-safe: contexts on several threads may upload (RoPE tables) through the backend's Transfer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>

#include "vulkan/buffer.h"

namespace confidant::inference::vulkan {

class Transfer {
public:
    static Result<Transfer> create(const Device& device);

    // Fills `size` bytes at `offset` of `dst`: `fill` writes them into staging memory (so that
    // repacking happens straight into the staging buffer), then the device copies them.
    Result<void> upload(const Buffer& dst, VkDeviceSize offset, VkDeviceSize size, const std::function<void(uint8_t*)>& fill);
    Result<void> upload(const Buffer& dst, std::span<const uint8_t> bytes, VkDeviceSize offset = 0);
    // Copies `out.size()` bytes from `offset` of `src` into `out`.
    Result<void> download(const Buffer& src, std::span<uint8_t> out, VkDeviceSize offset = 0);
    // Frees the staging buffer (after the weights are up: it can be as large as a weight chunk).
    void releaseStaging();

private:
    Result<void> ensureStaging(VkDeviceSize size);

    const Device* m_device = nullptr;
    std::unique_ptr<std::mutex> m_mutex = std::make_unique<std::mutex>();
    OneShotCommands m_commands;
    Buffer m_staging;
};

}  // namespace confidant::inference::vulkan
