// Turning a conversation into the model's prompt text: the model's chat template (or the user's
// override, or a built-in one for the model's family) through the engine's Jinja renderer; a
// plain "User:/Assistant:" transcript only when no template can be used, and the UI says so.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conversation.h"
#include "result.h"

namespace confidant::inference {
class Model;
}

namespace confidant::app {

struct PromptTurn {
    MessageRole role = MessageRole::User;
    std::string text;  // UTF-8
};

class PromptFormatter {
public:
    virtual ~PromptFormatter() = default;
    // A short description for the UI ("model template", "plain transcript (no chat template)").
    virtual std::string description() const = 0;
    // The prompt ending where the assistant's reply begins.
    virtual Result<std::string> render(const std::vector<PromptTurn>& turns) const = 0;
    // Text that ends a reply when the model writes it (the next turn's start).
    virtual std::vector<std::string> stopStrings() const = 0;
    // The Jinja source in use (empty for the transcript).
    virtual std::string templateSource() const { return {}; }
};

// The plain transcript used for models without a usable chat template.
class TranscriptFormatter final : public PromptFormatter {
public:
    std::string description() const override;
    Result<std::string> render(const std::vector<PromptTurn>& turns) const override;
    std::vector<std::string> stopStrings() const override;
};

// The best formatter for a model (`overrideSource`: the user's own template, if not empty);
// `note` says which template is used and why.
std::unique_ptr<PromptFormatter> createPromptFormatter(const inference::Model& model, const std::string& overrideSource,
                                                       std::string* note);

}  // namespace confidant::app
