// Sampling pipeline: penalty -> (greedy | top-k -> softmax(temperature) -> top-p -> min-p -> draw).
#include "sampler.h"

#include <string>

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace confidant::inference {

Result<void> validateSamplerSettings(const SamplerSettings& s) {
    struct Range { const char* name; float value; float low; float high; };
    for (const auto& [name, value, low, high] : {Range{"temperature", s.temperature, 0.0f, 100.0f},
                                                 Range{"top-p", s.topP, 0.0f, 1.0f}, Range{"min-p", s.minP, 0.0f, 1.0f},
                                                 Range{"repeat penalty", s.repeatPenalty, 1e-6f, 100.0f}})
        if (!(value >= low && value <= high))  // also false for NaN
            return makeError("the " + std::string(name) + " " + std::to_string(value) + " is out of range (" +
                             std::to_string(low) + " to " + std::to_string(high) + ")");
    return {};
}


Sampler::Sampler(const SamplerSettings& settings) : m_settings(settings), m_rng(settings.seed) {}

TokenId Sampler::sample(std::span<const float> logits, std::span<const TokenId> recent) {
    m_candidates.resize(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) m_candidates[i] = {TokenId(i), logits[i]};

    // Repetition penalty (CTRL-style, as llama.cpp applies it): each distinct recent token's
    // logit is divided by the penalty when positive and multiplied when negative.
    if (m_settings.repeatPenalty != 1.0f && m_settings.repeatLastN != 0) {
        const size_t window = m_settings.repeatLastN < 0 ? recent.size()
                                                         : std::min(recent.size(), size_t(m_settings.repeatLastN));
        std::unordered_set<TokenId> seen(recent.end() - ptrdiff_t(window), recent.end());
        for (TokenId id : seen) {
            if (id < 0 || size_t(id) >= m_candidates.size()) continue;
            float& v = m_candidates[size_t(id)].value;
            v = v > 0 ? v / m_settings.repeatPenalty : v * m_settings.repeatPenalty;
        }
    }

    const auto byValue = [](const Candidate& a, const Candidate& b) {
        return a.value > b.value || (a.value == b.value && a.id < b.id);
    };
    if (m_settings.temperature <= 0.0f)
        return std::min_element(m_candidates.begin(), m_candidates.end(), byValue)->id;

    size_t keep = m_candidates.size();
    if (m_settings.topK > 0) keep = std::min(keep, size_t(m_settings.topK));
    std::partial_sort(m_candidates.begin(), m_candidates.begin() + ptrdiff_t(keep), m_candidates.end(), byValue);
    m_candidates.resize(keep);

    const float maxLogit = m_candidates.front().value;
    double sum = 0.0;
    for (auto& c : m_candidates) {
        c.value = std::exp((c.value - maxLogit) / m_settings.temperature);
        sum += c.value;
    }
    for (auto& c : m_candidates) c.value = float(c.value / sum);

    if (m_settings.topP < 1.0f) {
        double cumulative = 0.0;
        size_t n = 0;
        while (n < m_candidates.size()) {
            cumulative += m_candidates[n++].value;
            if (cumulative >= m_settings.topP) break;
        }
        m_candidates.resize(std::max<size_t>(1, n));
    }
    if (m_settings.minP > 0.0f) {
        const float threshold = m_candidates.front().value * m_settings.minP;
        size_t n = 1;
        while (n < m_candidates.size() && m_candidates[n].value >= threshold) ++n;
        m_candidates.resize(n);
    }

    double total = 0.0;
    for (const auto& c : m_candidates) total += c.value;
    // A uniform draw from the raw 64-bit engine output, identical on every platform (the
    // standard distributions are not specified bit-exactly).
    const double u = double(m_rng() >> 11) * 0x1.0p-53 * total;
    double cumulative = 0.0;
    for (const auto& c : m_candidates) {
        cumulative += c.value;
        if (u < cumulative) return c.id;
    }
    return m_candidates.back().id;
}

}  // namespace confidant::inference
