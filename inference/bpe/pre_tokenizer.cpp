// PCRE2-backed pre-tokenizer patterns for byte-level BPE vocabularies.
#include "bpe/pre_tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>

namespace confidant::inference::bpe {
namespace {

// Meta's Llama 3 pattern (tiktoken "cl100k"-style: contractions in any case, at most three digits
// per word, a newline run kept apart from the spaces before a word).
constexpr std::string_view k_llama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Qwen2: as Llama 3 but one digit per word.
constexpr std::string_view k_qwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// GPT-2's original pattern (lower-case contractions, an optional leading space per word).
constexpr std::string_view k_gpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

struct NamedPattern {
    std::string_view name;
    std::string_view pattern;
};

constexpr std::array k_patterns = {
    NamedPattern{"llama-bpe", k_llama3Pattern}, NamedPattern{"llama3", k_llama3Pattern},
    NamedPattern{"llama-v3", k_llama3Pattern},  NamedPattern{"qwen2", k_qwen2Pattern},
    NamedPattern{"deepseek-r1-qwen", k_qwen2Pattern},
    NamedPattern{"gpt-2", k_gpt2Pattern},       NamedPattern{"default", k_gpt2Pattern},
    NamedPattern{"", k_gpt2Pattern},
};

// Unicode's White_Space property, which the reference tokenizers mean by \s. PCRE2's \s (with
// UCP) also takes U+180E, which stopped being a space in Unicode 6.3; with it, "!\u180E" would split
// in two where the reference keeps one word.
constexpr std::string_view k_whiteSpace = R"(\t-\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

// The pattern with \s and \S spelled as White_Space classes (inside a class, \s becomes its
// ranges). The patterns here hold no other escapes that could be confused with these.
std::string withUnicodeWhiteSpace(std::string_view pattern) {
    std::string out;
    bool inClass = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char next = pattern[++i];
            if (next == 's') out += inClass ? std::string(k_whiteSpace) : "[" + std::string(k_whiteSpace) + "]";
            else if (next == 'S' && !inClass) out += "[^" + std::string(k_whiteSpace) + "]";
            else out += {c, next};
            continue;
        }
        if (c == '[') inClass = true;
        else if (c == ']') inClass = false;
        out.push_back(c);
    }
    return out;
}

struct MatchDataDeleter {
    void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

// Byte length of the UTF-8 sequence starting at text[at], at least 1 (a stray byte counts alone).
size_t sequenceLength(std::string_view text, size_t at) {
    const uint8_t lead = uint8_t(text[at]);
    const size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
    return at + length <= text.size() ? length : 1;
}

}  // namespace

struct PreTokenizer::Compiled {
    pcre2_code* code = nullptr;
    ~Compiled() { pcre2_code_free(code); }
};

PreTokenizer::PreTokenizer(std::string name, std::unique_ptr<Compiled> compiled, bool jit)
    : m_name(std::move(name)), m_compiled(std::move(compiled)), m_jit(jit) {}
PreTokenizer::PreTokenizer(PreTokenizer&&) noexcept = default;
PreTokenizer& PreTokenizer::operator=(PreTokenizer&&) noexcept = default;
PreTokenizer::~PreTokenizer() = default;

std::string_view PreTokenizer::patternFor(std::string_view name) {
    for (const auto& p : k_patterns)
        if (p.name == name) return p.pattern;
    return {};
}

Result<PreTokenizer> PreTokenizer::create(std::string_view name) {
    const std::string_view pattern = patternFor(name);
    if (pattern.empty())
        return makeError("unsupported pre-tokenizer '" + std::string(name) +
                         "' (tokenizer.ggml.pre); Confidant supports llama-bpe (Llama 3), qwen2, gpt-2 and default");
    const std::string expanded = withUnicodeWhiteSpace(pattern);
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    auto compiled = std::make_unique<Compiled>();
    // MATCH_INVALID_UTF: user text may hold broken UTF-8; such bytes must not stop the split.
    compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expanded.data()), expanded.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &errorCode, &errorOffset, nullptr);
    if (!compiled->code) {
        std::array<PCRE2_UCHAR, 256> message{};
        pcre2_get_error_message(errorCode, message.data(), message.size());
        return makeError("the pre-tokenizer pattern '" + std::string(name) + "' does not compile at offset " +
                         std::to_string(errorOffset) + ": " + reinterpret_cast<const char*>(message.data()));
    }
    // JIT is an optimisation only: where the platform lacks it the interpreter gives the same matches.
    const bool jit = pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
    return PreTokenizer(std::string(name), std::move(compiled), jit);
}

std::vector<std::string_view> PreTokenizer::split(std::string_view text) const {
    std::vector<std::string_view> words;
    if (text.empty()) return words;
    std::unique_ptr<pcre2_match_data, MatchDataDeleter> match(pcre2_match_data_create_from_pattern(m_compiled->code, nullptr));
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t pos = 0;
    while (pos < text.size()) {
        uint32_t options = 0;
        int rc = pcre2_match(m_compiled->code, subject, text.size(), pos, options, match.get(), nullptr);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
            // Very long runs can exhaust the JIT stack; the interpreter keeps its frames on the heap.
            options |= PCRE2_NO_JIT;
            rc = pcre2_match(m_compiled->code, subject, text.size(), pos, options, match.get(), nullptr);
        }
        if (rc < 0) {
            // No match (only invalid UTF-8 is left) or a resource limit: the rest is one word, so
            // the bytes still round-trip.
            words.push_back(text.substr(pos));
            break;
        }
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.get());
        size_t start = ovector[0], end = ovector[1];
        if (start > pos) words.push_back(text.substr(pos, start - pos));  // skipped invalid UTF-8
        if (end == start) end = start + sequenceLength(text, start);      // the patterns never match empty; be safe
        words.push_back(text.substr(start, end - start));
        pos = end;
    }
    return words;
}

}  // namespace confidant::inference::bpe
