// ConversationPrompter: template choice, BOS by id, stop strings and context fitting.
#include "chat/conversation_prompt.h"

#include <algorithm>

namespace confidant::inference::chat {

namespace {

// The transcript as a template, so that it goes through the same rendering and fitting as any
// other: system text as a preamble, then "User:", "Assistant:" and "Tool:" lines.
constexpr std::string_view kTranscriptSource =
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] }}\n\n"
    "{% elif message['role'] == 'user' %}User: {{ message['content'] }}\n"
    "{% elif message['role'] == 'tool' %}Tool: {{ message['content'] }}\n"
    "{% else %}Assistant: {{ message['content'] }}\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}Assistant:{% endif %}";

// End-of-turn markers a model may write as plain text when they are not single tokens for it.
std::vector<std::string> stopStringsFor(const ChatTemplate& chatTemplate, bool transcript) {
    if (transcript) return {"\nUser:"};
    std::vector<std::string> stops;
    for (const char* marker : {"<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "[INST]", "</s>"})
        if (chatTemplate.source().find(marker) != std::string::npos) stops.emplace_back(marker);
    return stops;
}

// Where each droppable turn starts: a user message after the system prompt (with the replies and
// tool results that follow it), so that dropping never leaves a reply without its question.
std::vector<size_t> turnStarts(const std::vector<ChatMessage>& conversation, size_t first) {
    std::vector<size_t> starts;
    for (size_t i = first; i < conversation.size(); ++i)
        if (i == first || conversation[i].role == "user") starts.push_back(i);
    return starts;
}

}  // namespace

std::string_view contextOverflowName(ContextOverflow overflow) {
    return overflow == ContextOverflow::Stop ? "stop" : "drop";
}

std::optional<ContextOverflow> contextOverflowFromName(std::string_view name) {
    if (name == "drop") return ContextOverflow::DropOldest;
    if (name == "stop") return ContextOverflow::Stop;
    return std::nullopt;
}

uint32_t replyReserve(uint32_t contextLength, uint32_t maxReplyTokens) {
    return std::min<uint32_t>(std::max<uint32_t>(1, maxReplyTokens), contextLength / 4);
}

ChatTemplate transcriptTemplate() {
    auto t = ChatTemplate::fromSource(std::string(kTranscriptSource), "plain transcript (User:/Assistant:)");
    return std::move(*t);  // a constant that parses (the tests render it)
}

ConversationPrompter::ConversationPrompter(ChatFormatter formatter, const Tokenizer& tokenizer, std::string note,
                                           bool transcript)
    : m_formatter(std::move(formatter)), m_tokenizer(&tokenizer), m_note(std::move(note)), m_transcript(transcript) {
    m_stops = stopStringsFor(m_formatter.chatTemplate(), transcript);
}

Result<ConversationPrompter> ConversationPrompter::forModel(const GgufFile& file, const Tokenizer& tokenizer,
                                                            const ChatFormatterOptions& options) {
    auto formatter = ChatFormatter::forModel(file, options);
    if (formatter) {
        const std::string note = options.templateSource ? "Using your own chat template for this model."
                                 : options.family       ? "Using the built-in " + std::string(chatFamilyName(*options.family)) +
                                                        " template."
                                 : file.has("tokenizer.chat_template")
                                     ? "Using the model's chat template."
                                     : "The model has no chat template; using the built-in template for its family.";
        return ConversationPrompter(std::move(*formatter), tokenizer, note, false);
    }
    if (options.templateSource || options.family) return formatter.error();
    ChatFormatter transcript(transcriptTemplate(), "", "", false);
    return ConversationPrompter(std::move(transcript), tokenizer,
                                "The chat template cannot be used (" + formatter.error().message +
                                    "); using a plain User:/Assistant: transcript.",
                                true);
}

Result<ConversationPrompt> ConversationPrompter::tokenize(const std::vector<ChatMessage>& conversation) const {
    auto text = m_formatter.format(conversation, true);
    if (!text) return makeError("the chat template failed: " + text.error().message);
    const Vocabulary& vocabulary = m_tokenizer->vocabulary();
    ConversationPrompt prompt;
    // BOS by id, not by text: the template may write it (as bos_token) or not; either way the
    // prompt starts with exactly one BOS when the model wants one.
    prompt.tokens = m_tokenizer->encode(*text, {.addBos = false, .parseSpecial = true});
    if (vocabulary.isValid(vocabulary.bos)) {
        const TokenId bos = vocabulary.bos;
        while (prompt.tokens.size() >= 2 && prompt.tokens[0] == bos && prompt.tokens[1] == bos)
            prompt.tokens.erase(prompt.tokens.begin());
        if (vocabulary.addBos && (prompt.tokens.empty() || prompt.tokens.front() != bos))
            prompt.tokens.insert(prompt.tokens.begin(), bos);
    }
    if (prompt.tokens.empty()) return makeError("the conversation renders to an empty prompt and the model has no BOS token");
    prompt.text = std::move(*text);
    return prompt;
}

Result<ConversationPrompt> ConversationPrompter::build(const std::vector<ChatMessage>& conversation,
                                                       const PromptLimits& limits) const {
    if (conversation.empty()) return makeError("the conversation has no messages");
    auto whole = tokenize(conversation);
    if (!whole) return whole.error();
    if (limits.contextLength == 0) return whole;
    const uint64_t reserve = replyReserve(limits.contextLength, limits.maxReplyTokens);
    const auto fits = [&](const ConversationPrompt& p) { return p.tokens.size() + reserve <= limits.contextLength; };
    if (fits(*whole)) return whole;

    const auto tooLong = [&](size_t tokens, const char* what) {
        return makeError(std::string(what) + " needs " + std::to_string(tokens) + " tokens plus " +
                         std::to_string(reserve) + " for the reply, but the context window holds " +
                         std::to_string(limits.contextLength) +
                         "; shorten it, raise the context size, or start a new conversation");
    };
    if (limits.overflow == ContextOverflow::Stop) return tooLong(whole->tokens.size(), "the conversation");

    const size_t first = conversation.front().role == "system" ? 1 : 0;
    const std::vector<size_t> starts = turnStarts(conversation, first);
    const auto without = [&](size_t droppedTurns) {
        std::vector<ChatMessage> kept(conversation.begin(), conversation.begin() + std::ptrdiff_t(first));
        kept.insert(kept.end(), conversation.begin() + std::ptrdiff_t(starts[droppedTurns]), conversation.end());
        return kept;
    };
    // The fewest dropped turns that fit, by bisection (fewer messages never render longer); the
    // last turn always stays.
    size_t lo = 1, hi = starts.empty() ? 0 : starts.size() - 1;
    std::optional<ConversationPrompt> best;
    size_t bestDropped = 0;
    while (lo <= hi) {
        const size_t mid = lo + (hi - lo) / 2;
        auto candidate = tokenize(without(mid));
        if (!candidate) return candidate.error();
        if (fits(*candidate)) {
            best = std::move(*candidate);
            bestDropped = mid;
            hi = mid - 1;
        } else {
            lo = mid + 1;
        }
    }
    if (!best) {
        // Even the newest turn alone is too long; say how long it is.
        auto newest = starts.empty() ? std::move(whole) : tokenize(without(starts.size() - 1));
        if (!newest) return newest.error();
        return tooLong(newest->tokens.size(), "the newest message");
    }
    best->droppedMessages = size_t(starts[bestDropped] - first);
    return std::move(*best);
}

}  // namespace confidant::inference::chat
