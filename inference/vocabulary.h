// The vocabulary a GGUF model carries (tokens, scores, types, merges, special ids), read and
// validated once; the tokenizers are built from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gguf_file.h"
#include "result.h"

namespace confidant::inference {

using TokenId = int32_t;

// Values match GGUF's `tokenizer.ggml.token_type` (and sentencepiece's piece types).
enum class TokenType : int32_t {
    Undefined = 0, Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6,
};

struct Vocabulary {
    std::string model;          // tokenizer.ggml.model: "llama" (sentencepiece), "gpt2" (byte-level BPE)
    std::string preTokenizer;   // tokenizer.ggml.pre, BPE only ("llama-bpe", "qwen2", "gpt-2", ...)
    std::vector<std::string> tokens;
    std::vector<float> scores;       // empty when the file has none
    std::vector<TokenType> types;    // Normal for every token when the file has none
    std::vector<std::string> merges; // BPE only: "left right"
    TokenId bos = -1, eos = -1, unk = -1, pad = -1, eot = -1, eom = -1;
    bool addBos = true;
    bool addEos = false;
    bool addSpacePrefix = true;
    std::vector<TokenId> endOfGeneration;  // every id that ends a reply (eos, eot, eom, ...)

    static Result<Vocabulary> fromGguf(const GgufFile& file);

    size_t size() const { return tokens.size(); }
    bool isValid(TokenId id) const { return id >= 0 && size_t(id) < tokens.size(); }
    TokenType typeOf(TokenId id) const { return types[size_t(id)]; }
    bool isEndOfGeneration(TokenId id) const;
};

}  // namespace confidant::inference
