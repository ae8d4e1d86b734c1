// Byte-level BPE: llama.cpp's test vectors for the Llama 3 and GPT-2 vocabularies, the
// pre-tokenizer patterns, special tokens, and decode(encode(x)) == x on random UTF-8.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "bpe/byte_unicode.h"
#include "bpe/pre_tokenizer.h"
#include "test_data.h"
#include "tokenizer.h"

namespace confidant::inference {
namespace {

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::unique_ptr<Tokenizer> loadTokenizer(const std::filesystem::path& path) {
    auto file = GgufFile::open(path.string());
    EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
    if (!file) return nullptr;
    auto vocabulary = Vocabulary::fromGguf(**file);
    EXPECT_TRUE(vocabulary.ok()) << (vocabulary.ok() ? "" : vocabulary.error().message);
    if (!vocabulary) return nullptr;
    auto tokenizer = Tokenizer::create(std::move(*vocabulary));
    EXPECT_TRUE(tokenizer.ok()) << (tokenizer.ok() ? "" : tokenizer.error().message);
    if (!tokenizer) return nullptr;
    return std::move(*tokenizer);
}

// Each vocabulary is loaded once for the whole suite (the Llama 3 one takes a moment); encode and
// decode are const and keep no state between calls, so sharing cannot couple the tests.
const Tokenizer* sharedTokenizer(const std::filesystem::path& path) {
    static std::map<std::filesystem::path, std::unique_ptr<Tokenizer>> loaded;
    auto it = loaded.find(path);
    if (it == loaded.end()) it = loaded.emplace(path, loadTokenizer(path)).first;
    return it->second.get();
}

// The .inp format: every string is followed by "\n__ggml_vocab_test__\n" (so a string may be
// empty or end in newlines of its own); line N of .out holds string N's ids, each preceded by a
// space.
std::vector<std::string> readInputs(const std::filesystem::path& path) {
    const std::string text = readFile(path);
    const std::string separator = "\n__ggml_vocab_test__\n";
    std::vector<std::string> inputs;
    size_t pos = 0;
    for (size_t at; (at = text.find(separator, pos)) != std::string::npos; pos = at + separator.size())
        inputs.push_back(text.substr(pos, at - pos));
    EXPECT_EQ(pos, text.size()) << "trailing text after the last separator in " << path;
    return inputs;
}

std::vector<std::vector<TokenId>> readOutputs(const std::filesystem::path& path) {
    std::istringstream in(readFile(path));
    std::vector<std::vector<TokenId>> outputs;
    for (std::string line; std::getline(in, line);) {
        std::istringstream ids(line);
        std::vector<TokenId> row;
        for (TokenId id; ids >> id;) row.push_back(id);
        outputs.push_back(std::move(row));
    }
    return outputs;
}

std::string idsText(const std::vector<TokenId>& ids) {
    std::string s;
    for (TokenId id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
    return s;
}

// Runs every vector of vocab/NAME.{gguf,inp,out}; returns how many matched.
void checkVectors(const std::string& name, size_t expectedCases) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/" + name + ".gguf");
    CONFIDANT_TESTDATA_FILE(inp, "vocab/" + name + ".inp");
    CONFIDANT_TESTDATA_FILE(out, "vocab/" + name + ".out");
    const Tokenizer* tokenizer = sharedTokenizer(gguf);
    ASSERT_TRUE(tokenizer);
    const auto inputs = readInputs(inp);
    const auto outputs = readOutputs(out);
    ASSERT_EQ(inputs.size(), expectedCases);
    ASSERT_EQ(outputs.size(), inputs.size());
    size_t matched = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const auto ids = tokenizer->encode(inputs[i], {.addBos = false, .parseSpecial = false});
        EXPECT_EQ(idsText(ids), idsText(outputs[i])) << name << " case " << i << ": '" << inputs[i] << "'";
        if (ids == outputs[i]) ++matched;
        EXPECT_EQ(tokenizer->decode(ids), inputs[i]) << name << " case " << i;
    }
    std::printf("[ vectors  ] %s: %zu/%zu cases match\n", name.c_str(), matched, inputs.size());
}

TEST(BytePairTokenizer, Llama3VectorsMatchExactly) { checkVectors("llama3-bpe", 46); }

TEST(BytePairTokenizer, Gpt2VectorsMatchExactly) { checkVectors("gpt-2", 46); }

// Random valid UTF-8 built from the kinds of text that stress the split: letter runs in several
// scripts, digit runs, punctuation, whitespace runs of every kind, CR/LF, emoji, combining marks.
std::string randomText(std::mt19937& rng) {
    static const std::vector<std::string> pieces = {
        "a", "Z", "q", "e", "'", "'s", "'T", "'ll", "'RE", "0", "7", "42", "12345", " ", "  ", "\t", "\n", "\r\n", "\r",
        "\n\n", "\xC2\xA0" /* NBSP */, "\xE3\x80\x80" /* ideographic space */, "\xE1\xA0\x8E" /* U+180E */,
        "\xE2\x80\xA8" /* line separator */, ".", ",", "!", "?", "...", "-", "_", "(", ")", "<", ">", "|", "<|", "|>", "$",
        "\xC3\xA4" /* ä */, "\xC3\x9F" /* ß */, "\xC5\xBF" /* ſ */, "\xE2\x84\xAA" /* Kelvin */, "\xD0\x9F\xD1\x80\xD0\xB8" /* При */,
        "\xE6\x97\xA5\xE6\x9C\xAC" /* 日本 */, "\xF0\x9F\x98\x80" /* 😀 */, "\xF0\x9F\xA6\x99", "\xCC\x81" /* combining acute */,
        "\xD9\xA3" /* Arabic-indic 3 */, "\xE2\x85\xA7" /* Roman numeral 8 (Nl) */, "\xE2\x80\x8D" /* ZWJ */,
        "\xEF\xBB\xBF" /* BOM */, "\x7F", "\x01",
    };
    std::uniform_int_distribution<int> count(0, 40), pick(0, int(pieces.size()) - 1), kind(0, 9);
    std::uniform_int_distribution<uint32_t> codePoint(1, 0x10FFFF);
    std::string s;
    for (int n = count(rng); n > 0; --n) {
        if (kind(rng) == 0) {
            // Any scalar value, encoded by hand.
            uint32_t cp;
            do cp = codePoint(rng); while (cp >= 0xD800 && cp <= 0xDFFF);
            if (cp < 0x80) s += char(cp);
            else if (cp < 0x800) s += {char(0xC0 | (cp >> 6)), char(0x80 | (cp & 0x3F))};
            else if (cp < 0x10000) s += {char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F))};
            else s += {char(0xF0 | (cp >> 18)), char(0x80 | ((cp >> 12) & 0x3F)), char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F))};
        } else {
            s += pieces[size_t(pick(rng))];
        }
    }
    return s;
}

