// Byte-level BPE vocabularies (tokenizer.ggml.model = "gpt2": GPT-2, Llama 3, Qwen2, ...). Text is
// split by the pre-tokenizer pattern named by tokenizer.ggml.pre (an unknown name is an error, see
// bpe/pre_tokenizer.h), each word's bytes start as one symbol per byte and adjacent symbols merge by
// rank (the index in tokenizer.ggml.merges), lowest first and leftmost among equals, until none is
// left. Control and user-defined tokens are matched in the text only with parseSpecial (longest
// first at the earliest position); they decode to their literal text, control ones only with
// renderSpecial. encode and tokenText are const and thread-safe.
#include <algorithm>
#include <array>
#include <optional>

#include "bpe/byte_unicode.h"
#include "bpe/pre_tokenizer.h"
#include "bpe/token_index.h"
#include "special_tokens.h"
#include "tokenizer.h"

namespace confidant::inference {
namespace {

// Tokens that plain text can produce; special and unused ones come only from parseSpecial.
bool isMergeable(TokenType t) { return t == TokenType::Normal || t == TokenType::Undefined || t == TokenType::Byte; }

// Pre-tokenizers whose reference tokenizer emits a whole word unmerged when the vocabulary has it
// (tiktoken does, and Hugging Face's Llama 3 tokenizer sets ignore_merges); the merges alone can
// disagree with that for a few words.
bool wholeWordsFirst(std::string_view preTokenizer) {
    return preTokenizer == "llama-bpe" || preTokenizer == "llama3" || preTokenizer == "llama-v3";
}

bool isConcatenation(std::string_view whole, std::string_view left, std::string_view right) {
    return whole.size() == left.size() + right.size() && whole.starts_with(left) && whole.ends_with(right);
}

constexpr size_t k_keptScratch = size_t(1) << 16;  // symbols per thread kept between words

class BytePairTokenizer final : public Tokenizer {
public:
    BytePairTokenizer(Vocabulary vocabulary, bpe::PreTokenizer preTokenizer)
        : Tokenizer(std::move(vocabulary)), m_preTokenizer(std::move(preTokenizer)),
          m_wholeWordsFirst(wholeWordsFirst(m_preTokenizer.name())), m_specials(m_vocabulary) {}

    Result<void> build() {
        const Vocabulary& v = m_vocabulary;
        if (v.merges.empty()) return makeError("the byte-level BPE vocabulary has no merges (tokenizer.ggml.merges)");
        const bpe::TokenIndex byText(v.tokens, [](size_t) { return true; });

        for (int b = 0; b < 256; ++b) m_byteToken[size_t(b)] = byText.find(bpe::byteToVocabText(uint8_t(b)));

        // Merges naming tokens the vocabulary lacks can never apply; they are skipped, and a
        // later duplicate of a pair never outranks the first.
        m_merges = bpe::MergeTable(v.merges.size());
        std::string joined;
        TokenId previousResult = -1;
        // The lookups are random accesses into tables larger than the caches; hashing a batch of
        // merges and prefetching their slots first lets those misses overlap.
        constexpr size_t k_batch = 32;
        struct Pending {
            std::string_view left, right;
            uint64_t leftHash, rightHash;
        };
        std::array<Pending, k_batch> pending;
        for (size_t first = 0; first < v.merges.size(); first += k_batch) {
            const size_t count = std::min(k_batch, v.merges.size() - first);
            for (size_t k = 0; k < count; ++k) {
                const std::string& line = v.merges[first + k];
                const size_t space = line.size() > 1 ? line.find(' ', 1) : std::string::npos;
                if (space == std::string::npos)
                    return makeError("tokenizer.ggml.merges[" + std::to_string(first + k) + "] = '" + line +
                                     "' is not two tokens separated by a space");
                Pending& p = pending[k];
                p.left = std::string_view(line.data(), space);
                p.right = std::string_view(line.data() + space + 1, line.size() - space - 1);
                p.leftHash = bpe::hashBytes(p.left);
                p.rightHash = bpe::hashBytes(p.right);
                byText.prefetch(p.leftHash);
                byText.prefetch(p.rightHash);
            }
            for (size_t k = 0; k < count; ++k) {
                const Pending& p = pending[k];
                const TokenId l = byText.find(p.left, p.leftHash), r = byText.find(p.right, p.rightHash);
                if (l < 0 || r < 0) continue;
                // Converters list merges in the order of the tokens they make, several per token,
                // so the previous result or the one after it is nearly always right: checking
                // those first saves a random lookup per merge.
                TokenId merged = -1;
                for (TokenId guess : {previousResult, TokenId(previousResult + 1)})
                    if (v.isValid(guess) && isConcatenation(v.tokens[size_t(guess)], p.left, p.right)) {
                        merged = guess;
                        break;
                    }
                if (merged < 0) merged = byText.find(joined.assign(p.left).append(p.right));
                if (merged < 0) continue;
                previousResult = merged;
                m_merges.insert(l, r, {int32_t(first + k), merged});
            }
        }

        m_bytes.resize(v.size());
        for (size_t i = 0; i < v.size(); ++i) {
            const TokenType t = v.types[i];
            // Special and user-defined tokens are stored as the text they stand for.
            const bool literal = t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown;
            m_bytes[i] = literal ? v.tokens[i] : bpe::vocabTextToBytes(v.tokens[i]);
        }
        if (m_wholeWordsFirst)
            m_wholeWords.emplace(m_bytes, [&v](size_t i) { return isMergeable(v.types[i]); });
        return {};
    }

