// Quantize → dequantize round trips of our quantizers on random data, with a relative RMS error
// bound per type, plus the degenerate inputs (zeros, constants, outliers) a quantizer must survive.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tensor_type.h"

namespace confidant::inference {
namespace {

struct Bound {
    TensorType type;
    double maxRelativeRmse;  // sqrt(mean((y - x)²)) / sqrt(mean(x²)) on Gaussian data
};

// Bounds sit ~25% above what our quantizers measure on Gaussian weights (at the worst-case rounding
// error for the float types): every extra bit roughly halves the error; the K-quants pay a little
// for their quantized sub-block scales.
constexpr Bound k_bounds[] = {
    {TensorType::F32, 0.0},      {TensorType::F16, 0.0005},  {TensorType::BF16, 0.004},
    {TensorType::Q8_0, 0.007},   {TensorType::Q8_K, 0.009},  {TensorType::Q6_K, 0.022},
    {TensorType::Q5_0, 0.05},    {TensorType::Q5_1, 0.045},  {TensorType::Q5_K, 0.045},
    {TensorType::Q4_0, 0.10},    {TensorType::Q4_1, 0.09},   {TensorType::Q4_K, 0.09},
    {TensorType::IQ4_NL, 0.09},  {TensorType::Q3_K, 0.18},   {TensorType::Q2_K, 0.33},
};

std::vector<float> gaussian(size_t n, uint32_t seed, float stddev) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, stddev);
    std::vector<float> x(n);
    for (auto& v : x) v = normal(rng);
    return x;
}

std::vector<float> roundTrip(TensorType type, const std::vector<float>& x) {
    const auto& traits = traitsOf(type);
    EXPECT_NE(traits.quantize, nullptr) << traits.name;
    EXPECT_NE(traits.dequantize, nullptr) << traits.name;
    std::vector<uint8_t> blocks(rowBytes(type, x.size()));
    traits.quantize(x.data(), blocks.data(), x.size());
    std::vector<float> y(x.size());
    traits.dequantize(blocks.data(), y.data(), y.size());
    return y;
}

double relativeRmse(const std::vector<float>& x, const std::vector<float>& y) {
    double err = 0, ref = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        err += (double(y[i]) - x[i]) * (double(y[i]) - x[i]);
        ref += double(x[i]) * x[i];
    }
    return std::sqrt(err / ref);
}

class QuantRoundTrip : public ::testing::TestWithParam<Bound> {};

TEST_P(QuantRoundTrip, GaussianDataStaysWithinBound) {
    const Bound bound = GetParam();
    for (float stddev : {0.02f, 1.0f}) {
        const auto x = gaussian(4096, 1234, stddev);
        const auto y = roundTrip(bound.type, x);
        const double error = relativeRmse(x, y);
        EXPECT_LE(error, bound.maxRelativeRmse) << tensorTypeName(bound.type) << " at stddev " << stddev;
        for (float v : y) ASSERT_TRUE(std::isfinite(v)) << tensorTypeName(bound.type);
    }
}

TEST_P(QuantRoundTrip, ZerosStayZero) {
    const Bound bound = GetParam();
    const std::vector<float> x(512, 0.0f);
    for (float v : roundTrip(bound.type, x)) ASSERT_EQ(v, 0.0f) << tensorTypeName(bound.type);
}

TEST_P(QuantRoundTrip, ConstantAndSignedRowsAreClose) {
    const Bound bound = GetParam();
    for (float c : {0.75f, -0.3f}) {
        const std::vector<float> x(512, c);
        const auto y = roundTrip(bound.type, x);
        EXPECT_LE(relativeRmse(x, y), bound.maxRelativeRmse) << tensorTypeName(bound.type) << " constant " << c;
    }
    // All-positive and all-negative rows exercise the offsets of the affine types.
    auto x = gaussian(512, 99, 1.0f);
    for (auto& v : x) v = std::fabs(v) + 0.5f;
    EXPECT_LE(relativeRmse(x, roundTrip(bound.type, x)), bound.maxRelativeRmse) << tensorTypeName(bound.type);
    for (auto& v : x) v = -v;
    EXPECT_LE(relativeRmse(x, roundTrip(bound.type, x)), bound.maxRelativeRmse) << tensorTypeName(bound.type);
}

TEST_P(QuantRoundTrip, OutlierIsKeptApproximately) {
    const Bound bound = GetParam();
    auto x = gaussian(512, 7, 0.02f);
    x[100] = 1.5f;  // a weight 75 standard deviations out, as real models have
    const auto y = roundTrip(bound.type, x);
    EXPECT_NEAR(y[100], 1.5f, 1.5f * std::max(0.02, bound.maxRelativeRmse)) << tensorTypeName(bound.type);
    for (float v : y) ASSERT_TRUE(std::isfinite(v));
}

INSTANTIATE_TEST_SUITE_P(AllTypes, QuantRoundTrip, ::testing::ValuesIn(k_bounds),
                         [](const ::testing::TestParamInfo<Bound>& info) {
                             return std::string(tensorTypeName(info.param.type));
                         });

TEST(QuantRoundTrip, QuantizingIsDeterministic) {
    const auto x = gaussian(1024, 5, 1.0f);
    for (const Bound& bound : k_bounds) {
        const auto& traits = traitsOf(bound.type);
        std::vector<uint8_t> a(rowBytes(bound.type, x.size())), b(a.size(), 0xAA);
        traits.quantize(x.data(), a.data(), x.size());
        traits.quantize(x.data(), b.data(), x.size());
        EXPECT_EQ(a, b) << traits.name;
    }
}

}  // namespace
}  // namespace confidant::inference