void checkRoundTrip(const std::string& name) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/" + name + ".gguf");
    const Tokenizer* tokenizer = sharedTokenizer(gguf);
    ASSERT_TRUE(tokenizer);
    std::mt19937 rng(20261127);
    for (int i = 0; i < 10000; ++i) {
        const std::string text = randomText(rng);
        const auto ids = tokenizer->encode(text);
        ASSERT_EQ(tokenizer->decode(ids), text) << name << " sample " << i << " ids " << idsText(ids);
        for (TokenId id : ids) ASSERT_TRUE(tokenizer->vocabulary().isValid(id));
    }
}

TEST(BytePairTokenizer, Llama3DecodeOfEncodeIsIdentityOnRandomUtf8) { checkRoundTrip("llama3-bpe"); }

TEST(BytePairTokenizer, Gpt2DecodeOfEncodeIsIdentityOnRandomUtf8) { checkRoundTrip("gpt-2"); }

// With parsing on, special-token text becomes the special token and renders back when asked.
TEST(BytePairTokenizer, DecodeOfEncodeWithSpecialTokensRendersThem) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama3-bpe.gguf");
    const Tokenizer* tokenizer = sharedTokenizer(gguf);
    ASSERT_TRUE(tokenizer);
    const TokenId eot = 128009, header = 128006;
    std::mt19937 rng(11);
    for (int i = 0; i < 300; ++i) {
        const std::string text = randomText(rng) + "<|eot_id|>" + randomText(rng) + "<|start_header_id|>" + randomText(rng);
        const auto ids = tokenizer->encode(text, {.parseSpecial = true});
        ASSERT_EQ(std::count(ids.begin(), ids.end(), eot), 1) << text;
        ASSERT_EQ(std::count(ids.begin(), ids.end(), header), 1) << text;
        ASSERT_EQ(tokenizer->decode(ids, true), text);
    }
}

