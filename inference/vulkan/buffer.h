// A storage buffer with its own memory allocation, and one-shot command submission for uploads.
#pragma once

#include <string>

#include "vulkan/device.h"

namespace confidant::inference::vulkan {

enum class MemoryKind {
    DeviceLocal,  // weights, KV cache, activations
    // Device-local and, where the device's memory is the host's (CPU and integrated devices),
    // mapped so that the host writes it in place (weights: no staging copy); unmapped elsewhere.
    DeviceLocalWritable,
    Upload,       // host-visible, written by the CPU (staging, per-step inputs)
    Readback,     // host-visible, read by the CPU (logits)
};

class Buffer {
public:
    Buffer() = default;
    // `what` names the buffer in the error message ("the KV cache of layer 3").
    static Result<Buffer> create(const Device& device, VkDeviceSize size, MemoryKind kind, const std::string& what);

    VkBuffer get() const { return m_buffer.get(); }
    VkDeviceSize size() const { return m_size; }
    // Host pointer for Upload and Readback buffers (and DeviceLocalWritable ones on unified memory),
    // else null.
    void* mapped() const { return m_mapped; }
    // Makes device writes visible to mapped() reads on non-coherent memory.
    Result<void> invalidate() const;

private:
    VkDevice m_device = VK_NULL_HANDLE;
    MemoryHandle m_memory;  // declared before the buffer: destroyed after it
    BufferHandle m_buffer;
    VkDeviceSize m_size = 0;
    void* m_mapped = nullptr;
    bool m_coherent = true;
};

// A command pool and fence for one command buffer at a time: recorded, submitted, waited on (weight
// uploads through the staging ring, tests). Not thread-safe; its owner serialises the calls.
class OneShotCommands {
public:
    static Result<OneShotCommands> create(const Device& device);
    // Records with `record` into a fresh command buffer, submits, and waits.
    template <typename F>
    Result<void> run(F&& record) {
        auto cb = begin();
        if (!cb) return cb.error();
        record(*cb);
        if (auto submitted = submit(*cb); !submitted) return submitted;
        return wait();
    }
    // A fresh command buffer, recording (the previous one must be waited on).
    Result<VkCommandBuffer> begin();
    // Ends and submits `cb` with the fence; returns without waiting.
    Result<void> submit(VkCommandBuffer cb);
    // Waits for the last submission (returns at once when nothing was submitted since).
    Result<void> wait();
    bool pending() const { return m_pending; }

private:
    const Device* m_device = nullptr;
    CommandPoolHandle m_pool;
    FenceHandle m_fence;
    bool m_pending = false;
};

}  // namespace confidant::inference::vulkan
