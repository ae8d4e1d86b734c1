// Vocabularies that real GGUF files carry and llama.cpp runs although the sentencepiece library
// would refuse them as they are: Phi-3's 32,064 tokens with [PAD32011].. typed UNKNOWN besides
// <unk>, control-looking end-of-turn tokens typed USER_DEFINED, repeated and empty texts, byte
// pieces without the full set of 256, no unknown token at all. And how each token type decodes.
#include <gtest/gtest.h>

#include <algorithm>

#include "gguf_writer.h"
#include "test_data.h"
#include "tokenizer.h"

namespace confidant::inference {
namespace {

// Phi-3-mini's added tokens after the 32,000 Llama 2 pieces, with the types its GGUF gives them.
struct AddedToken {
    const char* text;
    TokenType type;
};
constexpr AddedToken k_phi3Added[] = {
    {"<|endoftext|>", TokenType::Control},      {"<|assistant|>", TokenType::UserDefined},
    {"<|placeholder1|>", TokenType::UserDefined}, {"<|placeholder2|>", TokenType::UserDefined},
    {"<|placeholder3|>", TokenType::UserDefined}, {"<|placeholder4|>", TokenType::UserDefined},
    {"<|system|>", TokenType::UserDefined},     {"<|end|>", TokenType::UserDefined},
    {"<|placeholder5|>", TokenType::UserDefined}, {"<|placeholder6|>", TokenType::UserDefined},
    {"<|user|>", TokenType::UserDefined},
};

// The llama-spm vocabulary grown to Phi-3's: added tokens 32000-32010, [PAD32011]..[PAD32063]
// typed UNKNOWN, written as a GGUF file and read back as the loader reads it.
std::vector<uint8_t> phi3VocabularyFile(const GgufFile& llamaSpm) {
    auto base = Vocabulary::fromGguf(llamaSpm);
    EXPECT_TRUE(base) << base.error().message;
    std::vector<std::string> tokens = base->tokens;
    std::vector<TokenType> types = base->types;
    std::vector<float> scores = base->scores;
    for (const auto& added : k_phi3Added) {
        tokens.push_back(added.text);
        types.push_back(added.type);
        scores.push_back(0.0f);
    }
    while (tokens.size() < 32064) {
        tokens.push_back("[PAD" + std::to_string(tokens.size()) + "]");
        types.push_back(TokenType::Unknown);
        scores.push_back(0.0f);
    }
    GgufWriter w;
    w.copyMetadataFrom(llamaSpm, {"tokenizer.ggml.model", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                                  "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id"});
    std::vector<GgufValue> typeValues, scoreValues;
    for (TokenType t : types) typeValues.push_back(ggufInt32(int32_t(t)));
    for (float s : scores) scoreValues.push_back(ggufFloat32(s));
    w.set("tokenizer.ggml.tokens", ggufStringArray(tokens));
    w.set("tokenizer.ggml.token_type", ggufArray(GgufType::Int32, typeValues));
    w.set("tokenizer.ggml.scores", ggufArray(GgufType::Float32, scoreValues));
    w.set("tokenizer.ggml.eos_token_id", ggufUInt32(32000));
    return w.toBytes();
}

std::unique_ptr<Tokenizer> tokenizerFromBytes(const std::vector<uint8_t>& bytes) {
    auto file = GgufFile::fromMemory(bytes.data(), bytes.size());
    EXPECT_TRUE(file) << file.error().message;
    if (!file) return nullptr;
    auto vocabulary = Vocabulary::fromGguf(**file);
    EXPECT_TRUE(vocabulary) << vocabulary.error().message;
    if (!vocabulary) return nullptr;
    auto tokenizer = Tokenizer::create(std::move(*vocabulary));
    EXPECT_TRUE(tokenizer) << tokenizer.error().message;
    return tokenizer ? std::move(*tokenizer) : nullptr;
}

TEST(VocabularyTypes, Phi3VocabularyWithUnknownPaddingLoads) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    auto llamaSpm = GgufFile::open(path.string());
    ASSERT_TRUE(llamaSpm) << llamaSpm.error().message;
    auto llamaVocabulary = Vocabulary::fromGguf(**llamaSpm);
    ASSERT_TRUE(llamaVocabulary);
    auto llama = Tokenizer::create(std::move(*llamaVocabulary));
    ASSERT_TRUE(llama);

