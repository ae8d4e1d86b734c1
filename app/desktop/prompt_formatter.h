// Turning a conversation into the model's prompt text. The model's Jinja chat template (the
// renderer of inference/, still being built) plugs in here; until then, and for models without a
// template, a plain "User:/Assistant:" transcript is used and the UI says so.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conversation.h"

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
    virtual std::string render(const std::vector<PromptTurn>& turns) const = 0;
    // Text that ends a reply when the model writes it (the next turn's start).
    virtual std::vector<std::string> stopStrings() const = 0;
};

// The plain transcript used for models without a usable chat template.
class TranscriptFormatter final : public PromptFormatter {
public:
    std::string description() const override;
    std::string render(const std::vector<PromptTurn>& turns) const override;
    std::vector<std::string> stopStrings() const override;
};

// The best formatter for a model; `note` says why a fallback was chosen.
std::unique_ptr<PromptFormatter> createPromptFormatter(const inference::Model& model, std::string* note);

}  // namespace confidant::app
