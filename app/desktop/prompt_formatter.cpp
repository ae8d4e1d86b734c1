// The model's chat template (inference/chat) as a PromptFormatter, and the transcript fallback.
#include "prompt_formatter.h"

#include "chat/chat_template.h"
#include "model.h"

namespace confidant::app {

namespace chat = confidant::inference::chat;

std::string TranscriptFormatter::description() const { return "plain transcript (User:/Assistant:)"; }

Result<std::string> TranscriptFormatter::render(const std::vector<PromptTurn>& turns) const {
    std::string prompt;
    for (const PromptTurn& turn : turns) {
        switch (turn.role) {
            case MessageRole::System: prompt += turn.text + "\n\n"; break;
            case MessageRole::User: prompt += "User: " + turn.text + "\n"; break;
            case MessageRole::Assistant: prompt += "Assistant: " + turn.text + "\n"; break;
        }
    }
    prompt += "Assistant:";
    return prompt;
}

std::vector<std::string> TranscriptFormatter::stopStrings() const { return {"\nUser:"}; }

namespace {

// A chat template rendered by the engine's Jinja interpreter (the model's own, or a built-in one
// for its family when the file has none).
class TemplateFormatter final : public PromptFormatter {
public:
    explicit TemplateFormatter(chat::ChatFormatter formatter) : m_formatter(std::move(formatter)) {}

    std::string description() const override { return m_formatter.chatTemplate().origin(); }

    Result<std::string> render(const std::vector<PromptTurn>& turns) const override {
        std::vector<chat::ChatMessage> messages;
        for (const PromptTurn& turn : turns) messages.push_back({roleName(turn.role).toStdString(), turn.text});
        return m_formatter.format(messages, true);
    }

    std::vector<std::string> stopStrings() const override {
        // End-of-turn markers the model may write as plain text when they are not single tokens.
        std::vector<std::string> stops;
        for (const char* marker : {"<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "[INST]", "</s>"})
            if (m_formatter.chatTemplate().source().find(marker) != std::string::npos) stops.emplace_back(marker);
        return stops;
    }

    std::string templateSource() const override { return m_formatter.chatTemplate().source(); }

private:
    chat::ChatFormatter m_formatter;
};

}  // namespace

std::unique_ptr<PromptFormatter> createPromptFormatter(const inference::Model& model, const std::string& overrideSource,
                                                       std::string* note) {
    chat::ChatFormatterOptions options;
    if (!overrideSource.empty()) options.templateSource = overrideSource;
    auto formatter = chat::ChatFormatter::forModel(model.file(), options);
    if (formatter) {
        if (note) {
            *note = !overrideSource.empty() ? "Using your own chat template for this model."
                    : model.file().has("tokenizer.chat_template")
                        ? "Using the model's chat template."
                        : "The model has no chat template; using the built-in template for its family.";
        }
        return std::make_unique<TemplateFormatter>(std::move(*formatter));
    }
    if (note) *note = "The chat template cannot be used (" + formatter.error().message + "); using a plain User:/Assistant: transcript.";
    return std::make_unique<TranscriptFormatter>();
}

}  // namespace confidant::app
