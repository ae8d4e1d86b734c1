// The one conversation -> prompt path: BOS exactly once by id whether or not the template writes
// it, stop strings from the template, the transcript fallback, and the context-overflow policy
// (drop the oldest whole turns after the system prompt, or stop).
#include <gtest/gtest.h>

#include "chat/conversation_prompt.h"
#include "gguf_file.h"
#include "test_data.h"

namespace {

using namespace confidant::inference;
using namespace confidant::inference::chat;

struct VocabModel {
    std::shared_ptr<const GgufFile> file;
    std::unique_ptr<Tokenizer> tokenizer;
};

VocabModel loadVocab(const std::filesystem::path& path) {
    VocabModel m;
    auto file = GgufFile::open(path.string());
    EXPECT_TRUE(file.ok()) << (file ? "" : file.error().message);
    if (!file) return m;
    m.file = std::move(*file);
    auto vocabulary = Vocabulary::fromGguf(*m.file);
    EXPECT_TRUE(vocabulary.ok());
    auto tokenizer = Tokenizer::create(std::move(*vocabulary));
    EXPECT_TRUE(tokenizer.ok());
    m.tokenizer = std::move(*tokenizer);
    return m;
}

ConversationPrompter prompterFor(const VocabModel& m, ChatFormatterOptions options) {
    auto p = ConversationPrompter::forModel(*m.file, *m.tokenizer, options);
    EXPECT_TRUE(p.ok()) << (p ? "" : p.error().message);
    return std::move(*p);
}

size_t countOf(const std::vector<TokenId>& ids, TokenId id) { return size_t(std::count(ids.begin(), ids.end(), id)); }

std::vector<ChatMessage> longConversation(int turns) {
    std::vector<ChatMessage> c = {{"system", "Answer briefly."}};
    for (int i = 0; i < turns; ++i) {
        c.push_back({"user", "Question number " + std::to_string(i) + " about the weather in a faraway town?"});
        c.push_back({"assistant", "Answer number " + std::to_string(i) + ": it is sunny there, as usual."});
    }
    c.push_back({"user", "And the last question?"});
    return c;
}

TEST(ConversationPrompt, BosExactlyOnceWhetherOrNotTheTemplateWritesIt) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    const VocabModel m = loadVocab(path);
    const TokenId bos = m.tokenizer->vocabulary().bos;
    ASSERT_GE(bos, 0);
    ASSERT_TRUE(m.tokenizer->vocabulary().addBos);
    const std::vector<ChatMessage> conversation = {{"user", "Hello!"}};
    // Llama 2's template writes {{ bos_token }} itself; ChatML's does not.
    for (ChatFamily family : {ChatFamily::Llama2, ChatFamily::ChatML}) {
        auto prompt = prompterFor(m, {.family = family}).build(conversation, {});
        ASSERT_TRUE(prompt.ok()) << prompt.error().message;
        EXPECT_EQ(prompt->tokens.front(), bos) << chatFamilyName(family);
        EXPECT_EQ(countOf(prompt->tokens, bos), 1u) << chatFamilyName(family);
    }
}

TEST(ConversationPrompt, StopStringsComeFromTheTemplate) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    const VocabModel m = loadVocab(path);
    const auto chatml = prompterFor(m, {.family = ChatFamily::ChatML});
    EXPECT_NE(std::find(chatml.stopStrings().begin(), chatml.stopStrings().end(), "<|im_end|>"), chatml.stopStrings().end());
    const auto gemma = prompterFor(m, {.family = ChatFamily::Gemma});
    EXPECT_NE(std::find(gemma.stopStrings().begin(), gemma.stopStrings().end(), "<end_of_turn>"), gemma.stopStrings().end());
    EXPECT_EQ(std::find(gemma.stopStrings().begin(), gemma.stopStrings().end(), "<|im_end|>"), gemma.stopStrings().end());
}

TEST(ConversationPrompt, ATemplateTheUserGaveThatDoesNotParseIsAnError) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    const VocabModel m = loadVocab(path);
    auto p = ConversationPrompter::forModel(*m.file, *m.tokenizer, {.templateSource = "{% for %}"});
    EXPECT_FALSE(p.ok());
}

TEST(ConversationPrompt, TranscriptRendersEveryRole) {
    auto text = renderChat(transcriptTemplate(),
                           {{"system", "Be kind."}, {"user", "Hi"}, {"assistant", "Hello"}, {"tool", "42"}, {"user", "Bye"}}, {});
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(*text, "Be kind.\n\nUser: Hi\nAssistant: Hello\nTool: 42\nUser: Bye\nAssistant:");
}

TEST(ConversationPrompt, OverflowDropsTheOldestWholeTurnsAfterTheSystemPrompt) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    const VocabModel m = loadVocab(path);
    const auto prompter = prompterFor(m, {.family = ChatFamily::ChatML});
    const auto conversation = longConversation(20);
    auto whole = prompter.build(conversation, {});
    ASSERT_TRUE(whole.ok());
    const uint32_t context = uint32_t(whole->tokens.size() / 2);
    auto fitted = prompter.build(conversation, {.contextLength = context, .maxReplyTokens = 16});
    ASSERT_TRUE(fitted.ok()) << fitted.error().message;
    EXPECT_GT(fitted->droppedMessages, 0u);
    EXPECT_EQ(fitted->droppedMessages % 2, 0u);  // whole user + assistant turns
    EXPECT_LE(fitted->tokens.size() + 16, context);
    EXPECT_NE(fitted->text.find("Answer briefly."), std::string::npos);         // the system prompt stays
    EXPECT_NE(fitted->text.find("And the last question?"), std::string::npos);  // so does the newest message
    EXPECT_EQ(fitted->text.find("Question number 0 "), std::string::npos);
    // The fewest turns were dropped: keeping one more would not fit.
    std::vector<ChatMessage> oneMore(conversation.begin(), conversation.begin() + 1);
    oneMore.insert(oneMore.end(), conversation.begin() + 1 + std::ptrdiff_t(fitted->droppedMessages) - 2, conversation.end());
    auto bigger = prompter.tokenize(oneMore);
    ASSERT_TRUE(bigger.ok());
    EXPECT_GT(bigger->tokens.size() + 16, context);
}

TEST(ConversationPrompt, OverflowStopRefusesAndSaysWhy) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    const VocabModel m = loadVocab(path);
    const auto prompter = prompterFor(m, {.family = ChatFamily::ChatML});
    auto p = prompter.build(longConversation(20), {.contextLength = 128, .maxReplyTokens = 16, .overflow = ContextOverflow::Stop});
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().message.find("context window holds 128"), std::string::npos) << p.error().message;
}

TEST(ConversationPrompt, ANewestMessageTooLongAloneIsAnError) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama-spm.gguf");
    const VocabModel m = loadVocab(path);
    const auto prompter = prompterFor(m, {.family = ChatFamily::ChatML});
    std::string huge;
    for (int i = 0; i < 200; ++i) huge += "many words here ";
    auto p = prompter.build({{"user", "short"}, {"assistant", "ok"}, {"user", huge}}, {.contextLength = 128, .maxReplyTokens = 16});
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().message.find("the newest message"), std::string::npos) << p.error().message;
    EXPECT_EQ(contextOverflowFromName("stop"), ContextOverflow::Stop);
    EXPECT_EQ(contextOverflowFromName("drop"), ContextOverflow::DropOldest);
    EXPECT_FALSE(contextOverflowFromName("truncate").has_value());
}

}  // namespace