    const auto bytes = phi3VocabularyFile(**llamaSpm);
    auto phi3 = tokenizerFromBytes(bytes);
    ASSERT_NE(phi3, nullptr);
    const Vocabulary& v = phi3->vocabulary();
    ASSERT_EQ(v.size(), 32064u);
    EXPECT_EQ(std::count(v.types.begin(), v.types.end(), TokenType::Unknown), 54) << "<unk> and 53 padding entries";

    // Plain text encodes exactly as with the Llama 2 vocabulary: the padding entries, even
    // spelled out, are never produced.
    for (const std::string text : {"The quick brown fox jumps over the lazy dog.", "ünïcödé ☕ 🦙 [PAD32011] x",
                                   "[PAD32063][PAD32011]", "<unk>"}) {
        const auto ids = phi3->encode(text, {.addBos = true, .parseSpecial = true});
        EXPECT_EQ(ids, (*llama)->encode(text, {.addBos = true})) << text;
        EXPECT_TRUE(std::none_of(ids.begin(), ids.end(), [](TokenId id) { return id >= 32000; })) << text;
    }

    // Unknown entries decode as nothing, or as their text when special tokens are rendered.
    EXPECT_EQ(phi3->tokenText(32011, 100), "");
    EXPECT_EQ(phi3->tokenText(32011, 100, true), "[PAD32011]");
    EXPECT_EQ(phi3->tokenText(32063, 100, true), "[PAD32063]");
    EXPECT_EQ(phi3->tokenText(0, 100), "");
    EXPECT_EQ(phi3->tokenText(0, 100, true), "<unk>");
}

TEST(VocabularyTypes, Phi3ChatTokensAreMatchedAndEndTheTurn) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    auto llamaSpm = GgufFile::open(path.string());
    ASSERT_TRUE(llamaSpm) << llamaSpm.error().message;
    const auto bytes = phi3VocabularyFile(**llamaSpm);
    auto phi3 = tokenizerFromBytes(bytes);
    ASSERT_NE(phi3, nullptr);
    const Vocabulary& v = phi3->vocabulary();

    // <|end|> is USER_DEFINED in Phi-3's files; like llama.cpp we make it a control token that
    // ends the reply instead of a visible word.
    EXPECT_EQ(v.typeOf(32007), TokenType::Control);
    EXPECT_TRUE(v.isEndOfGeneration(32007));
    EXPECT_TRUE(v.isEndOfGeneration(32000));
    EXPECT_EQ(v.typeOf(32010), TokenType::UserDefined) << "<|user|> keeps its type";
    EXPECT_FALSE(v.isEndOfGeneration(32010));

    const auto ids = phi3->encode("<|user|>\nHi<|end|>\n<|assistant|>", {.addBos = true, .parseSpecial = true});
    ASSERT_GE(ids.size(), 5u);
    EXPECT_EQ(ids[0], 1);
    EXPECT_EQ(ids[1], 32010);
    EXPECT_EQ(ids.back(), 32001);
    EXPECT_EQ(std::count(ids.begin(), ids.end(), 32007), 1);

    // User-defined pieces decode as written; the control <|end|> only when rendered.
    EXPECT_EQ(phi3->tokenText(32010, 100), "<|user|>");
    EXPECT_EQ(phi3->tokenText(32007, 100), "");
    EXPECT_EQ(phi3->tokenText(32007, 100, true), "<|end|>");
}

// A small sentencepiece vocabulary: <unk> <s> </s>, the 256 byte pieces, then pieces for a few
// words; `edit` changes it before the tokenizer is built.
Vocabulary smallVocabulary() {
    Vocabulary v;
    v.model = "llama";
    const auto add = [&v](std::string text, TokenType type, float score) {
        v.tokens.push_back(std::move(text));
        v.types.push_back(type);
        v.scores.push_back(score);
    };
    add("<unk>", TokenType::Unknown, 0);
    add("<s>", TokenType::Control, 0);
    add("</s>", TokenType::Control, 0);
    char byteName[8];
    for (int b = 0; b < 256; ++b) {
        std::snprintf(byteName, sizeof byteName, "<0x%02X>", b);
        add(byteName, TokenType::Byte, 0);
    }
    // Merge scores: higher merges first.
    for (const char* piece : {"\xE2\x96\x81", "h", "e", "l", "o", "w", "r", "d", "\xE2\x96\x81h", "el", "\xE2\x96\x81hel",
                              "lo", "\xE2\x96\x81hello", "\xE2\x96\x81w", "or", "\xE2\x96\x81wor", "ld",
                              "\xE2\x96\x81world"})
        add(piece, TokenType::Normal, -float(v.tokens.size()));
    v.unk = 0;
    v.bos = 1;
    v.eos = 2;
    return v;
}

