// Reading tokenizer.ggml.* metadata into a Vocabulary, with every array checked for consistency.
#include "vocabulary.h"

#include <algorithm>

namespace confidant::inference {
namespace {

// Reads an optional token id key and checks that it names a token of the vocabulary.
Result<TokenId> readSpecialId(const GgufFile& file, std::string_view key, size_t vocabSize) {
    if (!file.has(key)) return TokenId(-1);
    auto v = file.getInt(key);
    if (!v) return v.error();
    // Converters write -1 (or its uint32 pattern) for "no such token".
    if (*v == -1 || *v == 0xFFFFFFFFll) return TokenId(-1);
    if (*v < 0 || size_t(*v) >= vocabSize)
        return makeError("metadata key '" + std::string(key) + "' = " + std::to_string(*v) +
                         " is not a token id of the " + std::to_string(vocabSize) + "-token vocabulary");
    return TokenId(*v);
}

}  // namespace

bool Vocabulary::isEndOfGeneration(TokenId id) const {
    return std::find(endOfGeneration.begin(), endOfGeneration.end(), id) != endOfGeneration.end();
}

Result<Vocabulary> Vocabulary::fromGguf(const GgufFile& file) {
    Vocabulary v;
    auto model = file.getString("tokenizer.ggml.model");
    if (!model) return makeError("the model has no tokenizer: " + model.error().message);
    v.model = *model;
    if (file.has("tokenizer.ggml.pre")) {
        auto pre = file.getString("tokenizer.ggml.pre");
        if (!pre) return pre.error();
        v.preTokenizer = *pre;
    }

    auto tokens = file.getStringArray("tokenizer.ggml.tokens");
    if (!tokens) return tokens.error();
    v.tokens = std::move(*tokens);
    if (v.tokens.empty()) return makeError("the vocabulary (tokenizer.ggml.tokens) is empty");
    const size_t n = v.tokens.size();

    if (file.has("tokenizer.ggml.scores")) {
        auto scores = file.getFloatArray("tokenizer.ggml.scores");
        if (!scores) return scores.error();
        if (scores->size() != n)
            return makeError("tokenizer.ggml.scores has " + std::to_string(scores->size()) + " entries but there are " +
                             std::to_string(n) + " tokens");
        v.scores.assign(scores->begin(), scores->end());
    }

    v.types.assign(n, TokenType::Normal);
    if (file.has("tokenizer.ggml.token_type")) {
        auto types = file.getIntArray("tokenizer.ggml.token_type");
        if (!types) return types.error();
        if (types->size() != n)
            return makeError("tokenizer.ggml.token_type has " + std::to_string(types->size()) +
                             " entries but there are " + std::to_string(n) + " tokens");
        for (size_t i = 0; i < n; ++i) {
            const int64_t t = (*types)[i];
            if (t < 0 || t > 6)
                return makeError("tokenizer.ggml.token_type[" + std::to_string(i) + "] = " + std::to_string(t) +
                                 " is not a token type (0-6)");
            v.types[i] = TokenType(t);
        }
    }

    if (file.has("tokenizer.ggml.merges")) {
        auto merges = file.getStringArray("tokenizer.ggml.merges");
        if (!merges) return merges.error();
        v.merges = std::move(*merges);
    }

    struct SpecialKey { std::string_view key; TokenId* target; };
    for (const auto& [key, target] : {SpecialKey{"tokenizer.ggml.bos_token_id", &v.bos},
                                      SpecialKey{"tokenizer.ggml.eos_token_id", &v.eos},
                                      SpecialKey{"tokenizer.ggml.unknown_token_id", &v.unk},
                                      SpecialKey{"tokenizer.ggml.padding_token_id", &v.pad},
                                      SpecialKey{"tokenizer.ggml.eot_token_id", &v.eot},
                                      SpecialKey{"tokenizer.ggml.eom_token_id", &v.eom}}) {
        auto id = readSpecialId(file, key, n);
        if (!id) return id.error();
        *target = *id;
    }

    for (const auto& [key, target] : {std::pair<std::string_view, bool*>{"tokenizer.ggml.add_bos_token", &v.addBos},
                                      {"tokenizer.ggml.add_eos_token", &v.addEos},
                                      {"tokenizer.ggml.add_space_prefix", &v.addSpacePrefix}}) {
        auto flag = file.getOptional<bool>(key, &GgufFile::getBool);
        if (!flag) return flag.error();
        if (*flag) *target = **flag;
    }
    // Byte-level BPE vocabularies encode spaces inside tokens; they never add a dummy prefix
    // unless the file asks for it explicitly.
    if (v.model == "gpt2" && !file.has("tokenizer.ggml.add_space_prefix")) v.addSpacePrefix = false;
    // Nor do they start with BOS unless the file says so, except for the pre-tokenizers llama.cpp
    // adds one for (Llama 3's and a few others'): Qwen's add none.
    if (v.model == "gpt2" && !file.has("tokenizer.ggml.add_bos_token")) {
        static const std::string_view k_withBos[] = {"llama3",   "llama-v3", "llama-bpe", "falcon3",  "falcon-h1",
                                                     "pixtral",  "midm-2.0", "lfm2",      "tekken",   "chameleon"};
        v.addBos = std::find(std::begin(k_withBos), std::end(k_withBos), v.preTokenizer) != std::end(k_withBos);
    }

    for (TokenId id : {v.eos, v.eot, v.eom})
        if (id >= 0 && !v.isEndOfGeneration(id)) v.endOfGeneration.push_back(id);
    // Chat models mark their end-of-turn tokens by text even when the metadata names only one.
    // Some converters type them USER_DEFINED (Phi-3's <|end|>), which would make the reply's end
    // a visible word; like llama.cpp, such a token is made a control token.
    for (const char* text : {"<|eot_id|>", "<|eom_id|>", "<|end_of_text|>", "<|im_end|>", "<|end|>",
                             "<end_of_turn>", "<|endoftext|>"}) {
        for (size_t i = 0; i < n; ++i) {
            if (v.tokens[i] != text || v.types[i] == TokenType::Unused) continue;
            v.types[i] = TokenType::Control;
            if (!v.isEndOfGeneration(TokenId(i))) v.endOfGeneration.push_back(TokenId(i));
        }
    }
    return v;
}

}  // namespace confidant::inference
