// Block layouts of the quantized GGML types, their fp32 dequantizers (the reference math) and our
// own quantizers. Each function converts whole blocks; layouts match the GGUF files byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>

namespace confidant::inference::quants {

constexpr size_t k_superBlock = 256;  // QK_K: elements per K-quant super-block

// 32 weights: w = d * (q - 8), q a 4-bit value; low nibbles hold elements 0..15, high 16..31.
struct BlockQ4_0 {
    uint16_t d;  // fp16 scale
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ4_0) == 18);

// 32 weights: w = d * q + m, q a 4-bit value, nibbles as in Q4_0.
struct BlockQ4_1 {
    uint16_t d;  // fp16 scale
    uint16_t m;  // fp16 minimum
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ4_1) == 20);

// 32 weights: w = d * (q - 16), q a 5-bit value: low 4 bits as in Q4_0, bit 4 of element j in
// bit j of the little-endian 32-bit qh.
struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4];
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ5_0) == 22);

// 32 weights: w = d * q + m, q a 5-bit value laid out as in Q5_0.
struct BlockQ5_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[16];
};
static_assert(sizeof(BlockQ5_1) == 24);

// 32 weights: w = d * q, q a signed byte.
struct BlockQ8_0 {
    uint16_t d;  // fp16 scale
    int8_t qs[32];
};
static_assert(sizeof(BlockQ8_0) == 34);

// 256 weights in 16 sub-blocks of 16: w = d * (scales[s] & 15) * q - dmin * (scales[s] >> 4),
// q a 2-bit value. Element e = 128h + 32j + l (l < 32) sits in bits 2j..2j+1 of qs[32h + l].
struct BlockQ2_K {
    uint8_t scales[16];
    uint8_t qs[64];
    uint16_t d;
    uint16_t dmin;
};
static_assert(sizeof(BlockQ2_K) == 84);

// 256 weights in 16 sub-blocks of 16: w = d * (scale6[s] - 32) * (q - 4), q a 3-bit value whose
// low 2 bits are placed as in Q2_K and whose high bit is bit (4h + j) of hmask[l]. The 6-bit
// scales: low 4 bits in the nibbles of scales[0..7] (low nibbles for s < 8), high 2 bits in
// scales[8 + s % 4] at bit 2 * (s / 4).
struct BlockQ3_K {
    uint8_t hmask[32];
    uint8_t qs[64];
    uint8_t scales[12];
    uint16_t d;
};
static_assert(sizeof(BlockQ3_K) == 110);

// 256 weights in 8 sub-blocks of 32: w = d * sc[s] * q - dmin * m[s], q a 4-bit value; 6-bit sc
// and m packed in 12 bytes. Element e = 64j + l sits in qs[32j + l % 32], low nibble if l < 32.
struct BlockQ4_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qs[128];
};
static_assert(sizeof(BlockQ4_K) == 144);

// As Q4_K with a fifth bit: element e = 64j + 32k + l has its bit 4 at bit (2j + k) of qh[l].
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qh[32];
    uint8_t qs[128];
};
static_assert(sizeof(BlockQ5_K) == 176);

// 256 weights in 16 sub-blocks of 16: w = d * scales[s] * (q - 32), q a 6-bit value. Element
// e = 128h + 32k + l: low 4 bits in ql[64h + l + 32 * (k & 1)] (low nibble for k < 2), high 2 bits
// at bit 2k of qh[32h + l].
struct BlockQ6_K {
    uint8_t ql[128];
    uint8_t qh[64];
    int8_t scales[16];
    uint16_t d;
};
static_assert(sizeof(BlockQ6_K) == 210);

// 256 weights: w = d * q; bsums are the sums of each 16 q (used by dot products, not by storage).
struct BlockQ8_K {
    float d;
    int8_t qs[256];
    int16_t bsums[16];
};
static_assert(sizeof(BlockQ8_K) == 292);

// 32 weights: w = d * k_iq4nlValues[q], q a 4-bit index laid out as in Q4_0.
struct BlockIQ4_NL {
    uint16_t d;
    uint8_t qs[16];
};
static_assert(sizeof(BlockIQ4_NL) == 18);

// The non-linear code book of IQ4_NL (and IQ4_XS).
inline constexpr int8_t k_iq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                                             1,    13,   25,  38,  53,  69,  89,  113};

// Dequantizers: `count` values (a multiple of the block size) from `src` to fp32.
void dequantizeF32(const void* src, float* dst, size_t count);
void dequantizeF16(const void* src, float* dst, size_t count);
void dequantizeBF16(const void* src, float* dst, size_t count);
void dequantizeQ4_0(const void* src, float* dst, size_t count);
void dequantizeQ4_1(const void* src, float* dst, size_t count);
void dequantizeQ5_0(const void* src, float* dst, size_t count);
void dequantizeQ5_1(const void* src, float* dst, size_t count);
void dequantizeQ8_0(const void* src, float* dst, size_t count);
void dequantizeQ2_K(const void* src, float* dst, size_t count);
void dequantizeQ3_K(const void* src, float* dst, size_t count);
void dequantizeQ4_K(const void* src, float* dst, size_t count);
void dequantizeQ5_K(const void* src, float* dst, size_t count);
void dequantizeQ6_K(const void* src, float* dst, size_t count);
void dequantizeQ8_K(const void* src, float* dst, size_t count);
void dequantizeIQ4_NL(const void* src, float* dst, size_t count);

// Quantizers: `count` fp32 values (a multiple of the block size) into blocks at `dst`.
// Reference quality (round to nearest with a small scale search), deterministic, no weights.
void quantizeF32(const float* src, void* dst, size_t count);
void quantizeF16(const float* src, void* dst, size_t count);
void quantizeBF16(const float* src, void* dst, size_t count);
void quantizeQ4_0(const float* src, void* dst, size_t count);
void quantizeQ4_1(const float* src, void* dst, size_t count);
void quantizeQ5_0(const float* src, void* dst, size_t count);
void quantizeQ5_1(const float* src, void* dst, size_t count);
void quantizeQ8_0(const float* src, void* dst, size_t count);
void quantizeQ2_K(const float* src, void* dst, size_t count);
void quantizeQ3_K(const float* src, void* dst, size_t count);
void quantizeQ4_K(const float* src, void* dst, size_t count);
void quantizeQ5_K(const float* src, void* dst, size_t count);
void quantizeQ6_K(const float* src, void* dst, size_t count);
void quantizeQ8_K(const float* src, void* dst, size_t count);
void quantizeIQ4_NL(const float* src, void* dst, size_t count);

}  // namespace confidant::inference::quants
