// Moving bytes between the host and device-local buffers through a ring of staging slots, so that
// the host fills one slot (reading the mmapped file, repacking) while the device copies another.
// Thread-safe: contexts on several threads may upload (RoPE tables) through the backend's Transfer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "vulkan/buffer.h"

namespace confidant::inference::vulkan {

class Transfer {
public:
    static constexpr VkDeviceSize k_defaultSlotBytes = VkDeviceSize(16) << 20;
    static constexpr uint32_t k_defaultSlots = 3;

    // `slots` staging buffers of `slotBytes` each, allocated on first use (1 slot: no overlap).
    static Result<Transfer> create(const Device& device, VkDeviceSize slotBytes = k_defaultSlotBytes,
                                   uint32_t slots = k_defaultSlots);
    Transfer();
    Transfer(Transfer&&) noexcept;
    Transfer& operator=(Transfer&&) noexcept;
    ~Transfer();  // waits for the copies in flight

    VkDeviceSize slotBytes() const;

    // Queues copies into `dst`: `fill` writes `size` bytes (at most slotBytes()) into staging
    // memory, so that repacking happens straight into it, and `copies` (srcOffset relative to
    // those bytes) go to `dst`. Returns once `fill` has run; the device may still be copying:
    // the bytes are in `dst` once finish() has returned, and `dst` must live until then.
    Result<void> enqueue(const Buffer& dst, VkDeviceSize size, std::span<const VkBufferCopy> copies,
                         const std::function<void(uint8_t*)>& fill);
    // Queues `bytes` into `dst` at `offset`, in slot-sized pieces (same contract as enqueue).
    Result<void> enqueue(const Buffer& dst, std::span<const uint8_t> bytes, VkDeviceSize offset = 0);
    // Submits what is queued and waits until every queued copy is done.
    Result<void> finish();

    // Blocking: the bytes are in `dst` on return.
    Result<void> upload(const Buffer& dst, std::span<const uint8_t> bytes, VkDeviceSize offset = 0);
    // Copies `out.size()` bytes from `offset` of `src` into `out` (after finishing queued uploads).
    Result<void> download(const Buffer& src, std::span<uint8_t> out, VkDeviceSize offset = 0);
    // Waits for queued copies and frees the staging slots (after the weights are up); the next
    // transfer allocates them again.
    void releaseStaging();

private:
    struct Ring;
    std::unique_ptr<Ring> m_ring;
};

}  // namespace confidant::inference::vulkan
