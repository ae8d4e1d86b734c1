// The decode loop shared by the CLI and the app: evaluate the prompt (reusing the session's
// cached prefix), then sample and feed tokens until an end-of-generation token, the token limit,
// a full context, or cancellation.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "foundation/conversation_types.h"
#include "sampler.h"
#include "session.h"

namespace confidant::inference {

// Why generation ended (the shared foundation's FinishReason: Stop, Length, ContextFull, Cancelled here).
using confidant::FinishReason;
using confidant::finishReasonName;

struct GenerationStats {
    uint32_t promptTokens = 0;       // tokens of the prompt
    uint32_t reusedPromptTokens = 0; // of which were already in the KV cache
    uint32_t generatedTokens = 0;
    double timeToFirstToken = 0.0;   // seconds from the call to the first sampled token
    double promptSeconds = 0.0;
    double generationSeconds = 0.0;  // from the first sampled token to the end
    FinishReason finishReason = FinishReason::Stop;

    double promptTokensPerSecond() const;
    double tokensPerSecond() const;  // generation speed
};

struct GenerationRequest {
    std::span<const TokenId> prompt;
    uint32_t maxTokens = 256;
    // Called with each generated token (end-of-generation tokens excluded); return false to stop.
    std::function<bool(TokenId)> onToken;
    const std::atomic<bool>* cancel = nullptr;  // checked between tokens
};

Result<GenerationStats> generate(Session& session, Sampler& sampler, const GenerationRequest& request);

}  // namespace confidant::inference
