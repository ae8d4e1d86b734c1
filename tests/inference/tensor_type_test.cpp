// fp16/bf16 conversions and the dequantizers of the foundation types, against values computed
// by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "quants/quants.h"
#include "tensor_type.h"

namespace confidant::inference {
namespace {

TEST(Fp16, ConvertsKnownBitPatterns) {
    EXPECT_EQ(fp16ToFp32(0x0000), 0.0f);
    EXPECT_TRUE(std::signbit(fp16ToFp32(0x8000)));
    EXPECT_EQ(fp16ToFp32(0x3C00), 1.0f);
    EXPECT_EQ(fp16ToFp32(0xC000), -2.0f);
    EXPECT_EQ(fp16ToFp32(0x3555), 0.333251953125f);
    EXPECT_EQ(fp16ToFp32(0x7BFF), 65504.0f);
    EXPECT_EQ(fp16ToFp32(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
    EXPECT_EQ(fp16ToFp32(0x03FF), std::ldexp(1023.0f, -24));
    EXPECT_TRUE(std::isinf(fp16ToFp32(0x7C00)));
    EXPECT_TRUE(std::isnan(fp16ToFp32(0x7E00)));

    EXPECT_EQ(fp32ToFp16(1.0f), 0x3C00);
    EXPECT_EQ(fp32ToFp16(-2.0f), 0xC000);
    EXPECT_EQ(fp32ToFp16(65504.0f), 0x7BFF);
    EXPECT_EQ(fp32ToFp16(1e6f), 0x7C00);
    EXPECT_EQ(fp32ToFp16(std::ldexp(1.0f, -24)), 0x0001);
    EXPECT_EQ(fp32ToFp16(std::ldexp(1.0f, -26)), 0x0000);
    EXPECT_EQ(fp32ToFp16(1.0f + std::ldexp(1.0f, -11)), 0x3C00) << "ties round to even";
    EXPECT_EQ(fp32ToFp16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02) << "ties round to even";
    EXPECT_TRUE(std::isnan(fp16ToFp32(fp32ToFp16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(Fp16, RoundTripsEveryFiniteHalf) {
    for (uint32_t h = 0; h < 0x10000; ++h) {
        if ((h & 0x7C00) == 0x7C00) continue;  // inf/nan
        EXPECT_EQ(fp32ToFp16(fp16ToFp32(uint16_t(h))), h) << std::hex << h;
    }
}

TEST(Bf16, ConvertsAndRounds) {
    EXPECT_EQ(bf16ToFp32(0x3F80), 1.0f);
    EXPECT_EQ(bf16ToFp32(0xC0A0), -5.0f);
    EXPECT_EQ(fp32ToBf16(1.0f), 0x3F80);
    EXPECT_EQ(fp32ToBf16(3.14159265f), 0x4049);
    EXPECT_TRUE(std::isnan(bf16ToFp32(fp32ToBf16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(TensorTypes, TableHasGgmlLayouts) {
    EXPECT_EQ(rowBytes(TensorType::F32, 10), 40u);
    EXPECT_EQ(rowBytes(TensorType::F16, 10), 20u);
    EXPECT_EQ(rowBytes(TensorType::Q4_0, 64), 36u);
    EXPECT_EQ(rowBytes(TensorType::Q8_0, 64), 68u);
    EXPECT_EQ(rowBytes(TensorType::Q4_K, 512), 288u);
    EXPECT_EQ(rowBytes(TensorType::Q6_K, 256), 210u);
    EXPECT_EQ(tensorTypeName(TensorType::Q5_K), "Q5_K");
    EXPECT_FALSE(tensorTypeTraits(4).has_value()) << "id 4 (old Q4_2) was removed from the format";
    EXPECT_FALSE(tensorTypeTraits(1000).has_value());
    ASSERT_TRUE(tensorTypeTraits(30).has_value());
    EXPECT_EQ(tensorTypeTraits(30)->type, TensorType::BF16);
}

TEST(Dequantize, Q4_0BlockByHand) {
    quants::BlockQ4_0 block{};
    block.d = fp32ToFp16(0.5f);
    for (int j = 0; j < 16; ++j) block.qs[j] = uint8_t((j & 0x0F) | ((15 - j) << 4));
    float out[32];
    traitsOf(TensorType::Q4_0).dequantize(&block, out, 32);
    for (int j = 0; j < 16; ++j) {
        EXPECT_EQ(out[j], 0.5f * float(j - 8)) << j;             // low nibble: q = j
        EXPECT_EQ(out[j + 16], 0.5f * float(15 - j - 8)) << j;   // high nibble: q = 15 - j
    }
    EXPECT_EQ(out[0], -4.0f);
    EXPECT_EQ(out[16], 3.5f);
}

TEST(Dequantize, Q8_0BlocksByHand) {
    quants::BlockQ8_0 blocks[2]{};
    blocks[0].d = fp32ToFp16(0.25f);
    blocks[1].d = fp32ToFp16(-2.0f);
    for (int j = 0; j < 32; ++j) {
        blocks[0].qs[j] = int8_t(j - 16);
        blocks[1].qs[j] = int8_t(j == 0 ? -128 : 127 - j);
    }
    float out[64];
    traitsOf(TensorType::Q8_0).dequantize(blocks, out, 64);
    EXPECT_EQ(out[0], -4.0f);
    EXPECT_EQ(out[31], 3.75f);
    EXPECT_EQ(out[32], 256.0f);
    EXPECT_EQ(out[33], -252.0f);
}

TEST(Dequantize, FloatTypes) {
    const uint16_t halves[3] = {0x3C00, 0xB800, 0x4500};
    float out[3];
    traitsOf(TensorType::F16).dequantize(halves, out, 3);
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[1], -0.5f);
    EXPECT_EQ(out[2], 5.0f);
    const uint16_t brains[2] = {0x3F80, 0xBF00};
    traitsOf(TensorType::BF16).dequantize(brains, out, 2);
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[1], -0.5f);
    const float floats[2] = {1.5f, -7.25f};
    traitsOf(TensorType::F32).dequantize(floats, out, 2);
    EXPECT_EQ(out[1], -7.25f);
}

}  // namespace
}  // namespace confidant::inference
