// See model_service.h.
#include "net/model_service.h"

#include "generator.h"
#include "net/stop_sequences.h"

namespace confidant::net {

using namespace confidant::inference;

Result<std::string> renderConversationPrompt(const chat::ChatFormatter& formatter, const std::vector<ChatMessage>& messages) {
    return formatter.format(messages, true);
}

size_t completeUtf8Length(const std::string& text) {
    // Look back at most 3 bytes for the lead byte of an unfinished sequence.
    const size_t n = text.size();
    for (size_t back = 1; back <= 3 && back <= n; ++back) {
        const auto c = static_cast<unsigned char>(text[n - back]);
        if ((c & 0xC0) == 0x80) continue;  // continuation byte
        size_t need = 1;
        if ((c & 0xE0) == 0xC0) need = 2;
        else if ((c & 0xF0) == 0xE0) need = 3;
        else if ((c & 0xF8) == 0xF0) need = 4;
        return back < need ? n - back : n;
    }
    return n;
}

Result<std::unique_ptr<ModelService>> ModelService::create(std::string name, std::shared_ptr<const Model> model,
                                                           std::unique_ptr<Backend> backend, uint32_t contextLength,
                                                           chat::ChatFormatter formatter, SamplerSettings defaults) {
    std::unique_ptr<ModelService> s(new ModelService());
    s->m_name = std::move(name);
    s->m_model = std::move(model);
    s->m_backend = std::move(backend);
    auto session = Session::create(s->m_model, *s->m_backend, contextLength);
    if (!session) return session.error();
    s->m_session.emplace(std::move(*session));
    s->m_formatter.emplace(std::move(formatter));
    s->m_defaults = defaults;
    return s;
}

uint32_t ModelService::contextLength() const { return m_session->contextLength(); }

std::variant<std::vector<TokenId>, ApiError> ModelService::prepare(const CompletionRequest& request, bool chat) const {
    const Tokenizer& tokenizer = m_model->tokenizer();
    const Vocabulary& vocabulary = tokenizer.vocabulary();
    std::vector<TokenId> ids;
    if (chat) {
        auto prompt = renderConversationPrompt(*m_formatter, request.messages);
        if (!prompt) return ApiError{400, "invalid_request_error", "the chat template cannot render these messages: " +
                                                                    prompt.error().message, "messages", ""};
        ids = tokenizer.encode(*prompt, {.addBos = false, .parseSpecial = true});
        if (vocabulary.addBos && vocabulary.bos >= 0 && (ids.empty() || ids.front() != vocabulary.bos))
            ids.insert(ids.begin(), vocabulary.bos);
    } else {
        // Plain completions: the text as given, special-token syntax not parsed (it is user text).
        ids = tokenizer.encode(request.prompt, {.addBos = vocabulary.addBos, .parseSpecial = false});
    }
    if (ids.empty()) {
        if (vocabulary.bos < 0) return ApiError{400, "invalid_request_error", "the prompt is empty", "prompt", ""};
        ids.push_back(vocabulary.bos);
    }
    const uint32_t context = m_session->contextLength();
    if (ids.size() >= context)
        return ApiError{400, "invalid_request_error",
                        "the prompt is " + std::to_string(ids.size()) + " tokens; this model is served with a " +
                            std::to_string(context) + "-token context. Shorten the messages.",
                        chat ? "messages" : "prompt", "context_length_exceeded"};
    return ids;
}

std::variant<Completion, ApiError> ModelService::complete(const CompletionRequest& request, const std::vector<TokenId>& ids,
                                                          const std::function<bool(const std::string&)>& onText,
                                                          const std::atomic<bool>* cancel) {
    const Tokenizer& tokenizer = m_model->tokenizer();
    const uint32_t context = m_session->contextLength();
    if (ids.empty() || ids.size() >= context) return ApiError{500, "server_error", "unprepared prompt", "", ""};
    const uint32_t room = context - uint32_t(ids.size());
    const uint32_t maxTokens = std::min(request.maxTokens.value_or(room), room);

    SamplerSettings settings = m_defaults;
    if (request.temperature) settings.temperature = float(*request.temperature);
    if (request.topP) settings.topP = float(*request.topP);
    if (request.seed) settings.seed = *request.seed;
    Sampler sampler(settings);

    Completion done;
    StopSequenceFilter stops(request.stop);
    std::string unsent;  // text held until it ends on a whole character
    bool clientGone = false;
    const auto send = [&](const std::string& text) {
        if (text.empty() || clientGone) return;
        done.text += text;
        if (!onText(text)) clientGone = true;
    };
    TokenId previous = ids.back();
    GenerationRequest generation;
    generation.prompt = ids;
    generation.maxTokens = maxTokens;
    generation.cancel = cancel;
    generation.onToken = [&](TokenId id) {
        unsent += tokenizer.tokenText(id, previous);
        previous = id;
        const size_t whole = completeUtf8Length(unsent);
        send(stops.push(unsent.substr(0, whole)));
        unsent.erase(0, whole);
        return !stops.stopped() && !clientGone;
    };
    auto stats = generate(*m_session, sampler, generation);
    if (!stats) return ApiError{500, "server_error", "generation failed: " + stats.error().message, "", ""};
    if (!stops.stopped()) send(stops.push(unsent) + stops.flush());
    done.usage = {stats->promptTokens, stats->generatedTokens};
    done.cancelled = clientGone || (cancel && cancel->load());
    done.finishReason = (stats->finishReason == FinishReason::Length || stats->finishReason == FinishReason::ContextFull) &&
                                !stops.stopped()
                            ? "length"
                            : "stop";
    return done;
}

}  // namespace confidant::net
