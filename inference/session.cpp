// Batching tokens through the backend and tracking what the KV cache holds.
#include "session.h"

#include <algorithm>

namespace confidant::inference {

Result<Session> Session::create(std::shared_ptr<const Model> model, Backend& backend, uint32_t contextLength,
                                uint32_t maxBatch) {
    auto context = backend.createContext(contextLength);
    if (!context) return context.error();
    Session s;
    s.m_model = std::move(model);
    s.m_context = std::move(*context);
    s.m_maxBatch = std::max(1u, maxBatch);
    s.m_logits.assign(s.m_model->config().vocabSize, 0.0f);
    return s;
}

const Graph& Session::graphFor(uint32_t tokenCount) {
    auto it = m_graphs.find(tokenCount);
    if (it == m_graphs.end()) it = m_graphs.emplace(tokenCount, m_model->buildGraph(tokenCount)).first;
    return it->second;
}

Result<void> Session::feed(std::span<const TokenId> tokens) { return feedBatches(tokens, nullptr); }

Result<TokenId> Session::feedGreedy(std::span<const TokenId> tokens) {
    if (tokens.empty()) return makeError("internal error: a greedy step needs at least one token");
    TokenId picked = 0;
    if (auto fed = feedBatches(tokens, &picked); !fed) return fed.error();
    return picked;
}

Result<void> Session::feedBatches(std::span<const TokenId> tokens, TokenId* greedy) {
    if (m_tokens.size() + tokens.size() > contextLength())
        return makeError("the conversation needs " + std::to_string(m_tokens.size() + tokens.size()) +
                         " tokens but the context window holds " + std::to_string(contextLength()));
    while (!tokens.empty()) {
        const uint32_t n = std::min<uint32_t>(m_maxBatch, uint32_t(tokens.size()));
        const auto batch = tokens.first(n);
        const StepInput input{batch, position()};
        if (greedy) {
            auto picked = m_context->evaluateArgmax(graphFor(n), input);
            if (!picked) return picked.error();
            *greedy = *picked;
        } else if (auto done = m_context->evaluate(graphFor(n), input, m_logits); !done) {
            return done;
        }
        m_tokens.insert(m_tokens.end(), batch.begin(), batch.end());
        tokens = tokens.subspan(n);
    }
    return {};
}

void Session::truncate(uint32_t count) {
    if (count < m_tokens.size()) m_tokens.resize(count);
}

uint32_t Session::commonPrefix(std::span<const TokenId> prompt) const {
    const auto mismatch = std::mismatch(m_tokens.begin(), m_tokens.end(), prompt.begin(), prompt.end());
    return uint32_t(mismatch.first - m_tokens.begin());
}

}  // namespace confidant::inference
