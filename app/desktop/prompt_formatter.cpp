// The transcript fallback format and the choice of formatter per model.
#include "prompt_formatter.h"

#include "model.h"

namespace confidant::app {

std::string TranscriptFormatter::description() const { return "plain transcript (User:/Assistant:)"; }

std::string TranscriptFormatter::render(const std::vector<PromptTurn>& turns) const {
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

std::unique_ptr<PromptFormatter> createPromptFormatter(const inference::Model& model, std::string* note) {
    if (note) {
        *note = model.file().has("tokenizer.chat_template")
                    ? "The model's chat template is not used yet (the template renderer is not built in); "
                      "using a plain User:/Assistant: transcript."
                    : "The model has no chat template; using a plain User:/Assistant: transcript.";
    }
    return std::make_unique<TranscriptFormatter>();
}

}  // namespace confidant::app