// Llama 3's reference (tiktoken) emits a word the vocabulary holds as that one token, even where
// the merges would not build it (588 tokens such as " Việt"): every such token must come back.
TEST(BytePairTokenizer, Llama3WordsInTheVocabularyAreOneToken) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama3-bpe.gguf");
    const Tokenizer* tokenizer = sharedTokenizer(gguf);
    ASSERT_TRUE(tokenizer);
    EXPECT_EQ(tokenizer->encode(" Vi\xE1\xBB\x87t"), (std::vector<TokenId>{101798}));
    auto pre = bpe::PreTokenizer::create("llama-bpe");
    ASSERT_TRUE(pre.ok());
    const Vocabulary& v = tokenizer->vocabulary();
    size_t checked = 0;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v.types[i] != TokenType::Normal) continue;
        const std::string bytes = bpe::vocabTextToBytes(v.tokens[i]);
        if (pre->split(bytes).size() != 1) continue;  // not a word the pre-tokenizer would produce
        ++checked;
        ASSERT_EQ(tokenizer->encode(bytes), (std::vector<TokenId>{TokenId(i)})) << "token " << i;
    }
    EXPECT_GT(checked, 120000u);
}

TEST(BytePairTokenizer, InvalidUtf8AndLongRunsRoundTrip) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama3-bpe.gguf");
    const Tokenizer* tokenizer = sharedTokenizer(gguf);
    ASSERT_TRUE(tokenizer);
    for (const std::string& text :
         {std::string("a\xFF" "b \xC3"), std::string("\x80\x80 x \xF0\x9F"), std::string("ok\xED\xA0\x80" "surrogate"),
          std::string(100000, 'a'), std::string(100000, ' ') + "x", std::string(50000, '\n'), std::string(30000, '7')}) {
        const auto ids = tokenizer->encode(text);
        EXPECT_FALSE(ids.empty());
        EXPECT_EQ(tokenizer->decode(ids), text) << "length " << text.size();
    }
    // Each of three digit groups is one token: a million digits stay a third of a million tokens.
    EXPECT_EQ(tokenizer->encode(std::string(30000, '7')).size(), 10000u);
}

TEST(BytePairTokenizer, SpecialTokensOnlyWhenAsked) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama3-bpe.gguf");
    const Tokenizer* tokenizer = sharedTokenizer(gguf);
    ASSERT_TRUE(tokenizer);
    const Vocabulary& v = tokenizer->vocabulary();
    ASSERT_EQ(v.tokens[128000], "<|begin_of_text|>");
    ASSERT_EQ(v.tokens[128009], "<|eot_id|>");
    const std::string text = "<|begin_of_text|>Hello<|eot_id|><|eot_id|> world<|eot_id";

    const auto special = tokenizer->encode(text, {.parseSpecial = true});
    EXPECT_EQ(idsText(special), "128000 9906 128009 128009 1917 " +
                                    idsText(tokenizer->encode("<|eot_id", {.parseSpecial = true})));
    EXPECT_EQ(tokenizer->decode(special), "Hello world<|eot_id");
    EXPECT_EQ(tokenizer->decode(special, true), text);
    EXPECT_EQ(tokenizer->tokenText(128009, 9906), "");
    EXPECT_EQ(tokenizer->tokenText(128009, 9906, true), "<|eot_id|>");

    const auto plain = tokenizer->encode(text);
    for (TokenId id : plain) EXPECT_NE(v.typeOf(id), TokenType::Control) << id;
    EXPECT_EQ(tokenizer->decode(plain), text);
    // The text before a special token is split on its own: "a" + "<|eot_id|>" + "b" is three words.
    EXPECT_EQ(tokenizer->encode("Hello<|eot_id|>world", {.parseSpecial = true}),
              (std::vector<TokenId>{9906, 128009, 14957}));

    EXPECT_EQ(tokenizer->encode("Hello", {.addBos = true}), (std::vector<TokenId>{128000, 9906}));
    EXPECT_EQ(tokenizer->encode("", {.addBos = true}), (std::vector<TokenId>{128000}));
    EXPECT_TRUE(tokenizer->encode("").empty());
}

