// Fuzzes the sentencepiece tokenizer (Llama 2 vocabulary): encoding any bytes, with and without
// special-token parsing, must not crash, and every id must decode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzz_support.h"
#include "tokenizer.h"

namespace {

std::unique_ptr<confidant::inference::Tokenizer> g_tokenizer;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_tokenizer = confidant::fuzz::loadTokenizer("vocab/llama-spm.gguf");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (bool special : {false, true}) {
        const auto ids = g_tokenizer->encode(text, {.addBos = true, .parseSpecial = special});
        for (auto id : ids)
            if (!g_tokenizer->vocabulary().isValid(id)) std::abort();
        (void)g_tokenizer->decode(ids, special);
    }
    return 0;
}
