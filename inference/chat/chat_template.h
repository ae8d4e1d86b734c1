// The conversation-to-prompt step: a chat template (the model's own `tokenizer.chat_template`, a
// built-in fallback for its family, or the user's) rendered over the messages the way Hugging
// Face's apply_chat_template does, and a ChatFormatter that picks the template and adapts the
// conversation (folding the system prompt into the first user turn when the template rejects it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/jinja.h"
#include "gguf_file.h"
#include "result.h"

namespace confidant::inference::chat {

struct ChatMessage {
    std::string role;  // "system", "user", "assistant", ...
    std::string content;
};

// Built-in templates for models whose file carries none.
enum class ChatFamily { ChatML, Llama2, Llama3, Mistral, Phi3, Gemma, Zephyr };
std::string_view chatFamilyName(ChatFamily family);  // "chatml", "llama2", ...
std::optional<ChatFamily> chatFamilyFromName(std::string_view name);
std::string chatFamilyNames();  // "chatml, llama2, ..." for messages
std::string_view fallbackTemplateSource(ChatFamily family);

struct Date {
    int year = 1970, month = 1, day = 1;
};
// "YYYY-MM-DD", validated (month lengths and leap years included).
Result<Date> parseDate(std::string_view text);

struct RenderOptions {
    bool addGenerationPrompt = true;
    std::string bosToken;
    std::string eosToken;
    std::optional<Date> date;          // the day strftime_now() reports (at 12:00); absent: now
    jinja::Variables extraVariables;   // more template variables, e.g. tools or enable_thinking
    jinja::RenderLimits limits;
};

class ChatTemplate {
public:
    // `origin` says where the source came from, for messages ("the model's template", a file name).
    static Result<ChatTemplate> fromSource(std::string source, std::string origin);
    static ChatTemplate fallback(ChatFamily family);

    const std::string& source() const { return m_source; }
    const std::string& origin() const { return m_origin; }
    const jinja::Template& compiled() const { return m_template; }

private:
    ChatTemplate() = default;
    std::string m_source;
    std::string m_origin;
    jinja::Template m_template;
};

// Renders `messages` with the variables Hugging Face passes: messages, add_generation_prompt,
// bos_token, eos_token, raise_exception() and strftime_now(). A raise_exception() in the template
// fails with the template's own message; `failure`, when given, receives kind and position.
Result<std::string> renderChat(const ChatTemplate& chatTemplate, const std::vector<ChatMessage>& messages,
                               const RenderOptions& options, jinja::TemplateFailure* failure = nullptr);

// A JSON document as a template value (objects keep their key order), e.g. tool definitions.
Result<jinja::Value> jsonToValue(std::string_view json);

// A JSON array of {"role": ..., "content": ...} objects.
Result<std::vector<ChatMessage>> parseConversationJson(std::string_view json);

// The family a model most likely belongs to, from its special tokens, name and architecture.
ChatFamily guessChatFamily(const GgufFile& file);

struct ChatFormatterOptions {
    std::optional<std::string> templateSource;  // the user's own template: wins over everything
    std::optional<ChatFamily> family;           // a built-in template instead of the model's
    bool foldSystemPrompt = true;               // see ChatFormatter::format()
};

// Chooses the template for a model and turns conversations into prompts with it.
class ChatFormatter {
public:
    using Options = ChatFormatterOptions;

    // The model's `tokenizer.chat_template` unless overridden; a fallback for its family when it
    // has none. BOS and EOS texts come from the model's vocabulary.
    static Result<ChatFormatter> forModel(const GgufFile& file, const Options& options = {});
    ChatFormatter(ChatTemplate chatTemplate, std::string bosToken, std::string eosToken, bool foldSystemPrompt = true);

    // The prompt for a conversation. When a leading system message makes the template raise, or
    // the template silently drops it, the system text is folded into the first user message
    // ("SYSTEM\n\nUSER") and the conversation rendered again.
    Result<std::string> format(const std::vector<ChatMessage>& conversation, bool addGenerationPrompt = true) const;

    const ChatTemplate& chatTemplate() const { return m_template; }
    RenderOptions& renderOptions() { return m_options; }
    const RenderOptions& renderOptions() const { return m_options; }

private:
    ChatTemplate m_template;
    RenderOptions m_options;
    bool m_foldSystemPrompt = true;
};

// The conversation with its leading system message merged into the first user message.
std::vector<ChatMessage> foldSystemPrompt(const std::vector<ChatMessage>& conversation);

}  // namespace confidant::inference::chat
