// Checks a backend against llama.cpp's oracles (testdata/oracles/<model>.json, see its README):
// the prompt ids, then teacher-forced along the strict_f32kv greedy path, per step: the stored
// top-5 logits within a tolerance, their order (neighbours closer than the tolerance may swap),
// the same top-5 set (up to a near-tie at the 5th place), and the greedy pick wherever the
// oracle's top-1/top-2 margin exceeds the tolerance. Header-only so that the inference and the
// Vulkan suites share it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "backend.h"
#include "session.h"

namespace confidant::testing {

struct OracleSummary {
    size_t steps = 0;
    double maxError = 0.0;  // max |engine - oracle| over the stored top-5 logits of every step
};

inline nlohmann::json readOracle(const std::filesystem::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

// Runs every public prompt of `oracle` through `backend`, with ADD_FAILUREs naming the first
// differences; returns the figures for the caller's own assertions and logs.
inline OracleSummary checkAgainstOracle(const std::shared_ptr<const inference::Model>& model, inference::Backend& backend,
                                        const nlohmann::json& oracle, double tolerance) {
    using namespace inference;
    OracleSummary summary;
    const Tokenizer& tokenizer = model->tokenizer();
    const auto& prompts = oracle["prompts"];
    const auto& strict = oracle["strict_f32kv"]["prompts"];
    EXPECT_EQ(prompts.size(), strict.size());
    for (size_t p = 0; p < prompts.size() && p < strict.size(); ++p) {
        const std::string text = prompts[p]["text"];
        const auto expectedPrompt = prompts[p]["prompt_ids"].get<std::vector<TokenId>>();
        std::vector<TokenId> promptIds =
            tokenizer.encode(text, {.addBos = tokenizer.vocabulary().addBos, .parseSpecial = true});
        if (promptIds.empty()) promptIds.push_back(tokenizer.vocabulary().bos);  // an empty prompt runs as [BOS]
        EXPECT_EQ(promptIds, expectedPrompt) << "prompt " << p << " '" << text << "'";

        const auto greedy = strict[p]["greedy_ids"].get<std::vector<TokenId>>();
        const auto& top5 = strict[p]["top5"];
        const auto margins = strict[p]["top1_minus_top2_logit"].get<std::vector<double>>();
        auto session = Session::create(model, backend, uint32_t(expectedPrompt.size() + greedy.size() + 1));
        if (!session) {
            ADD_FAILURE() << session.error().message;
            return summary;
        }
        if (auto fed = session->feed(expectedPrompt); !fed) {
            ADD_FAILURE() << fed.error().message;
            return summary;
        }
        int reported = 0;
        for (size_t step = 0; step < greedy.size() && step < top5.size(); ++step) {
            const std::span<const float> logits = session->logits();
            const auto& expected = top5[step];
            double stepError = 0.0;
            for (const auto& entry : expected) {
                const double error = std::fabs(double(logits[entry["id"].get<size_t>()]) - entry["logit"].get<double>());
                stepError = std::max(stepError, std::isnan(error) ? INFINITY : error);
            }
            summary.maxError = std::max(summary.maxError, stepError);
            ++summary.steps;
            const auto where = [&] { return "prompt " + std::to_string(p) + " step " + std::to_string(step); };
            if (stepError > tolerance && reported++ < 3)
                ADD_FAILURE() << where() << ": top-5 logits differ by " << stepError << " (tolerance " << tolerance << ")";
            for (size_t j = 0; j + 1 < expected.size(); ++j) {
                const size_t a = expected[j]["id"], b = expected[j + 1]["id"];
                const bool clear = expected[j]["logit"].get<double>() - expected[j + 1]["logit"].get<double>() > tolerance;
                if (clear && !(logits[a] > logits[b]) && reported++ < 3)
                    ADD_FAILURE() << where() << ": ids " << a << " and " << b << " come out in the wrong order";
            }
            std::vector<uint32_t> order(logits.size());
            std::iota(order.begin(), order.end(), 0u);
            std::partial_sort(order.begin(), order.begin() + 6, order.end(),
                              [&](uint32_t x, uint32_t y) { return logits[x] > logits[y] || (logits[x] == logits[y] && x < y); });
            const bool nearTieAtFifth = logits[order[4]] - logits[order[5]] < tolerance;
            for (size_t j = 0; j < 5 && !nearTieAtFifth; ++j) {
                const bool inOracle = std::any_of(expected.begin(), expected.end(),
                                                  [&](const auto& e) { return e["id"].template get<uint32_t>() == order[j]; });
                if (!inOracle && reported++ < 3) ADD_FAILURE() << where() << ": id " << order[j] << " is not in the oracle's top 5";
            }
            if (step < margins.size() && margins[step] > tolerance && TokenId(order[0]) != greedy[step] && reported++ < 3)
                ADD_FAILURE() << where() << ": greedy pick " << order[0] << ", oracle " << greedy[step] << " (margin "
                              << margins[step] << ")";
            if (auto fed = session->feed(std::span<const TokenId>(&greedy[step], 1)); !fed) {
                ADD_FAILURE() << fed.error().message;
                return summary;
            }
        }
    }
    return summary;
}

}  // namespace confidant::testing
