// What a model needs on the device before anything is allocated: weights as repacked, the fp16 KV
// cache for a context, and the scratch of the largest batch; and the message when it does not fit.
#pragma once

#include <cstdint>
#include <string>

#include "model.h"

namespace confidant::inference::vulkan {

struct MemoryPlan {
    uint64_t weights = 0;
    uint64_t kvCache = 0;
    uint64_t scratch = 0;  // activations, attention scores, RoPE tables, step buffers
    uint64_t total() const { return weights + kvCache + scratch; }
};

uint64_t weightBytes(const Model& model, uint64_t maxBufferRange);
MemoryPlan planMemory(const Model& model, uint32_t contextLength, uint32_t maxBatch, uint64_t maxBufferRange);

// "... needs 812 MiB (weights 700 MiB + KV cache 64 MiB for 2048 tokens + scratch 48 MiB) but
// only 512 MiB are free on <device>; ..." with what the user can do about it.
std::string notEnoughMemoryMessage(const MemoryPlan& plan, uint32_t contextLength, uint64_t available,
                                   const std::string& deviceName);

}  // namespace confidant::inference::vulkan
