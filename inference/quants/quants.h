// Block layouts of the quantized GGML types and their fp32 dequantizers (the reference math).
// Each dequantizer converts whole blocks; layouts match the GGUF files byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>

namespace confidant::inference::quants {

// 32 weights: w = d * (q - 8), q a 4-bit value; low nibbles hold elements 0..15, high 16..31.
struct BlockQ4_0 {
    uint16_t d;       // fp16 scale
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ4_0) == 18);

// 32 weights: w = d * q, q a signed byte.
struct BlockQ8_0 {
    uint16_t d;       // fp16 scale
    int8_t qs[32];
};
static_assert(sizeof(BlockQ8_0) == 34);

void dequantizeF32(const void* src, float* dst, size_t count);
void dequantizeF16(const void* src, float* dst, size_t count);
void dequantizeBF16(const void* src, float* dst, size_t count);
void dequantizeQ4_0(const void* src, float* dst, size_t count);
void dequantizeQ8_0(const void* src, float* dst, size_t count);

}  // namespace confidant::inference::quants
