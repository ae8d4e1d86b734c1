// Choosing the next token from logits: greedy, or temperature sampling narrowed by top-k, top-p
// and min-p, after a repetition penalty. A seed makes a run reproducible.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "foundation/sampler_settings.h"
#include "result.h"
#include "vocabulary.h"

namespace confidant::inference {

// The settings and their defaults are the shared foundation's (foundation/sampler_settings.h).
using confidant::SamplerSettings;

// The settings' valid ranges (temperature 0-100, top-p and min-p 0-1, repeat penalty above 0 up
// to 100; NaN nowhere); the Error names the setting. Every front end checks with this before
// building a Sampler, so that a NaN never reaches the softmax.
Result<void> validateSamplerSettings(const SamplerSettings& settings);

class Sampler {
public:
    explicit Sampler(const SamplerSettings& settings);

    // `recent` is the sequence so far (prompt and reply); only its tail feeds the penalty.
    TokenId sample(std::span<const float> logits, std::span<const TokenId> recent);

    const SamplerSettings& settings() const { return m_settings; }
    // Whether sample() is the plain argmax of the logits (greedy, no repetition penalty), which a
    // backend may pick on its own (Session::feedGreedy).
    bool isPlainGreedy() const {
        return m_settings.temperature <= 0.0f && (m_settings.repeatPenalty == 1.0f || m_settings.repeatLastN == 0);
    }

private:
    struct Candidate {
        TokenId id;
        float value;  // logit, then probability
    };

    SamplerSettings m_settings;
    std::mt19937_64 m_rng;
    std::vector<Candidate> m_candidates;  // reused between calls
};

}  // namespace confidant::inference
