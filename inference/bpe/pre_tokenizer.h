// The regex split that byte-level BPE applies before merging ("pre-tokenization"): the text is cut
// into words (letters, digit groups, punctuation runs, whitespace) and merges never cross a cut.
// The pattern is chosen by the vocabulary's tokenizer.ggml.pre and run with PCRE2 (UTF + UCP, JIT
// when the platform has it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace confidant::inference::bpe {

class PreTokenizer {
public:
    // `name` is tokenizer.ggml.pre. Known: "llama-bpe" (also "llama3", "llama-v3"), "qwen2"
    // (also "deepseek-r1-qwen"), "gpt-2", and "default" or "" (a file without the key), which take
    // GPT-2's pattern. Any other name is an error naming the supported ones: a silent fallback
    // would tokenize the model's text differently from how it was trained.
    static Result<PreTokenizer> create(std::string_view name);

    // The pattern of a known name (for tests and diagnostics); empty for unknown names.
    static std::string_view patternFor(std::string_view name);

    PreTokenizer(PreTokenizer&&) noexcept;
    PreTokenizer& operator=(PreTokenizer&&) noexcept;
    ~PreTokenizer();

    // Cuts `text` into consecutive, non-empty words that together are exactly `text`. Bytes that
    // are not valid UTF-8 never match the pattern; each such run becomes a word of its own.
    // Thread-safe: any number of threads may split with one PreTokenizer.
    std::vector<std::string_view> split(std::string_view text) const;

    const std::string& name() const { return m_name; }
    bool usesJit() const { return m_jit; }

private:
    struct Compiled;
    PreTokenizer(std::string name, std::unique_ptr<Compiled> compiled, bool jit);

    std::string m_name;
    std::unique_ptr<Compiled> m_compiled;
    bool m_jit = false;
};

}  // namespace confidant::inference::bpe
