// One sequence being evaluated: a backend context (KV cache) plus the tokens it holds. Feeding
// prompt tokens runs them in batches; truncating keeps a prefix so that a continued chat reuses
// the cache for what it has in common. Not thread-safe: one thread drives a session.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <vector>

#include "backend.h"

namespace confidant::inference {

class Session {
public:
    static Result<Session> create(std::shared_ptr<const Model> model, Backend& backend, uint32_t contextLength,
                                  uint32_t maxBatch = 64);

    // Evaluates tokens after those already held; afterwards logits() are the last token's.
    Result<void> feed(std::span<const TokenId> tokens);

    // Like feed(), but returns the greedy choice after the last token, picked where the backend
    // can (on the device for Vulkan) without reading back the logits: logits() are stale afterwards.
    Result<TokenId> feedGreedy(std::span<const TokenId> tokens);

    std::span<const float> logits() const { return m_logits; }
    const std::vector<TokenId>& tokens() const { return m_tokens; }
    uint32_t position() const { return uint32_t(m_tokens.size()); }
    uint32_t contextLength() const { return m_context->contextLength(); }
    const Model& model() const { return *m_model; }

    // Forgets everything after the first `count` tokens (logits are stale until the next feed).
    void truncate(uint32_t count);
    void reset() { truncate(0); }
    // Number of leading tokens `prompt` shares with what the session holds.
    uint32_t commonPrefix(std::span<const TokenId> prompt) const;

private:
    Session() = default;
    const Graph& graphFor(uint32_t tokenCount);
    // Feeds in batches; with `greedy` each batch is evaluated for its argmax, stored there.
    Result<void> feedBatches(std::span<const TokenId> tokens, TokenId* greedy);

    std::shared_ptr<const Model> m_model;
    std::unique_ptr<BackendContext> m_context;
    uint32_t m_maxBatch = 64;
    std::vector<TokenId> m_tokens;
    std::vector<float> m_logits;
    std::map<uint32_t, Graph> m_graphs;
};

}  // namespace confidant::inference
