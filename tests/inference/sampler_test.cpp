// Sampler behaviour on hand-made logits: greedy, the filters, the penalty and seeding.
#include <gtest/gtest.h>

#include <map>

#include "sampler.h"

namespace confidant::inference {
namespace {

TEST(Sampler, GreedyTakesTheLargestLogitAndBreaksTiesByLowestId) {
    Sampler s(SamplerSettings{.temperature = 0.0f});
    EXPECT_EQ(s.sample(std::vector<float>{0.1f, 3.0f, -1.0f, 2.9f}, {}), 1);
    EXPECT_EQ(s.sample(std::vector<float>{5.0f, 1.0f, 5.0f}, {}), 0);
}

TEST(Sampler, RepeatPenaltyDemotesRecentTokens) {
    Sampler s(SamplerSettings{.temperature = 0.0f, .repeatPenalty = 2.0f, .repeatLastN = 2});
    const std::vector<float> logits{2.0f, 1.5f, -1.0f};
    EXPECT_EQ(s.sample(logits, std::vector<TokenId>{0}), 1) << "2.0 / 2 = 1.0 < 1.5";
    EXPECT_EQ(s.sample(logits, std::vector<TokenId>{0, 2, 1}), 0) << "token 0 is outside the last-2 window";
}

std::map<TokenId, int> histogram(const SamplerSettings& settings, const std::vector<float>& logits, int draws) {
    Sampler s(settings);
    std::map<TokenId, int> counts;
    for (int i = 0; i < draws; ++i) ++counts[s.sample(logits, {})];
    return counts;
}

TEST(Sampler, TopKKeepsOnlyTheKBest) {
    const auto counts = histogram({.temperature = 1.0f, .topK = 2, .topP = 1.0f, .minP = 0.0f, .seed = 1},
                                  {1.0f, 3.0f, 2.9f, 0.5f}, 2000);
    EXPECT_EQ(counts.size(), 2u);
    EXPECT_TRUE(counts.contains(1) && counts.contains(2));
}

TEST(Sampler, TopPKeepsTheSmallestSetReachingP) {
    // Probabilities 0.5, 0.3, 0.2 (logits are their logs): p=0.7 keeps the first two.
    const std::vector<float> logits{std::log(0.5f), std::log(0.3f), std::log(0.2f)};
    const auto counts = histogram({.temperature = 1.0f, .topK = 0, .topP = 0.7f, .minP = 0.0f, .seed = 2}, logits, 3000);
    EXPECT_FALSE(counts.contains(2));
    EXPECT_NEAR(counts.at(0) / 3000.0, 0.5 / 0.8, 0.04);
}

TEST(Sampler, MinPDropsTokensFarBelowTheBest) {
    const std::vector<float> logits{std::log(0.6f), std::log(0.35f), std::log(0.05f)};
    const auto counts = histogram({.temperature = 1.0f, .topK = 0, .topP = 1.0f, .minP = 0.1f, .seed = 3}, logits, 3000);
    EXPECT_FALSE(counts.contains(2)) << "0.05 < 0.1 * 0.6";
    EXPECT_TRUE(counts.contains(1));
}

TEST(Sampler, TemperatureSharpensAndFlattens) {
    const std::vector<float> logits{1.0f, 0.0f};
    const auto cold = histogram({.temperature = 0.25f, .topK = 0, .topP = 1.0f, .minP = 0.0f, .seed = 4}, logits, 4000);
    const auto hot = histogram({.temperature = 4.0f, .topK = 0, .topP = 1.0f, .minP = 0.0f, .seed = 4}, logits, 4000);
    // p0 = 1/(1+e^-4) = 0.982 when cold, 1/(1+e^-0.25) = 0.562 when hot.
    EXPECT_NEAR(cold.at(0) / 4000.0, 0.982, 0.02);
    EXPECT_NEAR(hot.at(0) / 4000.0, 0.562, 0.03);
}

TEST(Sampler, SameSeedSameDraws) {
    const std::vector<float> logits{0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
    SamplerSettings settings{.temperature = 1.0f, .topK = 0, .topP = 1.0f, .minP = 0.0f, .seed = 99};
    Sampler a(settings), b(settings);
    for (int i = 0; i < 100; ++i) ASSERT_EQ(a.sample(logits, {}), b.sample(logits, {}));
}

}  // namespace
}  // namespace confidant::inference
