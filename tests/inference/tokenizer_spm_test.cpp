// The sentencepiece tokenizer against llama.cpp's Llama 2 vectors (vocab/llama-spm.*), and
// decoding rules for BOS, byte pieces and special tokens.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_data.h"
#include "tokenizer.h"
#include "vocab_vectors.h"

namespace confidant::inference {
namespace {

std::unique_ptr<Tokenizer> loadTokenizer(const std::filesystem::path& path) {
    auto file = GgufFile::open(path.string());
    EXPECT_TRUE(file) << file.error().message;
    if (!file) return nullptr;
    auto vocabulary = Vocabulary::fromGguf(**file);
    EXPECT_TRUE(vocabulary) << vocabulary.error().message;
    if (!vocabulary) return nullptr;
    auto tokenizer = Tokenizer::create(std::move(*vocabulary));
    EXPECT_TRUE(tokenizer) << tokenizer.error().message;
    return tokenizer ? std::move(*tokenizer) : nullptr;
}

TEST(SentencePieceTokenizer, MatchesLlamaSpmVectors) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama-spm.gguf");
    CONFIDANT_TESTDATA_FILE(inp, "vocab/llama-spm.inp");
    CONFIDANT_TESTDATA_FILE(out, "vocab/llama-spm.out");
    auto tokenizer = loadTokenizer(gguf);
    ASSERT_NE(tokenizer, nullptr);
    const auto cases = testing::readVocabVectors(inp, out);
    ASSERT_EQ(cases.size(), 46u);
    int failures = 0;
    for (const auto& c : cases) {
        const auto ids = tokenizer->encode(c.text);
        if (ids != c.ids) {
            ++failures;
            ADD_FAILURE() << "text '" << c.text << "': got " << ::testing::PrintToString(ids) << ", expected "
                          << ::testing::PrintToString(c.ids);
        }
    }
    EXPECT_EQ(failures, 0);
}

TEST(SentencePieceTokenizer, DecodesWhatItEncodes) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama-spm.gguf");
    auto tokenizer = loadTokenizer(gguf);
    ASSERT_NE(tokenizer, nullptr);
    for (const std::string text : {"Hello world", " leading space", "tabs\tand\nnewlines", "ünïcödé ☕ 🦙", "a  b   c"}) {
        const auto ids = tokenizer->encode(text);
        EXPECT_EQ(tokenizer->decode(ids), text);
    }
}

TEST(SentencePieceTokenizer, BosAndSpecialTokens) {
    CONFIDANT_TESTDATA_FILE(gguf, "vocab/llama-spm.gguf");
    auto tokenizer = loadTokenizer(gguf);
    ASSERT_NE(tokenizer, nullptr);
    const Vocabulary& v = tokenizer->vocabulary();
    ASSERT_EQ(v.bos, 1);
    ASSERT_EQ(v.eos, 2);
    const auto withBos = tokenizer->encode("Hello", {.addBos = true});
    ASSERT_GE(withBos.size(), 2u);
    EXPECT_EQ(withBos[0], 1);
    EXPECT_EQ(tokenizer->decode(withBos), "Hello") << "BOS has no text and the piece after it drops its space";
    EXPECT_EQ(tokenizer->decode(withBos, true), "<s>Hello");

    // Special-token text is plain text unless asked for.
    const auto plain = tokenizer->encode("a</s>b");
    EXPECT_EQ(std::count(plain.begin(), plain.end(), 2), 0);
    const auto special = tokenizer->encode("a</s>b", {.parseSpecial = true});
    EXPECT_EQ(std::count(special.begin(), special.end(), 2), 1);
    EXPECT_EQ(tokenizer->decode(special, true), "a</s> b") << "text after a special token gets Llama's space prefix";

    // Byte-fallback pieces decode to their bytes.
    EXPECT_EQ(tokenizer->tokenText(13, 100), "\n");  // <0x0A>
}

TEST(SentencePieceTokenizer, StoriesVocabularyWithoutSpecialIdsLoads) {
    CONFIDANT_TESTDATA_FILE(gguf, "models/stories260K.gguf");
    auto tokenizer = loadTokenizer(gguf);
    ASSERT_NE(tokenizer, nullptr);
    EXPECT_EQ(tokenizer->vocabulary().pad, -1) << "a padding id of 0xFFFFFFFF means none";
    EXPECT_EQ(tokenizer->vocabulary().size(), 512u);
    EXPECT_EQ(tokenizer->decode(tokenizer->encode("Once upon a time")), "Once upon a time");
}

}  // namespace
}  // namespace confidant::inference
