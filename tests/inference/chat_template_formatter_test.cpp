// The conversation-to-prompt step: built-in family templates, the model's own template chosen
// from a GGUF file, the family guess, and folding the system prompt into the first user turn when
// a template rejects or drops it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "chat/chat_template.h"
#include "test_data.h"

namespace {

using namespace confidant::inference;
using namespace confidant::inference::chat;

const std::vector<ChatMessage> k_multiTurn = {
    {"system", "Answer briefly."},
    {"user", "Hi, who are you?"},
    {"assistant", "I am a local assistant."},
    {"user", "Can you count to three?"},
};

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string formatWith(ChatFamily family, const std::vector<ChatMessage>& conversation, bool generationPrompt = true) {
    ChatFormatter formatter(ChatTemplate::fallback(family), "<s>", "</s>");
    auto prompt = formatter.format(conversation, generationPrompt);
    EXPECT_TRUE(prompt.ok()) << chatFamilyName(family) << ": " << (prompt ? "" : prompt.error().message);
    return prompt ? *prompt : std::string();
}

TEST(ChatTemplateFallback, ChatMLPromptFormat) {
    EXPECT_EQ(formatWith(ChatFamily::ChatML, k_multiTurn),
              "<|im_start|>system\nAnswer briefly.<|im_end|>\n<|im_start|>user\nHi, who are you?<|im_end|>\n"
              "<|im_start|>assistant\nI am a local assistant.<|im_end|>\n<|im_start|>user\nCan you count to three?<|im_end|>\n"
              "<|im_start|>assistant\n");
    EXPECT_EQ(formatWith(ChatFamily::ChatML, {{"user", "Hi"}}, false), "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatTemplateFallback, Llama2PutsTheSystemPromptInsideTheFirstInstruction) {
    EXPECT_EQ(formatWith(ChatFamily::Llama2, k_multiTurn),
              "<s>[INST] <<SYS>>\nAnswer briefly.\n<</SYS>>\n\nHi, who are you? [/INST] I am a local assistant. </s>"
              "<s>[INST] Can you count to three? [/INST]");
    EXPECT_EQ(formatWith(ChatFamily::Llama2, {{"user", " Hi "}}), "<s>[INST] Hi [/INST]");
}

TEST(ChatTemplateFallback, Llama3HeadersAndEndOfTurn) {
    EXPECT_EQ(formatWith(ChatFamily::Llama3, {{"system", "S"}, {"user", "Hi"}}),
              "<s><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
              "Hi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplateFallback, MistralHasNoSystemRoleSoItIsFolded) {
    EXPECT_EQ(formatWith(ChatFamily::Mistral, k_multiTurn),
              "<s>[INST] Answer briefly.\n\nHi, who are you? [/INST]I am a local assistant.</s>[INST] Can you count to three? [/INST]");
}

TEST(ChatTemplateFallback, Phi3AndZephyr) {
    EXPECT_EQ(formatWith(ChatFamily::Phi3, {{"system", "S"}, {"user", "Hi"}}), "<|system|>\nS<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\n");
    EXPECT_EQ(formatWith(ChatFamily::Phi3, {{"user", "Hi"}}, false), "<|user|>\nHi<|end|>\n</s>");
    EXPECT_EQ(formatWith(ChatFamily::Zephyr, {{"system", "S"}, {"user", "Hi"}}), "<|system|>\nS</s>\n<|user|>\nHi</s>\n<|assistant|>\n");
}

TEST(ChatTemplateFallback, GemmaCallsTheAssistantModel) {
    EXPECT_EQ(formatWith(ChatFamily::Gemma, k_multiTurn),
              "<s><start_of_turn>user\nAnswer briefly.\n\nHi, who are you?<end_of_turn>\n<start_of_turn>model\n"
              "I am a local assistant.<end_of_turn>\n<start_of_turn>user\nCan you count to three?<end_of_turn>\n"
              "<start_of_turn>model\n");
}

TEST(ChatTemplateFallback, FamilyNamesRoundTrip) {
    for (ChatFamily f : {ChatFamily::ChatML, ChatFamily::Llama2, ChatFamily::Llama3, ChatFamily::Mistral, ChatFamily::Phi3,
                         ChatFamily::Gemma, ChatFamily::Zephyr}) {
        EXPECT_EQ(chatFamilyFromName(chatFamilyName(f)), f);
        EXPECT_TRUE(ChatTemplate::fromSource(std::string(fallbackTemplateSource(f)), "x").ok());
    }
    EXPECT_EQ(chatFamilyFromName("ChatML"), ChatFamily::ChatML);
    EXPECT_FALSE(chatFamilyFromName("vicuna").has_value());
}

TEST(ChatTemplateFolding, WithoutFoldingTheTemplateRaisesWithItsOwnMessage) {
    ChatFormatter formatter(ChatTemplate::fallback(ChatFamily::Gemma), "<bos>", "", false);
    auto prompt = formatter.format(k_multiTurn);
    ASSERT_FALSE(prompt.ok());
    EXPECT_NE(prompt.error().message.find("System role not supported"), std::string::npos) << prompt.error().message;
    EXPECT_NE(prompt.error().message.find("line 3"), std::string::npos) << prompt.error().message;
}

TEST(ChatTemplateFolding, RealGemmaTemplateGetsTheSystemPromptInTheFirstUserTurn) {
    CONFIDANT_TESTDATA_FILE(path, "chat-templates/google-gemma-2-2b-it.jinja");
    auto t = ChatTemplate::fromSource(readFile(path), "gemma-2");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ChatFormatter formatter(std::move(*t), "<bos>", "<eos>");
    auto prompt = formatter.format({{"system", "Be terse."}, {"user", "Hello!"}});
    ASSERT_TRUE(prompt.ok()) << prompt.error().message;
    EXPECT_EQ(*prompt, "<bos><start_of_turn>user\nBe terse.\n\nHello!<end_of_turn>\n<start_of_turn>model\n");
    // Other failures are not papered over: roles that do not alternate still fail.
    auto bad = formatter.format({{"system", "S"}, {"assistant", "A"}, {"user", "U"}});
    EXPECT_FALSE(bad.ok());
}

TEST(ChatTemplateFolding, ATemplateThatDropsTheSystemMessageGetsItFolded) {
    CONFIDANT_TESTDATA_FILE(path, "chat-templates/Phi-3-mini.jinja");
    auto t = ChatTemplate::fromSource(readFile(path), "phi-3-mini");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ChatFormatter formatter(std::move(*t), "<s>", "</s>");
    auto prompt = formatter.format({{"system", "Be terse."}, {"user", "Hello!"}});
    ASSERT_TRUE(prompt.ok()) << prompt.error().message;
    EXPECT_EQ(*prompt, "<s><|user|>\nBe terse.\n\nHello!<|end|>\n<|assistant|>\n");
}

TEST(ChatTemplateFolding, FoldSystemPromptShapes) {
    auto folded = foldSystemPrompt({{"system", "S"}, {"user", "U"}, {"assistant", "A"}, {"user", "V"}});
    ASSERT_EQ(folded.size(), 3u);
    EXPECT_EQ(folded[0].content, "S\n\nU");
    EXPECT_EQ(folded[2].content, "V");
    auto alone = foldSystemPrompt({{"system", "S"}});
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].role, "user");
    EXPECT_EQ(alone[0].content, "S");
    EXPECT_EQ(foldSystemPrompt({{"user", "U"}}).front().content, "U");
}

TEST(ChatTemplateModel, UsesTheTemplateTheGgufCarries) {
    CONFIDANT_TESTDATA_FILE(path, "vocab/llama3-bpe.gguf");
    auto file = GgufFile::open(path.string());
    ASSERT_TRUE(file.ok()) << file.error().message;
    auto formatter = ChatFormatter::forModel(**file);
    ASSERT_TRUE(formatter.ok()) << formatter.error().message;
    EXPECT_EQ(formatter->chatTemplate().origin(), "the model's chat template");
    EXPECT_EQ(formatter->renderOptions().bosToken, "<|begin_of_text|>");
    formatter->renderOptions().date = Date{2024, 7, 26};
    auto prompt = formatter->format({{"user", "Hello!"}});
    ASSERT_TRUE(prompt.ok()) << prompt.error().message;
    EXPECT_EQ(*prompt,
              "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
              "Today Date: 26 Jul 2024\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
              "<|start_header_id|>assistant<|end_header_id|>\n\n");
    EXPECT_EQ(guessChatFamily(**file), ChatFamily::Llama3);

    // The user's choice wins over the model's own template.
    auto overridden = ChatFormatter::forModel(**file, ChatFormatterOptions{.templateSource = std::nullopt,
                                                                           .family = ChatFamily::ChatML,
                                                                           .foldSystemPrompt = true});
    ASSERT_TRUE(overridden.ok());
    EXPECT_EQ(*overridden->format({{"user", "Hi"}}), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    auto custom = ChatFormatter::forModel(**file, ChatFormatterOptions{.templateSource = "{{ bos_token }}{{ messages[0].content }}"});
    ASSERT_TRUE(custom.ok());
    EXPECT_EQ(*custom->format({{"user", "Hi"}}), "<|begin_of_text|>Hi");
}

TEST(ChatTemplateModel, FallsBackByFamilyWhenTheFileHasNoTemplate) {
    CONFIDANT_TESTDATA_FILE(spm, "vocab/llama-spm.gguf");
    CONFIDANT_TESTDATA_FILE(gpt2, "vocab/gpt-2.gguf");
    auto spmFile = GgufFile::open(spm.string());
    ASSERT_TRUE(spmFile.ok());
    EXPECT_EQ(guessChatFamily(**spmFile), ChatFamily::Llama2);
    auto formatter = ChatFormatter::forModel(**spmFile);
    ASSERT_TRUE(formatter.ok());
    EXPECT_EQ(formatter->chatTemplate().origin(), "the built-in llama2 template");
    EXPECT_EQ(*formatter->format({{"user", "Hi"}}), "<s>[INST] Hi [/INST]");
    auto gptFile = GgufFile::open(gpt2.string());
    ASSERT_TRUE(gptFile.ok());
    EXPECT_EQ(guessChatFamily(**gptFile), ChatFamily::ChatML);
}

TEST(ChatTemplateInputs, ParseDate) {
    auto d = parseDate("2024-02-29");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->year, 2024);
    EXPECT_EQ(d->month, 2);
    EXPECT_EQ(d->day, 29);
    EXPECT_FALSE(parseDate("2023-02-29").ok());
    EXPECT_FALSE(parseDate("2024-13-01").ok());
    EXPECT_FALSE(parseDate("24-07-26").ok());
    EXPECT_FALSE(parseDate("2024/07/26").ok());
}

TEST(ChatTemplateInputs, StrftimeNowReportsTheGivenDay) {
    auto t = ChatTemplate::fromSource("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%B %d, %Y') }}|{{ strftime_now('%A %H:%M') }}", "t");
    ASSERT_TRUE(t.ok());
    RenderOptions options;
    options.date = Date{2024, 7, 26};
    auto out = renderChat(*t, {}, options);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out, "26 Jul 2024|July 26, 2024|Friday 12:00");
}

