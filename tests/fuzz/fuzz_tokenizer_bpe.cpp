// Fuzzes the byte-level BPE tokenizer (Llama 3 vocabulary): any bytes, with and without
// special-token parsing, must encode without crashing; valid ids decode, and text without special
// tokens decodes back to the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzz_support.h"
#include "tokenizer.h"

namespace {

std::unique_ptr<confidant::inference::Tokenizer> g_tokenizer;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_tokenizer = confidant::fuzz::loadTokenizer("vocab/llama3-bpe.gguf");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto plain = g_tokenizer->encode(text, {.addBos = false, .parseSpecial = false});
    for (auto id : plain)
        if (!g_tokenizer->vocabulary().isValid(id)) std::abort();
    // Byte-level BPE loses nothing: every byte string comes back exactly.
    if (g_tokenizer->decode(plain, true) != text) std::abort();
    const auto special = g_tokenizer->encode(text, {.addBos = true, .parseSpecial = true});
    (void)g_tokenizer->decode(special, true);
    return 0;
}