    std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options) const override {
        std::vector<TokenId> ids;
        if (options.addBos && m_vocabulary.bos >= 0) ids.push_back(m_vocabulary.bos);
        m_specials.split(
            text, options.parseSpecial,
            [&](std::string_view fragment, bool) {
                for (std::string_view word : m_preTokenizer.split(fragment)) encodeWord(word, ids);
            },
            [&](TokenId id) { ids.push_back(id); });
        return ids;
    }

    std::string tokenText(TokenId id, TokenId /*previous*/, bool renderSpecial) const override {
        if (!m_vocabulary.isValid(id)) return {};
        const TokenType t = m_vocabulary.typeOf(id);
        // As llama.cpp decodes: control and unknown tokens are text only when asked for.
        if ((t == TokenType::Control || t == TokenType::Unknown) && !renderSpecial) return {};
        if (t == TokenType::Unused) return {};
        return m_bytes[size_t(id)];
    }

private:
    // One pre-token word: whole-word lookup where the reference does it, else rank-ordered merges
    // driven by a min-heap of candidate pairs (stale entries are skipped when popped).
    void encodeWord(std::string_view word, std::vector<TokenId>& ids) const {
        if (word.empty()) return;
        if (word.size() == 1) {
            emitByte(uint8_t(word[0]), ids);
            return;
        }
        if (m_wholeWords) {
            if (const TokenId whole = m_wholeWords->find(word); whole >= 0) {
                ids.push_back(whole);
                return;
            }
        }

        struct Symbol {
            TokenId id;
            int32_t prev, next;  // neighbours in the current segmentation; -1 at the ends
        };
        struct Candidate {
            int32_t rank, left, right;
            TokenId leftId, rightId, result;
            bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
        };
        const int32_t n = int32_t(word.size());
        // Per-thread scratch, so that encoding a word allocates nothing once warmed up.
        thread_local std::vector<Symbol> symbols;
        thread_local std::vector<Candidate> heap;
        symbols.resize(size_t(n));
        heap.clear();
        for (int32_t i = 0; i < n; ++i) symbols[size_t(i)] = {m_byteToken[uint8_t(word[size_t(i)])], i - 1, i + 1 < n ? i + 1 : -1};

        const auto later = std::greater<>{};
        auto consider = [&](int32_t left, int32_t right) {
            if (left < 0 || right < 0) return;
            const TokenId a = symbols[size_t(left)].id, b = symbols[size_t(right)].id;
            if (a < 0 || b < 0) return;
            if (const bpe::Merge* m = m_merges.find(a, b)) {
                heap.push_back({m->rank, left, right, a, b, m->result});
                std::push_heap(heap.begin(), heap.end(), later);
            }
        };
        for (int32_t i = 0; i + 1 < n; ++i) consider(i, i + 1);

        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), later);
            const Candidate c = heap.back();
            heap.pop_back();
            Symbol& left = symbols[size_t(c.left)];
            Symbol& right = symbols[size_t(c.right)];
            if (left.next != c.right || left.id != c.leftId || right.id != c.rightId) continue;  // stale
            left.id = c.result;
            left.next = right.next;
            if (right.next >= 0) symbols[size_t(right.next)].prev = c.left;
            right.id = -2;  // merged away
            consider(left.prev, c.left);
            consider(c.left, left.next);
        }

        for (int32_t i = 0; i >= 0; i = symbols[size_t(i)].next) {
            if (symbols[size_t(i)].id >= 0) {
                ids.push_back(symbols[size_t(i)].id);
            } else {
                // A byte the vocabulary cannot spell (never in a well-formed byte-level vocabulary).
                if (m_vocabulary.unk >= 0) ids.push_back(m_vocabulary.unk);
            }
        }
        // A huge word (a long run without a split point) should not pin its scratch forever.
        if (symbols.capacity() > k_keptScratch) {
            std::vector<Symbol>().swap(symbols);
            std::vector<Candidate>().swap(heap);
        }
    }

    void emitByte(uint8_t byte, std::vector<TokenId>& ids) const {
        if (m_byteToken[byte] >= 0) ids.push_back(m_byteToken[byte]);
        else if (m_vocabulary.unk >= 0) ids.push_back(m_vocabulary.unk);
    }

    bpe::PreTokenizer m_preTokenizer;
    bool m_wholeWordsFirst;
    bpe::MergeTable m_merges{0};                                 // (left id, right id) -> merge
    std::optional<bpe::TokenIndex> m_wholeWords;                 // raw bytes -> token, over m_bytes
    std::array<TokenId, 256> m_byteToken{};                      // the single-byte token of each byte
    std::vector<std::string> m_bytes;                            // what each token decodes to
    SpecialTokenMatcher m_specials;
};

}  // namespace

Result<std::unique_ptr<Tokenizer>> createBytePairTokenizer(Vocabulary vocabulary) {
    auto preTokenizer = bpe::PreTokenizer::create(vocabulary.preTokenizer);
    if (!preTokenizer) return preTokenizer.error();
    auto tokenizer = std::make_unique<BytePairTokenizer>(std::move(vocabulary), std::move(*preTokenizer));
    if (auto built = tokenizer->build(); !built) return built.error();
    return std::unique_ptr<Tokenizer>(std::move(tokenizer));
}

}  // namespace confidant::inference