TEST(ChatTemplateInputs, ParseConversationJson) {
    auto ok = parseConversationJson(R"([{"role": "user", "content": "Ünï {{ x }}"}, {"role": "assistant", "content": ""}])");
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_EQ((*ok)[0].content, "Ünï {{ x }}");
    EXPECT_FALSE(parseConversationJson("{").ok());
    EXPECT_FALSE(parseConversationJson(R"({"role": "user"})").ok());
    auto noContent = parseConversationJson(R"([{"role": "user"}])");
    ASSERT_FALSE(noContent.ok());
    EXPECT_NE(noContent.error().message.find("message 1"), std::string::npos);
}

TEST(ChatTemplateInputs, ExtraVariablesReachTheTemplate) {
    auto t = ChatTemplate::fromSource("{% if tools %}{{ tools | tojson }}{% endif %}{{ enable_thinking }}", "t");
    ASSERT_TRUE(t.ok());
    RenderOptions options;
    auto tools = jsonToValue(R"([{"name": "f", "z": 1, "a": [true, null]}])");
    ASSERT_TRUE(tools.ok());
    options.extraVariables = {{"tools", *tools}, {"enable_thinking", jinja::Value(false)}};
    auto out = renderChat(*t, {}, options);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(*out, R"([{"name": "f", "z": 1, "a": [true, null]}]False)");
}

}  // namespace
