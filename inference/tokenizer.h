// Text <-> token ids for a model's vocabulary. Tokenizer::create picks the implementation named by
// tokenizer.ggml.model: sentencepiece-style ("llama") or byte-level BPE ("gpt2").
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "vocabulary.h"

namespace confidant::inference {

struct EncodeOptions {
    bool addBos = false;        // prepend BOS (when the vocabulary has one)
    bool parseSpecial = false;  // match control/user-defined token text such as "<|eot_id|>"
};

class Tokenizer {
public:
    static Result<std::unique_ptr<Tokenizer>> create(Vocabulary vocabulary);
    virtual ~Tokenizer() = default;

    virtual std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options = {}) const = 0;

    // The bytes a token stands for when it follows `previous` in a sequence (-1: first token).
    // Control tokens give no text unless `renderSpecial` is set.
    virtual std::string tokenText(TokenId id, TokenId previous, bool renderSpecial = false) const = 0;

    // Text of a whole sequence, as a stream of tokenText calls would produce it.
    std::string decode(std::span<const TokenId> ids, bool renderSpecial = false) const;

    const Vocabulary& vocabulary() const { return m_vocabulary; }

protected:
    explicit Tokenizer(Vocabulary vocabulary) : m_vocabulary(std::move(vocabulary)) {}
    Vocabulary m_vocabulary;
};

// Implementations (tokenizer_spm.cpp, tokenizer_bpe.cpp).
Result<std::unique_ptr<Tokenizer>> createSentencePieceTokenizer(Vocabulary vocabulary);
Result<std::unique_ptr<Tokenizer>> createBytePairTokenizer(Vocabulary vocabulary);

}  // namespace confidant::inference
