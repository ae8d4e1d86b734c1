// Prompt evaluation with prefix reuse, then the sample/feed loop.
#include "generator.h"

#include <chrono>

namespace confidant::inference {

double GenerationStats::promptTokensPerSecond() const {
    const uint32_t evaluated = promptTokens - reusedPromptTokens;
    return promptSeconds > 0 ? evaluated / promptSeconds : 0.0;
}

double GenerationStats::tokensPerSecond() const {
    // The first token's time belongs to the prompt; speed counts the tokens after it.
    return generationSeconds > 0 && generatedTokens > 1 ? (generatedTokens - 1) / generationSeconds : 0.0;
}

Result<GenerationStats> generate(Session& session, Sampler& sampler, const GenerationRequest& request) {
    using Clock = std::chrono::steady_clock;
    const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
    const auto start = Clock::now();
    GenerationStats stats;
    stats.promptTokens = uint32_t(request.prompt.size());
    if (request.prompt.empty()) return makeError("the prompt is empty: a generation needs at least one token (BOS)");

    // Keep the shared prefix, but always re-evaluate the prompt's last token to get its logits.
    const uint32_t reuse = std::min<uint32_t>(session.commonPrefix(request.prompt), stats.promptTokens - 1);
    session.truncate(reuse);
    stats.reusedPromptTokens = reuse;
    // Greedy decoding reads back only the picked id, not the logits.
    const bool onBackend = sampler.isPlainGreedy();
    TokenId picked = 0;
    auto feed = [&](std::span<const TokenId> tokens) -> Result<void> {
        if (!onBackend) return session.feed(tokens);
        auto next = session.feedGreedy(tokens);
        if (!next) return next.error();
        picked = *next;
        return {};
    };
    if (auto fed = feed(request.prompt.subspan(reuse)); !fed) return fed.error();
    stats.promptSeconds = seconds(Clock::now() - start);

    Clock::time_point firstToken{};
    std::vector<TokenId> history(session.tokens());
    const Vocabulary& vocabulary = session.model().tokenizer().vocabulary();
    stats.finishReason = FinishReason::Length;
    while (stats.generatedTokens < request.maxTokens) {
        if (request.cancel && request.cancel->load()) {
            stats.finishReason = FinishReason::Cancelled;
            break;
        }
        const TokenId next = onBackend ? picked : sampler.sample(session.logits(), history);
        if (stats.generatedTokens == 0) {
            firstToken = Clock::now();
            stats.timeToFirstToken = seconds(firstToken - start);
        }
        if (vocabulary.isEndOfGeneration(next)) {
            stats.finishReason = FinishReason::Stop;
            break;
        }
        ++stats.generatedTokens;
        history.push_back(next);
        if (request.onToken && !request.onToken(next)) {
            stats.finishReason = FinishReason::Cancelled;
            break;
        }
        if (stats.generatedTokens == request.maxTokens) break;  // the last token needs no evaluation
        if (session.position() >= session.contextLength()) {
            stats.finishReason = FinishReason::ContextFull;
            break;
        }
        if (auto fed = feed(std::span(&next, 1)); !fed) return fed.error();
    }
    if (stats.generatedTokens > 0) stats.generationSeconds = seconds(Clock::now() - firstToken);
    return stats;
}

}  // namespace confidant::inference
