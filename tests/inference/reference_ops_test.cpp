// Reference operations against values computed by hand: the activation functions, soft-capping,
// RoPE styles, and attention's causal mask, sliding window and soft-capped scores.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "reference/reference_ops.h"

namespace confidant::inference::reference {
namespace {

TEST(CpuOps, ActivationsAndCaps) {
    const float gate[3] = {1.0f, -2.0f, 0.0f};
    const float up[3] = {2.0f, 1.0f, 5.0f};
    float out[3];
    swiGlu(gate, up, out, 3);
    EXPECT_NEAR(out[0], 2.0f * 1.0f / (1.0f + std::exp(-1.0f)), 1e-6);
    EXPECT_NEAR(out[1], -2.0f / (1.0f + std::exp(2.0f)), 1e-6);
    EXPECT_EQ(out[2], 0.0f);
    geGlu(gate, up, out, 3);
    EXPECT_NEAR(out[0], 2.0f * 0.8411920f, 1e-5);   // gelu_tanh(1)
    EXPECT_NEAR(out[1], -0.0454023f, 1e-5);          // gelu_tanh(-2)
    const float logits[3] = {30.0f, -90.0f, 0.5f};
    softCap(logits, 30.0f, out, 3);
    EXPECT_NEAR(out[0], 30.0f * std::tanh(1.0f), 1e-5);
    EXPECT_NEAR(out[1], -30.0f * std::tanh(3.0f), 1e-5);
    EXPECT_NEAR(out[2], 0.5f, 1e-3) << "small values pass almost unchanged";
    scale(logits, -2.0f, out, 3);
    EXPECT_EQ(out[1], 180.0f);
}

TEST(CpuOps, RopeRotatesAdjacentPairsOrHalves) {
    // One head of 4: at position 1 pair 0 turns by 1 rad, pair 1 by 1/100 rad (base 10000).
    float adjacent[4] = {1, 0, 1, 0};
    rope(adjacent, 1, 1, {RopeStyle::AdjacentPairs, 1, 4, 4, 10000.0f, nullptr}, nullptr);
    EXPECT_NEAR(adjacent[0], std::cos(1.0f), 1e-6);
    EXPECT_NEAR(adjacent[1], std::sin(1.0f), 1e-6);
    EXPECT_NEAR(adjacent[2], std::cos(0.01f), 1e-6);
    EXPECT_NEAR(adjacent[3], std::sin(0.01f), 1e-6);
    float neox[4] = {1, 1, 0, 0};
    rope(neox, 1, 1, {RopeStyle::NeoX, 1, 4, 4, 10000.0f, nullptr}, nullptr);
    EXPECT_NEAR(neox[0], std::cos(1.0f), 1e-6);
    EXPECT_NEAR(neox[2], std::sin(1.0f), 1e-6);
    EXPECT_NEAR(neox[1], std::cos(0.01f), 1e-6);
    EXPECT_NEAR(neox[3], std::sin(0.01f), 1e-6);
    // Frequency factors divide the frequency: factor 2 on pair 0 halves its angle.
    float scaled[4] = {1, 0, 1, 0};
    const float factors[2] = {2.0f, 1.0f};
    rope(scaled, 1, 1, {RopeStyle::AdjacentPairs, 1, 4, 4, 10000.0f, nullptr}, factors);
    EXPECT_NEAR(scaled[1], std::sin(0.5f), 1e-6);
}

class AttentionTest : public ::testing::Test {
protected:
    static constexpr uint32_t k_dim = 8, k_length = 12;
    void SetUp() override {
        std::mt19937 rng(5);
        std::normal_distribution<float> normal;
        cache.keys.resize(k_length * k_dim);
        cache.values.resize(k_length * k_dim);
        for (auto& x : cache.keys) x = normal(rng);
        for (auto& x : cache.values) x = normal(rng);
        for (auto& x : query) x = normal(rng);
    }
    // Attention of `query` at position `position` over keys [first, position], by hand.
    std::vector<float> byHand(uint32_t first, uint32_t position, float cap) const {
        std::vector<double> w;
        double maxScore = -1e30, sum = 0;
        for (uint32_t t = first; t <= position; ++t) {
            double s = 0;
            for (uint32_t i = 0; i < k_dim; ++i) s += double(query[i]) * cache.keys[t * k_dim + i];
            s *= 0.5;
            if (cap > 0) s = cap * std::tanh(s / cap);
            w.push_back(s);
            maxScore = std::max(maxScore, s);
        }
        for (auto& s : w) sum += (s = std::exp(s - maxScore));
        std::vector<float> out(k_dim, 0.0f);
        for (uint32_t t = first; t <= position; ++t)
            for (uint32_t i = 0; i < k_dim; ++i) out[i] += float(w[t - first] / sum) * cache.values[t * k_dim + i];
        return out;
    }
    KvLayer cache;
    float query[k_dim];
    ThreadPool pool{1};
};

TEST_F(AttentionTest, CausalWindowedAndSoftCapped) {
    struct Case { uint32_t window; float cap; uint32_t first; };
    for (const Case c : {Case{0, 0.0f, 0}, Case{4, 0.0f, 6}, Case{0, 1.5f, 0}, Case{20, 0.0f, 0}}) {
        float out[k_dim];
        // The query is token 0 of a batch starting at position 9: it sees positions up to 9.
        attention(query, 1, 9, cache, {1, 1, k_dim, 0.5f, c.cap, c.window}, out, pool);
        const auto expected = byHand(c.first, 9, c.cap);
        for (uint32_t i = 0; i < k_dim; ++i) EXPECT_NEAR(out[i], expected[i], 1e-5) << "window " << c.window << " cap " << c.cap;
    }
}

}  // namespace
}  // namespace confidant::inference::reference
