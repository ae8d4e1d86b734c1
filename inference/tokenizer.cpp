// Tokenizer selection and the shared decode loop.
#include "tokenizer.h"

namespace confidant::inference {

Result<std::unique_ptr<Tokenizer>> Tokenizer::create(Vocabulary vocabulary) {
    if (vocabulary.model == "llama") return createSentencePieceTokenizer(std::move(vocabulary));
    if (vocabulary.model == "gpt2") return createBytePairTokenizer(std::move(vocabulary));
    return makeError("unsupported tokenizer '" + vocabulary.model +
                     "' (tokenizer.ggml.model); Confidant supports 'llama' (sentencepiece) and 'gpt2' (byte-level BPE)");
}

std::string Tokenizer::decode(std::span<const TokenId> ids, bool renderSpecial) const {
    std::string text;
    TokenId previous = -1;
    for (TokenId id : ids) {
        text += tokenText(id, previous, renderSpecial);
        previous = id;
    }
    return text;
}

}  // namespace confidant::inference
