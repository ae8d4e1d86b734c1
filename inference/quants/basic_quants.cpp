// Dequantizers for the float types and the simple 32-element block types Q4_0 and Q8_0.
#include "quants/quants.h"

#include <cstring>

#include "tensor_type.h"

namespace confidant::inference::quants {

void dequantizeF32(const void* src, float* dst, size_t count) {
    std::memcpy(dst, src, count * sizeof(float));
}

void dequantizeF16(const void* src, float* dst, size_t count) {
    const auto* h = static_cast<const uint16_t*>(src);
    for (size_t i = 0; i < count; ++i) dst[i] = fp16ToFp32(h[i]);
}

void dequantizeBF16(const void* src, float* dst, size_t count) {
    const auto* h = static_cast<const uint16_t*>(src);
    for (size_t i = 0; i < count; ++i) dst[i] = bf16ToFp32(h[i]);
}

void dequantizeQ4_0(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ4_0*>(src);
    for (size_t b = 0; b < count / 32; ++b) {
        const float d = fp16ToFp32(blocks[b].d);
        for (int j = 0; j < 16; ++j) {
            dst[b * 32 + j] = d * (float(blocks[b].qs[j] & 0x0F) - 8.0f);
            dst[b * 32 + j + 16] = d * (float(blocks[b].qs[j] >> 4) - 8.0f);
        }
    }
}

void dequantizeQ8_0(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ8_0*>(src);
    for (size_t b = 0; b < count / 32; ++b) {
        const float d = fp16ToFp32(blocks[b].d);
        for (int j = 0; j < 32; ++j) dst[b * 32 + j] = d * float(blocks[b].qs[j]);
    }
}

}  // namespace confidant::inference::quants