TEST(BytePairTokenizer, ByteUnicodeMappingIsGpt2s) {
    EXPECT_EQ(bpe::byteToVocabText(' '), "\xC4\xA0");   // Ġ
    EXPECT_EQ(bpe::byteToVocabText('\n'), "\xC4\x8A");  // Ċ
    EXPECT_EQ(bpe::byteToVocabText('A'), "A");
    EXPECT_EQ(bpe::byteToCodePoint(0), char32_t(256));
    EXPECT_EQ(bpe::byteToCodePoint(0xAD), char32_t(323));  // the last of the remapped bytes
    EXPECT_EQ(bpe::byteToCodePoint(0xA1), char32_t(0xA1));
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(char(b));
    EXPECT_EQ(bpe::vocabTextToBytes(bpe::bytesToVocabText(all)), all);
}

std::vector<std::string> splitWith(std::string_view preTokenizer, std::string_view text) {
    auto p = bpe::PreTokenizer::create(preTokenizer);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    if (!p) return {};
    std::vector<std::string> words;
    for (auto w : p->split(text)) words.emplace_back(w);
    return words;
}

using Words = std::vector<std::string>;

TEST(PreTokenizer, Llama3Pattern) {
    // (?i:...) contractions in any case, but only ASCII-apostrophe ones.
    EXPECT_EQ(splitWith("llama-bpe", "I'M HE'S we'Ll"), (Words{"I", "'M", " HE", "'S", " we", "'Ll"}));
    // \p{L} covers every script and one leading non-letter joins the word; alternatives are tried
    // in order, so " $x" is punctuation then a word.
    EXPECT_EQ(splitWith("llama-bpe", "na\xC3\xAFve \xD0\x9F\xD1\x80\xD0\xB8 $x\"y"),
              (Words{"na\xC3\xAFve", " \xD0\x9F\xD1\x80\xD0\xB8", " $", "x", "\"y"}));
    // \p{N}{1,3}, including non-ASCII digits.
    EXPECT_EQ(splitWith("llama-bpe", "1234567 \xD9\xA3\xD9\xA3\xD9\xA3\xD9\xA3"),
              (Words{"123", "456", "7", " ", "\xD9\xA3\xD9\xA3\xD9\xA3", "\xD9\xA3"}));
    // \s+(?!\S): the last space of a run goes with the next word; newline runs stay apart.
    EXPECT_EQ(splitWith("llama-bpe", "a   b\n\n  c  "), (Words{"a", "  ", " b", "\n\n", " ", " c", "  "}));
    EXPECT_EQ(splitWith("llama-bpe", "x...\n\ny"), (Words{"x", "...\n\n", "y"}));
}

// \s is Unicode's White_Space (as in the reference tokenizers), not PCRE2's wider set.
TEST(PreTokenizer, WhiteSpaceIsUnicodeWhiteSpace) {
    EXPECT_EQ(splitWith("llama-bpe", "!\xE1\xA0\x8E x"), (Words{"!\xE1\xA0\x8E", " x"}));  // U+180E is not a space
    EXPECT_EQ(splitWith("llama-bpe", "!\xE3\x80\x80x"), (Words{"!", "\xE3\x80\x80x"}));    // U+3000 is
    EXPECT_EQ(splitWith("llama-bpe", "a\xC2\xA0\xC2\xA0" "b"), (Words{"a", "\xC2\xA0", "\xC2\xA0" "b"}));
    EXPECT_EQ(splitWith("gpt-2", "a\x0B\x0C\x1F" "b"), (Words{"a", "\x0B", "\x0C", "\x1F", "b"}));
}

TEST(PreTokenizer, Qwen2AndGpt2Patterns) {
    EXPECT_EQ(splitWith("qwen2", "2024 ok"), (Words{"2", "0", "2", "4", " ok"}));
    EXPECT_EQ(splitWith("gpt-2", "2024 ok 12"), (Words{"2024", " ok", " 12"}));
    // GPT-2's contractions are lower case only.
    EXPECT_EQ(splitWith("gpt-2", "it's IT'S"), (Words{"it", "'s", " IT", "'", "S"}));
    EXPECT_EQ(splitWith("default", "a  b"), (Words{"a", " ", " b"}));
    EXPECT_EQ(splitWith("", "a  b"), (Words{"a", " ", " b"}));
}

