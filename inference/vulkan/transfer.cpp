// The staging ring. Pieces are packed into the current slot; a full slot is submitted and the next
// one is taken, waiting on its fence only if the device has not finished copying it yet.
#include "vulkan/transfer.h"

#include <cstring>
#include <mutex>
#include <vector>

namespace confidant::inference::vulkan {

struct Transfer::Ring {
    struct Slot {
        OneShotCommands commands;
        Buffer staging;
        VkCommandBuffer recording = VK_NULL_HANDLE;  // copies recorded, not yet submitted
        VkDeviceSize used = 0;                        // bytes of staging the recorded copies read
    };

    const Device* device = nullptr;
    VkDeviceSize slotBytes = 0;
    uint32_t slotCount = 0;
    std::mutex mutex;
    std::vector<Slot> slots;  // empty until the first transfer and after releaseStaging()
    uint32_t current = 0;

    ~Ring() {
        // Unsubmitted copies are dropped with their command pools; submitted ones must end first.
        for (Slot& slot : slots) (void)slot.commands.wait();
    }

    Result<void> ensureSlots() {
        if (!slots.empty()) return {};
        std::vector<Slot> made(slotCount);
        for (Slot& slot : made) {
            auto commands = OneShotCommands::create(*device);
            if (!commands) return commands.error();
            slot.commands = std::move(*commands);
            auto staging = Buffer::create(*device, slotBytes, MemoryKind::Upload,
                                          "a staging buffer of " + std::to_string(slotBytes >> 10) + " KiB");
            if (!staging) return staging.error();
            slot.staging = std::move(*staging);
        }
        slots = std::move(made);
        current = 0;
        return {};
    }

    Result<void> submitCurrent() {
        Slot& slot = slots[current];
        const VkCommandBuffer cb = slot.recording;
        slot.recording = VK_NULL_HANDLE;
        slot.used = 0;
        current = (current + 1) % slotCount;
        return slot.commands.submit(cb);
    }

    // The slot with `size` bytes free, recording; submits the current one first if it is full.
    Result<Slot*> acquire(VkDeviceSize size) {
        if (slots[current].recording != VK_NULL_HANDLE && slots[current].used + size > slotBytes)
            if (auto submitted = submitCurrent(); !submitted) return submitted.error();
        Slot& slot = slots[current];
        if (slot.recording == VK_NULL_HANDLE) {
            if (auto done = slot.commands.wait(); !done) return done.error();
            auto cb = slot.commands.begin();
            if (!cb) return cb.error();
            slot.recording = *cb;
            slot.used = 0;
        }
        return &slot;
    }

    Result<void> enqueue(const Buffer& dst, VkDeviceSize size, std::span<const VkBufferCopy> copies,
                         const std::function<void(uint8_t*)>& fill) {
        if (size > slotBytes)
            return makeError("a piece of " + std::to_string(size) + " bytes does not fit the staging slots of " +
                             std::to_string(slotBytes) + " bytes (split it)");
        if (auto ready = ensureSlots(); !ready) return ready;
        auto slot = acquire(size);
        if (!slot) return slot.error();
        Slot& s = **slot;
        fill(static_cast<uint8_t*>(s.staging.mapped()) + s.used);
        std::vector<VkBufferCopy> regions(copies.begin(), copies.end());
        for (VkBufferCopy& region : regions) region.srcOffset += s.used;
        if (!regions.empty())
            vkCmdCopyBuffer(s.recording, s.staging.get(), dst.get(), uint32_t(regions.size()), regions.data());
        s.used += (size + 15) / 16 * 16;
        return {};
    }

    Result<void> enqueueBytes(const Buffer& dst, std::span<const uint8_t> bytes, VkDeviceSize offset) {
        for (VkDeviceSize at = 0; at < bytes.size(); at += slotBytes) {
            const VkDeviceSize piece = std::min<VkDeviceSize>(slotBytes, bytes.size() - at);
            const VkBufferCopy region{0, offset + at, piece};
            auto queued = enqueue(dst, piece, {&region, 1},
                                  [&](uint8_t* staging) { std::memcpy(staging, bytes.data() + at, piece); });
            if (!queued) return queued;
        }
        return {};
    }

    Result<void> finish() {
        if (slots.empty()) return {};
        Result<void> result;
        if (slots[current].recording != VK_NULL_HANDLE) result = submitCurrent();
        for (Slot& slot : slots)
            if (auto done = slot.commands.wait(); !done && result) result = done;
        return result;
    }
};

Result<Transfer> Transfer::create(const Device& device, VkDeviceSize slotBytes, uint32_t slots) {
    if (slotBytes < 16 || slots == 0) return makeError("the staging ring needs at least one slot of 16 bytes");
    Transfer t;
    t.m_ring->device = &device;
    t.m_ring->slotBytes = slotBytes / 16 * 16;
    t.m_ring->slotCount = slots;
    return t;
}

Transfer::Transfer() : m_ring(std::make_unique<Ring>()) {}
Transfer::Transfer(Transfer&&) noexcept = default;
Transfer& Transfer::operator=(Transfer&&) noexcept = default;
Transfer::~Transfer() = default;

VkDeviceSize Transfer::slotBytes() const { return m_ring->slotBytes; }

Result<void> Transfer::enqueue(const Buffer& dst, VkDeviceSize size, std::span<const VkBufferCopy> copies,
                               const std::function<void(uint8_t*)>& fill) {
    const std::lock_guard lock(m_ring->mutex);
    return m_ring->enqueue(dst, size, copies, fill);
}

Result<void> Transfer::enqueue(const Buffer& dst, std::span<const uint8_t> bytes, VkDeviceSize offset) {
    const std::lock_guard lock(m_ring->mutex);
    return m_ring->enqueueBytes(dst, bytes, offset);
}

Result<void> Transfer::finish() {
    const std::lock_guard lock(m_ring->mutex);
    return m_ring->finish();
}

Result<void> Transfer::upload(const Buffer& dst, std::span<const uint8_t> bytes, VkDeviceSize offset) {
    const std::lock_guard lock(m_ring->mutex);
    auto queued = m_ring->enqueueBytes(dst, bytes, offset);
    auto done = m_ring->finish();  // also when queueing failed: nothing may stay in flight
    return queued ? done : queued;
}

Result<void> Transfer::download(const Buffer& src, std::span<uint8_t> out, VkDeviceSize offset) {
    if (out.empty()) return {};
    const std::lock_guard lock(m_ring->mutex);
    Ring& ring = *m_ring;
    if (auto done = ring.finish(); !done) return done;
    if (auto ready = ring.ensureSlots(); !ready) return ready;
    Ring::Slot& slot = ring.slots[ring.current];
    for (VkDeviceSize at = 0; at < out.size(); at += ring.slotBytes) {
        const VkDeviceSize piece = std::min<VkDeviceSize>(ring.slotBytes, out.size() - at);
        auto copied = slot.commands.run([&](VkCommandBuffer cb) {
            const VkBufferCopy region{offset + at, 0, piece};
            vkCmdCopyBuffer(cb, src.get(), slot.staging.get(), 1, &region);
        });
        if (!copied) return copied;
        if (auto visible = slot.staging.invalidate(); !visible) return visible;
        std::memcpy(out.data() + at, slot.staging.mapped(), piece);
    }
    return {};
}

void Transfer::releaseStaging() {
    const std::lock_guard lock(m_ring->mutex);
    (void)m_ring->finish();
    m_ring->slots.clear();
}

}  // namespace confidant::inference::vulkan
