// Byte-level BPE vocabularies (tokenizer.ggml.model = "gpt2"): not implemented yet.
#include "tokenizer.h"

namespace confidant::inference {

Result<std::unique_ptr<Tokenizer>> createBytePairTokenizer(Vocabulary vocabulary) {
    return makeError("byte-level BPE vocabularies (tokenizer.ggml.model = gpt2, pre-tokenizer '" +
                     vocabulary.preTokenizer + "') are not supported yet");
}

}  // namespace confidant::inference
