// Q4_1, Q5_0 and Q5_1: the older 32-element block types with an offset and/or a fifth bit.
#include <cstring>

#include "quants/quants.h"
#include "quants/scale_fit.h"
#include "tensor_type.h"

namespace confidant::inference::quants {
namespace {

uint32_t loadHighBits(const uint8_t qh[4]) {
    return uint32_t(qh[0]) | uint32_t(qh[1]) << 8 | uint32_t(qh[2]) << 16 | uint32_t(qh[3]) << 24;
}

void storeHighBits(uint32_t bits, uint8_t qh[4]) {
    for (int i = 0; i < 4; ++i) qh[i] = uint8_t(bits >> (8 * i));
}

// Packs 32 values of 0..31 into the nibbles and the 32-bit high-bit word of Q5_0/Q5_1.
void packFiveBits(const int* q, uint8_t qs[16], uint8_t qh[4]) {
    uint32_t high = 0;
    for (int j = 0; j < 16; ++j) {
        qs[j] = uint8_t((q[j] & 0x0F) | ((q[j + 16] & 0x0F) << 4));
        high |= uint32_t(q[j] >> 4) << j;
        high |= uint32_t(q[j + 16] >> 4) << (j + 16);
    }
    storeHighBits(high, qh);
}

// The 5-bit values 0..31 of element j of a Q5_0/Q5_1 block.
int fiveBitValue(const uint8_t qs[16], uint32_t high, int j) {
    const int low = j < 16 ? (qs[j] & 0x0F) : (qs[j - 16] >> 4);
    return low | int((high >> j) & 1) << 4;
}

}  // namespace

void dequantizeQ4_1(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ4_1*>(src);
    for (size_t b = 0; b < count / 32; ++b) {
        const float d = fp16ToFp32(blocks[b].d), m = fp16ToFp32(blocks[b].m);
        for (int j = 0; j < 16; ++j) {
            dst[b * 32 + j] = d * float(blocks[b].qs[j] & 0x0F) + m;
            dst[b * 32 + j + 16] = d * float(blocks[b].qs[j] >> 4) + m;
        }
    }
}

void dequantizeQ5_0(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ5_0*>(src);
    for (size_t b = 0; b < count / 32; ++b) {
        const float d = fp16ToFp32(blocks[b].d);
        const uint32_t high = loadHighBits(blocks[b].qh);
        for (int j = 0; j < 32; ++j) dst[b * 32 + j] = d * float(fiveBitValue(blocks[b].qs, high, j) - 16);
    }
}

void dequantizeQ5_1(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ5_1*>(src);
    for (size_t b = 0; b < count / 32; ++b) {
        const float d = fp16ToFp32(blocks[b].d), m = fp16ToFp32(blocks[b].m);
        const uint32_t high = loadHighBits(blocks[b].qh);
        for (int j = 0; j < 32; ++j) dst[b * 32 + j] = d * float(fiveBitValue(blocks[b].qs, high, j)) + m;
    }
}

void quantizeQ4_1(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ4_1*>(dst);
    int q[32];
    for (size_t b = 0; b < count / 32; ++b) {
        const float* x = src + b * 32;
        float s = 0, offset = 0;
        fitAffine(x, 32, 15, false, s, offset, q);
        blocks[b].d = fp32ToFp16(s);
        blocks[b].m = fp32ToFp16(offset);
        quantizeWithScaleOffset(x, 32, fp16ToFp32(blocks[b].d), fp16ToFp32(blocks[b].m), 15, q);
        for (int j = 0; j < 16; ++j) blocks[b].qs[j] = uint8_t(q[j] | (q[j + 16] << 4));
    }
}

void quantizeQ5_0(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ5_0*>(dst);
    int q[32];
    for (size_t b = 0; b < count / 32; ++b) {
        const float* x = src + b * 32;
        const float s = fitSymmetric(x, 32, -16, 15, q);
        blocks[b].d = fp32ToFp16(s);
        quantizeWithScale(x, 32, fp16ToFp32(blocks[b].d), -16, 15, q);
        for (int& v : q) v += 16;
        packFiveBits(q, blocks[b].qs, blocks[b].qh);
    }
}

void quantizeQ5_1(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ5_1*>(dst);
    int q[32];
    for (size_t b = 0; b < count / 32; ++b) {
        const float* x = src + b * 32;
        float s = 0, offset = 0;
        fitAffine(x, 32, 31, false, s, offset, q);
        blocks[b].d = fp32ToFp16(s);
        blocks[b].m = fp32ToFp16(offset);
        quantizeWithScaleOffset(x, 32, fp16ToFp32(blocks[b].d), fp16ToFp32(blocks[b].m), 31, q);
        packFiveBits(q, blocks[b].qs, blocks[b].qh);
    }
}

}  // namespace confidant::inference::quants
