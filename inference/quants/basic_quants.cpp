// The float types and the simple 32-element block types Q4_0 and Q8_0: dequantizers and quantizers.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "quants/quants.h"
#include "quants/scale_fit.h"
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

void quantizeF32(const float* src, void* dst, size_t count) { std::memcpy(dst, src, count * sizeof(float)); }

void quantizeF16(const float* src, void* dst, size_t count) {
    auto* h = static_cast<uint16_t*>(dst);
    for (size_t i = 0; i < count; ++i) h[i] = fp32ToFp16(src[i]);
}

void quantizeBF16(const float* src, void* dst, size_t count) {
    auto* h = static_cast<uint16_t*>(dst);
    for (size_t i = 0; i < count; ++i) h[i] = fp32ToBf16(src[i]);
}

void quantizeQ4_0(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ4_0*>(dst);
    int q[32];
    for (size_t b = 0; b < count / 32; ++b) {
        const float* x = src + b * 32;
        const float s = fitSymmetric(x, 32, -8, 7, q);
        blocks[b].d = fp32ToFp16(s);
        // Requantize against the scale as stored, so that rounding of the fp16 scale is absorbed.
        quantizeWithScale(x, 32, fp16ToFp32(blocks[b].d), -8, 7, q);
        for (int j = 0; j < 16; ++j) blocks[b].qs[j] = uint8_t((q[j] + 8) | ((q[j + 16] + 8) << 4));
    }
}

void quantizeQ8_0(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ8_0*>(dst);
    int q[32];
    for (size_t b = 0; b < count / 32; ++b) {
        const float* x = src + b * 32;
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
        blocks[b].d = fp32ToFp16(amax / 127.0f);
        quantizeWithScale(x, 32, fp16ToFp32(blocks[b].d), -127, 127, q);
        for (int j = 0; j < 32; ++j) blocks[b].qs[j] = int8_t(q[j]);
    }
}

}  // namespace confidant::inference::quants
