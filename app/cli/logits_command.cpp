// logits: teacher-forced raw logits for a given id sequence, one JSON line per position, so that any
// backend can be compared with another engine's outputs (e.g. llama.cpp's oracles) from a script.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli/commands.h"
#include "cli/model_options.h"

namespace confidant::cli {

using namespace confidant::inference;

namespace {

// Ids separated by spaces or commas, in one or several arguments.
Result<std::vector<TokenId>> parseTokenIds(const std::vector<std::string>& words, size_t vocabularySize) {
    std::vector<TokenId> ids;
    for (const auto& word : words) {
        size_t at = 0;
        while (at < word.size()) {
            if (word[at] == ',' || word[at] == ' ') {
                ++at;
                continue;
            }
            size_t end = at;
            while (end < word.size() && word[end] >= '0' && word[end] <= '9') ++end;
            if (end == at || end - at > 9) return makeError("'" + word + "' is not a list of token ids");
            const long long id = std::stoll(word.substr(at, end - at));
            if (size_t(id) >= vocabularySize)
                return makeError("token id " + std::to_string(id) + " is outside the " + std::to_string(vocabularySize) +
                                 "-token vocabulary");
            ids.push_back(TokenId(id));
            at = end;
        }
    }
    return ids;
}

}  // namespace

int runLogits(Arguments& args) {
    const bool idsGiven = args.flag({"--ids"});
    auto top = args.integer({"--top", "-k"}, 1, 1 << 20);
    if (!top) return fail(top.error().message);
    auto ctx = args.integer({"--ctx", "-c"}, 1, 1 << 24);
    if (!ctx) return fail(ctx.error().message);
    auto loaded = loadModelAndBackend(args);
    if (!loaded) return fail(loaded.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!idsGiven || positionals->empty()) return fail("logits needs the token ids to feed: --ids ID...");
    const uint32_t vocabSize = loaded->model->config().vocabSize;
    auto ids = parseTokenIds(*positionals, vocabSize);
    if (!ids) return fail(ids.error().message);
    if (ids->empty()) return fail("logits needs at least one token id after --ids");

    const uint32_t contextLength = ctx->has_value() ? uint32_t(**ctx) : uint32_t(ids->size());
    auto session = Session::create(loaded->model, *loaded->backend, contextLength);
    if (!session) return fail(session.error().message);

    const size_t k = std::min<size_t>(size_t(top->value_or(5)), vocabSize);
    std::vector<uint32_t> order(vocabSize);
    for (size_t position = 0; position < ids->size(); ++position) {
        const TokenId id = (*ids)[position];
        if (auto fed = session->feed(std::span<const TokenId>(&id, 1)); !fed) return fail(fed.error().message);
        const std::span<const float> logits = session->logits();
        std::iota(order.begin(), order.end(), 0u);
        // Largest first, the lower id first among equals (the greedy pick); a NaN (a broken
        // backend) sorts last instead of breaking the ordering.
        const auto key = [&](uint32_t i) { return std::isnan(logits[i]) ? -INFINITY : logits[i]; };
        std::partial_sort(order.begin(), order.begin() + ptrdiff_t(k), order.end(), [&](uint32_t a, uint32_t b) {
            return key(a) > key(b) || (key(a) == key(b) && a < b);
        });
        nlohmann::json top = nlohmann::json::array();
        for (size_t i = 0; i < k; ++i) top.push_back({{"id", order[i]}, {"logit", logits[order[i]]}});
        const nlohmann::json line = {{"position", position}, {"token", id}, {"top", std::move(top)}};
        std::printf("%s\n", line.dump().c_str());
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace confidant::cli