TEST(PreTokenizer, InvalidUtf8BecomesItsOwnWord) {
    EXPECT_EQ(splitWith("llama-bpe", "ab\xFF\xFE" "cd \xC3"), (Words{"ab", "\xFF\xFE", "cd", " ", "\xC3"}));
}

TEST(PreTokenizer, UnknownNameIsAnError) {
    auto p = bpe::PreTokenizer::create("mystery-7");
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().message.find("'mystery-7'"), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find("llama-bpe"), std::string::npos) << p.error().message;
}

TEST(BytePairTokenizer, VocabularyWithoutMergesIsRejected) {
    Vocabulary v;
    v.model = "gpt2";
    v.preTokenizer = "gpt-2";
    v.tokens = {"a", "b"};
    v.types = {TokenType::Normal, TokenType::Normal};
    auto t = Tokenizer::create(std::move(v));
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("merges"), std::string::npos);
}

// A hand-made vocabulary: merges apply by rank, lowest first, leftmost among equals.
TEST(BytePairTokenizer, MergesApplyByRank) {
    Vocabulary v;
    v.model = "gpt2";
    v.preTokenizer = "gpt-2";
    v.tokens = {"a", "b", "c", "ab", "bc", "abc", "aa", "aaa"};
    v.types.assign(v.tokens.size(), TokenType::Normal);
    v.merges = {"b c", "a b", "a bc", "a a", "aa a"};
    auto t = Tokenizer::create(std::move(v));
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ((*t)->encode("abc"), (std::vector<TokenId>{5}));       // b+c first, then a+bc
    EXPECT_EQ((*t)->encode("ab"), (std::vector<TokenId>{3}));
    EXPECT_EQ((*t)->encode("aaaa"), (std::vector<TokenId>{6, 6}));  // (aa)(aa), not (aaa)(a)
    EXPECT_EQ((*t)->encode("aaa"), (std::vector<TokenId>{7}));
    EXPECT_EQ((*t)->encode("cab"), (std::vector<TokenId>{2, 3}));
}

// Timing figures for the report; disabled in the suite (no timed assertions). Run with
// --gtest_also_run_disabled_tests --gtest_filter=*Benchmark*.
TEST(BytePairTokenizer, DISABLED_Benchmark) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama3-bpe.gguf");
    auto file = GgufFile::open(gguf.string());
    ASSERT_TRUE(file.ok());
    auto vocabulary = Vocabulary::fromGguf(**file);
    ASSERT_TRUE(vocabulary.ok());
    // Wall time and process CPU time: on a shared machine the CPU time is the steadier figure.
    using Clock = std::chrono::steady_clock;
    struct Stamp {
        Clock::time_point wall = Clock::now();
        std::clock_t cpu = std::clock();
    };
    auto since = [](const Stamp& a, const Stamp& b) {
        return std::pair{std::chrono::duration<double, std::milli>(b.wall - a.wall).count(),
                         1000.0 * double(b.cpu - a.cpu) / CLOCKS_PER_SEC};
    };
    const Stamp t0;
    auto tokenizer = Tokenizer::create(std::move(*vocabulary));
    const Stamp t1;
    ASSERT_TRUE(tokenizer.ok());
    std::mt19937 rng(7);
    std::string text;
    while (text.size() < 4'000'000) text += randomText(rng) + " The quick brown fox jumps over the lazy dog. ";
    const Stamp t2;
    const auto ids = (*tokenizer)->encode(text);
    const Stamp t3;
    const std::string back = (*tokenizer)->decode(ids);
    const Stamp t4;
    EXPECT_EQ(back, text);
    const auto [buildWall, buildCpu] = since(t0, t1);
    const auto [encodeWall, encodeCpu] = since(t2, t3);
    const auto [decodeWall, decodeCpu] = since(t3, t4);
    std::printf("construction %.1f ms (cpu %.1f ms)\n", buildWall, buildCpu);
    std::printf("encode %.2f MB, %zu tokens: %.1f ms (cpu %.1f ms) = %.2f MB/s wall, %.2f MB/s cpu\n",
                double(text.size()) / 1e6, ids.size(), encodeWall, encodeCpu, double(text.size()) / 1e3 / encodeWall,
                double(text.size()) / 1e3 / encodeCpu);
    std::printf("decode %.1f ms (cpu %.1f ms)\n", decodeWall, decodeCpu);
}

}  // namespace
}  // namespace confidant::inference
