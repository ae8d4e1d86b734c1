// Hand-built blocks of every supported tensor type: bytes set by hand, expected values computed by
// hand from the GGML layout, so that a layout mistake in a dequantizer cannot hide.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "quants/quants.h"
#include "tensor_type.h"

namespace confidant::inference {
namespace {

using namespace quants;

// fp16 bit patterns used below.
constexpr uint16_t k_half1 = 0x3C00, k_halfHalf = 0x3800, k_halfQuarter = 0x3400, k_halfMinus1 = 0xBC00;

template <typename Block>
std::vector<float> dequantizeBlock(TensorType type, const Block& block) {
    const auto& traits = traitsOf(type);
    EXPECT_EQ(traits.blockBytes, sizeof(Block));
    std::vector<float> out(traits.blockSize);
    traits.dequantize(&block, out.data(), out.size());
    return out;
}

TEST(QuantBlocks, TableMatchesBlockSizes) {
    EXPECT_EQ(traitsOf(TensorType::Q4_0).blockBytes, sizeof(BlockQ4_0));
    EXPECT_EQ(traitsOf(TensorType::Q4_1).blockBytes, sizeof(BlockQ4_1));
    EXPECT_EQ(traitsOf(TensorType::Q5_0).blockBytes, sizeof(BlockQ5_0));
    EXPECT_EQ(traitsOf(TensorType::Q5_1).blockBytes, sizeof(BlockQ5_1));
    EXPECT_EQ(traitsOf(TensorType::Q8_0).blockBytes, sizeof(BlockQ8_0));
    EXPECT_EQ(traitsOf(TensorType::Q2_K).blockBytes, sizeof(BlockQ2_K));
    EXPECT_EQ(traitsOf(TensorType::Q3_K).blockBytes, sizeof(BlockQ3_K));
    EXPECT_EQ(traitsOf(TensorType::Q4_K).blockBytes, sizeof(BlockQ4_K));
    EXPECT_EQ(traitsOf(TensorType::Q5_K).blockBytes, sizeof(BlockQ5_K));
    EXPECT_EQ(traitsOf(TensorType::Q6_K).blockBytes, sizeof(BlockQ6_K));
    EXPECT_EQ(traitsOf(TensorType::Q8_K).blockBytes, sizeof(BlockQ8_K));
    EXPECT_EQ(traitsOf(TensorType::IQ4_NL).blockBytes, sizeof(BlockIQ4_NL));
    for (TensorType t : {TensorType::Q2_K, TensorType::Q3_K, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K,
                         TensorType::Q8_K})
        EXPECT_EQ(traitsOf(t).blockSize, 256u) << tensorTypeName(t);
    for (TensorType t : {TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q8_0,
                         TensorType::IQ4_NL})
        EXPECT_EQ(traitsOf(t).blockSize, 32u) << tensorTypeName(t);
    EXPECT_EQ(rowBytes(TensorType::Q4_K, 4096), 16u * 144u);
    EXPECT_EQ(rowBytes(TensorType::Q6_K, 14336), 56u * 210u);
}

TEST(QuantBlocks, FloatTypes) {
    const uint16_t halves[] = {0x3E00, 0x7BFF, 0x0001, 0xC000};
    float out[4];
    traitsOf(TensorType::F16).dequantize(halves, out, 4);
    EXPECT_EQ(out[0], 1.5f);
    EXPECT_EQ(out[1], 65504.0f);
    EXPECT_EQ(out[2], 1.0f / 16777216.0f);
    EXPECT_EQ(out[3], -2.0f);
    const uint16_t brains[] = {0x3FC0, 0xC000, 0x4049};
    traitsOf(TensorType::BF16).dequantize(brains, out, 3);
    EXPECT_EQ(out[0], 1.5f);
    EXPECT_EQ(out[1], -2.0f);
    EXPECT_EQ(out[2], 3.140625f);
    const float floats[] = {0.1f, -7.25f};
    traitsOf(TensorType::F32).dequantize(floats, out, 2);
    EXPECT_EQ(out[0], 0.1f);
    EXPECT_EQ(out[1], -7.25f);
}

TEST(QuantBlocks, Q4_0) {
    BlockQ4_0 b{};
    b.d = k_halfHalf;
    std::memset(b.qs, 0x88, sizeof b.qs);
    b.qs[0] = 0x1F;  // element 0: 15, element 16: 1
    b.qs[3] = 0x80;  // element 3: 0, element 19: 8
    const auto y = dequantizeBlock(TensorType::Q4_0, b);
    EXPECT_EQ(y[0], 3.5f);    // 0.5 * (15 - 8)
    EXPECT_EQ(y[16], -3.5f);  // 0.5 * (1 - 8)
    EXPECT_EQ(y[3], -4.0f);
    EXPECT_EQ(y[19], 0.0f);
    EXPECT_EQ(y[7], 0.0f);
}

TEST(QuantBlocks, Q4_1) {
    BlockQ4_1 b{};
    b.d = k_halfHalf;
    b.m = k_halfMinus1;
    b.qs[0] = 0x1F;
    const auto y = dequantizeBlock(TensorType::Q4_1, b);
    EXPECT_EQ(y[0], 6.5f);    // 0.5 * 15 - 1
    EXPECT_EQ(y[16], -0.5f);  // 0.5 * 1 - 1
    EXPECT_EQ(y[5], -1.0f);
}

TEST(QuantBlocks, Q5_0) {
    BlockQ5_0 b{};
    b.d = k_halfHalf;
    const uint8_t qh[4] = {0x01, 0x00, 0x01, 0x80};  // bits 0, 16 and 31: elements 0, 16, 31
    std::memcpy(b.qh, qh, 4);
    b.qs[0] = 0x2F;
    const auto y = dequantizeBlock(TensorType::Q5_0, b);
    EXPECT_EQ(y[0], 7.5f);   // 0.5 * ((15 | 16) - 16)
    EXPECT_EQ(y[16], 1.0f);  // 0.5 * ((2 | 16) - 16)
    EXPECT_EQ(y[31], 0.0f);  // 0.5 * ((0 | 16) - 16)
    EXPECT_EQ(y[15], -8.0f); // 0.5 * (0 - 16)
}

TEST(QuantBlocks, Q5_1) {
    BlockQ5_1 b{};
    b.d = k_halfQuarter;
    b.m = k_half1;
    const uint8_t qh[4] = {0x01, 0x00, 0x01, 0x80};
    std::memcpy(b.qh, qh, 4);
    b.qs[0] = 0x2F;
    const auto y = dequantizeBlock(TensorType::Q5_1, b);
    EXPECT_EQ(y[0], 8.75f);  // 0.25 * 31 + 1
    EXPECT_EQ(y[16], 5.5f);  // 0.25 * 18 + 1
    EXPECT_EQ(y[31], 5.0f);  // 0.25 * 16 + 1
    EXPECT_EQ(y[15], 1.0f);
}

TEST(QuantBlocks, Q8_0) {
    BlockQ8_0 b{};
    b.d = k_halfQuarter;
    b.qs[0] = -128;
    b.qs[5] = 100;
    b.qs[31] = 7;
    const auto y = dequantizeBlock(TensorType::Q8_0, b);
    EXPECT_EQ(y[0], -32.0f);
    EXPECT_EQ(y[5], 25.0f);
    EXPECT_EQ(y[31], 1.75f);
    EXPECT_EQ(y[1], 0.0f);
}

TEST(QuantBlocks, IQ4_NL) {
    BlockIQ4_NL b{};
    b.d = k_halfHalf;
    b.qs[0] = 0xF0;  // element 0: index 0 (-127), element 16: index 15 (113)
    b.qs[7] = 0x98;  // element 7: index 8 (1), element 23: index 9 (13)
    const auto y = dequantizeBlock(TensorType::IQ4_NL, b);
    EXPECT_EQ(y[0], -63.5f);
    EXPECT_EQ(y[16], 56.5f);
    EXPECT_EQ(y[7], 0.5f);
    EXPECT_EQ(y[23], 6.5f);
    EXPECT_EQ(y[1], -63.5f);  // qs[1] = 0: index 0
}

TEST(QuantBlocks, Q2_K) {
    BlockQ2_K b{};
    b.d = k_half1;
    b.dmin = k_halfHalf;
    b.scales[0] = 0x32;   // sub-block 0: scale 2, min 3
    b.scales[5] = 0x01;   // sub-block 5: scale 1, min 0
    b.scales[15] = 0xF4;  // sub-block 15: scale 4, min 15
    b.qs[0] = 0x03;       // element 0 (h 0, j 0, l 0): q 3
    b.qs[16] = 0x20;      // element 80 (h 0, j 2, l 16): q 2
    b.qs[63] = 0x40;      // element 255 (h 1, j 3, l 31): q 1
    const auto y = dequantizeBlock(TensorType::Q2_K, b);
    EXPECT_EQ(y[0], 4.5f);     // 1 * 2 * 3 - 0.5 * 3
    EXPECT_EQ(y[15], -1.5f);   // q 0
    EXPECT_EQ(y[80], 2.0f);    // 1 * 1 * 2 - 0
    EXPECT_EQ(y[255], -3.5f);  // 1 * 4 * 1 - 0.5 * 15
    EXPECT_EQ(y[240], -7.5f);  // q 0 in sub-block 15
    EXPECT_EQ(y[32], 0.0f);    // sub-block 2: scale 0, min 0
}

TEST(QuantBlocks, Q3_K) {
    BlockQ3_K b{};
    b.d = k_halfHalf;
    // Stored 6-bit scales (value + 32): sub-block 0 = 33, 9 = 30, 15 = 63.
    b.scales[0] = 0x01;   // sub-block 0 low 4 bits = 1
    b.scales[8] = 0x02;   // sub-block 0 high 2 bits = 2 (bits 0-1)
    b.scales[1] = 0xE0;   // sub-block 9 low 4 bits = 14 (high nibble)
    b.scales[9] = 0x10;   // sub-block 9 high 2 bits = 1 (bits 4-5)
    b.scales[7] = 0xF0;   // sub-block 15 low 4 bits = 15 (high nibble)
    b.scales[11] = 0xC0;  // sub-block 15 high 2 bits = 3 (bits 6-7)
    b.qs[0] = 0x02;       // element 0: low bits 2
    b.hmask[0] = 0x01;    // element 0: high bit set (h 0, j 0)
    b.qs[48] = 0x01;      // element 144 (h 1, j 0, l 16): low bits 1, high bit clear
    b.qs[63] = 0xC0;      // element 255 (h 1, j 3, l 31): low bits 3
    b.hmask[31] = 0x80;   // element 255: high bit (bit 4 * 1 + 3)
    const auto y = dequantizeBlock(TensorType::Q3_K, b);
    EXPECT_EQ(y[0], 1.0f);     // 0.5 * (33 - 32) * (6 - 4)
    EXPECT_EQ(y[5], -2.0f);    // 0.5 * 1 * (0 - 4)
    EXPECT_EQ(y[144], 3.0f);   // 0.5 * (30 - 32) * (1 - 4)
    EXPECT_EQ(y[255], 46.5f);  // 0.5 * (63 - 32) * (7 - 4)
    EXPECT_EQ(y[16], 64.0f);   // sub-block 1: stored 0 → -32; q 0 - 4: 0.5 * -32 * -4
}

TEST(QuantBlocks, Q4_K) {
    BlockQ4_K b{};
    b.d = k_halfHalf;
    b.dmin = k_halfQuarter;
    b.scales[0] = 10;    // sub-block 0 scale
    b.scales[4] = 4;     // sub-block 0 min
    // Sub-block 5: scale 37 = 0b10'0101, min 50 = 0b11'0010.
    b.scales[9] = 0x25;  // low 4 bits: scale 5, min 2
    b.scales[1] = 0x80;  // scale high bits 2 in the top of byte 1
    b.scales[5] = 0xC0;  // min high bits 3 in the top of byte 5
    b.qs[0] = 0x07;      // element 0: 7; element 32: 0
    b.qs[74] = 0xF0;     // element 170 (j 2, high nibble, l 10): 15
    const auto y = dequantizeBlock(TensorType::Q4_K, b);
    EXPECT_EQ(y[0], 34.0f);     // 0.5 * 10 * 7 - 0.25 * 4
    EXPECT_EQ(y[1], -1.0f);     // q 0
    EXPECT_EQ(y[32], 0.0f);     // sub-block 1: low 6 bits of bytes 1 and 5 are 0
    EXPECT_EQ(y[170], 265.0f);  // 0.5 * 37 * 15 - 0.25 * 50
    EXPECT_EQ(y[160], -12.5f);  // q 0 in sub-block 5
}

TEST(QuantBlocks, Q5_K) {
    BlockQ5_K b{};
    b.d = k_halfHalf;
    b.dmin = k_halfQuarter;
    b.scales[0] = 10;
    b.scales[4] = 4;
    b.scales[9] = 0x25;
    b.scales[1] = 0x80;
    b.scales[5] = 0xC0;
    b.qs[0] = 0x07;
    b.qh[0] = 0x01;   // element 0 (sub-block 0): bit 4
    b.qs[74] = 0xF0;
    b.qh[10] = 0x20;  // element 170 (sub-block 5, l 10): bit 4
    const auto y = dequantizeBlock(TensorType::Q5_K, b);
    EXPECT_EQ(y[0], 114.0f);    // 0.5 * 10 * 23 - 1
    EXPECT_EQ(y[1], -1.0f);
    EXPECT_EQ(y[170], 561.0f);  // 0.5 * 37 * 31 - 12.5
    EXPECT_EQ(y[42], 0.0f);     // sub-block 1: scale 0, min 0
}

TEST(QuantBlocks, Q6_K) {
    BlockQ6_K b{};
    b.d = k_halfQuarter;
    b.scales[0] = 2;
    b.scales[5] = -3;
    b.scales[15] = 127;
    b.ql[0] = 0x0A;   // element 0 (h 0, k 0, l 0): low 4 bits 10
    b.qh[0] = 0x03;   // element 0: high 2 bits 3
    b.ql[16] = 0x30;  // element 80 (h 0, k 2, l 16): low 4 bits 3 in the high nibble
    b.ql[127] = 0xF0; // element 255 (h 1, k 3, l 31): low 4 bits 15
    b.qh[63] = 0x80;  // element 255: high 2 bits 2
    const auto y = dequantizeBlock(TensorType::Q6_K, b);
    EXPECT_EQ(y[0], 13.0f);      // 0.25 * 2 * (58 - 32)
    EXPECT_EQ(y[1], -16.0f);     // 0.25 * 2 * (0 - 32)
    EXPECT_EQ(y[80], 21.75f);    // 0.25 * -3 * (3 - 32)
    EXPECT_EQ(y[255], 476.25f);  // 0.25 * 127 * (47 - 32)
}

TEST(QuantBlocks, Q8_K) {
    BlockQ8_K b{};
    b.d = 0.5f;
    b.qs[0] = -128;
    b.qs[255] = 127;
    b.qs[100] = 3;
    const auto y = dequantizeBlock(TensorType::Q8_K, b);
    EXPECT_EQ(y[0], -64.0f);
    EXPECT_EQ(y[255], 63.5f);
    EXPECT_EQ(y[100], 1.5f);
    EXPECT_EQ(y[1], 0.0f);
}

}  // namespace
}  // namespace confidant::inference