TokenId idOf(const Vocabulary& v, std::string_view text) {
    const auto it = std::find(v.tokens.rbegin(), v.tokens.rend(), text);
    return it == v.tokens.rend() ? -1 : TokenId(v.tokens.rend() - it - 1);
}

std::unique_ptr<Tokenizer> build(Vocabulary v) {
    auto tokenizer = Tokenizer::create(std::move(v));
    EXPECT_TRUE(tokenizer) << tokenizer.error().message;
    return tokenizer ? std::move(*tokenizer) : nullptr;
}

TEST(VocabularyTypes, TheSmallVocabularyEncodesWords) {
    auto tokenizer = build(smallVocabulary());
    ASSERT_NE(tokenizer, nullptr);
    const Vocabulary& v = tokenizer->vocabulary();
    EXPECT_EQ(tokenizer->encode("hello world"),
              (std::vector<TokenId>{idOf(v, "\xE2\x96\x81hello"), idOf(v, "\xE2\x96\x81world")}));
    EXPECT_EQ(tokenizer->decode(tokenizer->encode("hello world")), "hello world");
}

TEST(VocabularyTypes, RepeatedTextsLoadAndTheLastIdIsTheOneEncoded) {
    Vocabulary v = smallVocabulary();
    const TokenId first = idOf(v, "\xE2\x96\x81world");
    v.tokens.push_back("\xE2\x96\x81world");  // as llama.cpp's lookup does, the later id wins
    v.types.push_back(TokenType::Normal);
    v.scores.push_back(-1000.0f);
    v.tokens.push_back("<s>");  // a second control text
    v.types.push_back(TokenType::Control);
    v.scores.push_back(0.0f);
    const TokenId second = TokenId(v.tokens.size() - 2);
    auto tokenizer = build(std::move(v));
    ASSERT_NE(tokenizer, nullptr);
    const auto ids = tokenizer->encode("hello world");
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(ids[1], second);
    EXPECT_EQ(tokenizer->tokenText(first, 5), " world") << "both ids decode as their text";
    EXPECT_EQ(tokenizer->tokenText(second, 5), " world");
}

TEST(VocabularyTypes, EmptyTextsLoadAndDecodeAsNothing) {
    Vocabulary v = smallVocabulary();
    v.tokens.push_back("");
    v.types.push_back(TokenType::Normal);
    v.scores.push_back(0.0f);
    v.tokens.push_back("");
    v.types.push_back(TokenType::UserDefined);
    v.scores.push_back(0.0f);
    const TokenId empty = TokenId(v.tokens.size() - 2);
    auto tokenizer = build(std::move(v));
    ASSERT_NE(tokenizer, nullptr);
    EXPECT_EQ(tokenizer->tokenText(empty, 5), "");
    EXPECT_EQ(tokenizer->decode(tokenizer->encode("hello world", {.parseSpecial = true})), "hello world");
}

TEST(VocabularyTypes, IncompleteOrMisnamedBytePiecesLoadWithoutByteFallback) {
    Vocabulary v = smallVocabulary();
    const TokenId byteA = idOf(v, "<0x41>");
    v.tokens[size_t(idOf(v, "<0x42>"))] = "<0xZZ>";  // misnamed: no longer a byte piece
    auto tokenizer = build(std::move(v));
    ASSERT_NE(tokenizer, nullptr);
    // Without all 256 byte pieces an unknown character becomes <unk> instead of its bytes.
    EXPECT_EQ(tokenizer->encode("hello q"), (std::vector<TokenId>{idOf(tokenizer->vocabulary(), "\xE2\x96\x81hello"),
                                                                  idOf(tokenizer->vocabulary(), "\xE2\x96\x81"), 0}));
    EXPECT_EQ(tokenizer->tokenText(byteA, 5), "A") << "well-named byte pieces still decode to their byte";
    EXPECT_EQ(tokenizer->tokenText(idOf(tokenizer->vocabulary(), "<0xZZ>"), 5), "<0xZZ>");
}

