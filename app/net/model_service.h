// The one loaded model as the server uses it: renders a request into a prompt (chat requests
// through the model's chat template), generates with the request's sampler settings, applies
// stop sequences and streams whole UTF-8 characters. Not thread-safe on purpose: the server's
// RequestQueue lets one request at a time in.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "backend.h"
#include "chat/chat_template.h"
#include "model.h"
#include "net/openai_wire.h"
#include "sampler.h"
#include "session.h"

namespace confidant::net {

// The conversation -> prompt path of the server. One function so that it is switched, in one
// place, to the app's shared conversation -> prompt code when that lands in inference/.
Result<std::string> renderConversationPrompt(const inference::chat::ChatFormatter& formatter,
                                             const std::vector<ChatMessage>& messages);

struct Completion {
    std::string text;
    std::string finishReason;  // "stop" or "length"
    Usage usage;
    bool cancelled = false;    // the client went away
};

class ModelService {
public:
    static Result<std::unique_ptr<ModelService>> create(std::string name, std::shared_ptr<const inference::Model> model,
                                                       std::unique_ptr<inference::Backend> backend,
                                                       uint32_t contextLength, inference::chat::ChatFormatter formatter,
                                                       inference::SamplerSettings defaults);

    const std::string& name() const { return m_name; }
    uint32_t contextLength() const;

    // Renders and tokenizes a request; checks that it fits the context. Safe to call from any
    // thread (it only reads the model), so that a request is refused before it queues.
    std::variant<std::vector<inference::TokenId>, ApiError> prepare(const CompletionRequest& request, bool chat) const;

    // Runs one prepared request. `onText` receives each piece of text as it becomes safe to send
    // (whole characters, no stop sequence); returning false cancels, as does `cancel`, within a
    // token. One caller at a time.
    std::variant<Completion, ApiError> complete(const CompletionRequest& request, const std::vector<inference::TokenId>& ids,
                                                const std::function<bool(const std::string&)>& onText,
                                                const std::atomic<bool>* cancel = nullptr);

private:
    ModelService() = default;
    std::string m_name;
    std::shared_ptr<const inference::Model> m_model;
    std::unique_ptr<inference::Backend> m_backend;
    std::optional<inference::Session> m_session;
    std::optional<inference::chat::ChatFormatter> m_formatter;
    inference::SamplerSettings m_defaults;
};

// The length of the longest prefix of `text` that does not end inside a UTF-8 sequence.
size_t completeUtf8Length(const std::string& text);

}  // namespace confidant::net
