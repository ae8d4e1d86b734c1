// How the next token is chosen: the settings and their defaults, written once. The engine's
// Sampler takes them; the store keeps a conversation's overrides and a reply's values with them;
// the app's settings start from them.
#pragma once

#include <cstdint>

namespace confidant {

struct SamplerSettings {
    float temperature = 0.8f;    // <= 0: greedy
    int32_t topK = 40;           // <= 0: off
    float topP = 0.95f;          // >= 1: off
    float minP = 0.05f;          // <= 0: off
    float repeatPenalty = 1.0f;  // 1: off (the default, as in llama.cpp)
    int32_t repeatLastN = 64;    // how many recent tokens the penalty looks at
    uint64_t seed = 0;

    bool operator==(const SamplerSettings&) const = default;
};

}  // namespace confidant