TEST(VocabularyTypes, FullByteSetFallsBackToBytes) {
    auto tokenizer = build(smallVocabulary());
    ASSERT_NE(tokenizer, nullptr);
    const auto ids = tokenizer->encode("q");
    const Vocabulary& v = tokenizer->vocabulary();
    EXPECT_EQ(ids, (std::vector<TokenId>{idOf(v, "\xE2\x96\x81"), idOf(v, "<0x71>")}));
}

TEST(VocabularyTypes, WithoutAnUnknownTokenIdZeroIsUsed) {
    Vocabulary v = smallVocabulary();
    v.unk = -1;
    v.types[0] = TokenType::Control;
    v.tokens.resize(3 + 10);  // a few byte pieces only, so unknown characters need <unk>
    v.types.resize(13);
    v.scores.resize(13);
    for (const char* piece : {"\xE2\x96\x81", "h", "i"}) {
        v.tokens.push_back(piece);
        v.types.push_back(TokenType::Normal);
        v.scores.push_back(-float(v.tokens.size()));
    }
    auto tokenizer = build(std::move(v));
    ASSERT_NE(tokenizer, nullptr);
    EXPECT_EQ(tokenizer->encode("q"), (std::vector<TokenId>{13, 0}));
}

TEST(VocabularyTypes, EachTypeDecodesAsLlamaCppDoes) {
    Vocabulary v = smallVocabulary();
    const auto add = [&v](std::string text, TokenType type) {
        v.tokens.push_back(std::move(text));
        v.types.push_back(type);
        v.scores.push_back(0.0f);
        return TokenId(v.tokens.size() - 1);
    };
    const TokenId userDefined = add("\xE2\x96\x81<tag>", TokenType::UserDefined);
    const TokenId unused = add("<unused0>", TokenType::Unused);
    const TokenId control = add("<ctrl>", TokenType::Control);
    const TokenId unknown = add("[PAD]", TokenType::Unknown);
    auto tokenizer = build(std::move(v));
    ASSERT_NE(tokenizer, nullptr);
    EXPECT_EQ(tokenizer->tokenText(userDefined, 5), "\xE2\x96\x81<tag>") << "user-defined: the text as written";
    EXPECT_EQ(tokenizer->tokenText(unused, 5), "");
    EXPECT_EQ(tokenizer->tokenText(unused, 5, true), "");
    EXPECT_EQ(tokenizer->tokenText(control, 5), "");
    EXPECT_EQ(tokenizer->tokenText(control, 5, true), "<ctrl>");
    EXPECT_EQ(tokenizer->tokenText(unknown, 5), "");
    EXPECT_EQ(tokenizer->tokenText(unknown, 5, true), "[PAD]");
    // A user-defined piece is matched in plain text, as sentencepiece and llama.cpp match it.
    const auto ids = tokenizer->encode("hello\xE2\x96\x81<tag>");
    EXPECT_EQ(std::count(ids.begin(), ids.end(), userDefined), 1);
}

TEST(VocabularyTypes, BytePairUnknownTokensDecodeOnlyWhenRendered) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/gpt-2.gguf");
    auto file = GgufFile::open(path.string());
    ASSERT_TRUE(file) << file.error().message;
    auto vocabulary = Vocabulary::fromGguf(**file);
    ASSERT_TRUE(vocabulary) << vocabulary.error().message;
    const std::string text = vocabulary->tokens[50000];
    vocabulary->types[50000] = TokenType::Unknown;
    auto tokenizer = build(std::move(*vocabulary));
    ASSERT_NE(tokenizer, nullptr);
    EXPECT_EQ(tokenizer->tokenText(50000, 5), "");
    EXPECT_EQ(tokenizer->tokenText(50000, 5, true), text);
}

}  // namespace
}  // namespace confidant::inference
