// The one way a conversation becomes prompt tokens, shared by every front end (the CLI's
// `generate --messages`, the desktop app, later the local API server): the chat template (the
// user's, the model's, a built-in one for the model's family, or a plain transcript when no
// template can be used), BOS by token id, the system prompt folded where a template rejects it,
// the stop strings that end a reply, and what happens when the conversation outgrows the context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/chat_template.h"
#include "result.h"
#include "tokenizer.h"

namespace confidant::inference::chat {

// What to do when the prompt and room for a reply do not fit the context window.
enum class ContextOverflow {
    DropOldest,  // drop the oldest turns after the system prompt; the newest message always stays
    Stop,        // refuse, naming how many tokens the conversation needs
};
std::string_view contextOverflowName(ContextOverflow overflow);  // "drop", "stop"
std::optional<ContextOverflow> contextOverflowFromName(std::string_view name);

struct PromptLimits {
    uint32_t contextLength = 0;  // tokens the session holds; 0: no limit
    uint32_t maxReplyTokens = 0; // the reply's budget; room for min(this, context / 4) is kept free
    ContextOverflow overflow = ContextOverflow::DropOldest;
};

struct ConversationPrompt {
    std::vector<TokenId> tokens;
    std::string text;            // the rendered prompt the tokens came from
    size_t droppedMessages = 0;  // messages left out to fit the context (DropOldest only)
};

// The tokens kept free for a reply of `maxReplyTokens` in a context of `contextLength`.
uint32_t replyReserve(uint32_t contextLength, uint32_t maxReplyTokens);

class ConversationPrompter {
public:
    // The prompter for a model. A template given in `options` that cannot be used is an error (the
    // user asked for it); when the model's own template cannot be used, the plain transcript is
    // used instead and note() says why.
    static Result<ConversationPrompter> forModel(const GgufFile& file, const Tokenizer& tokenizer,
                                                 const ChatFormatterOptions& options = {});

    // The prompt for `conversation` (system message first, if any), ending where the assistant's
    // reply begins. Fails when even the newest message alone does not fit, or on overflow with Stop.
    Result<ConversationPrompt> build(const std::vector<ChatMessage>& conversation, const PromptLimits& limits) const;

    // Renders and tokenizes exactly these messages (no fitting).
    Result<ConversationPrompt> tokenize(const std::vector<ChatMessage>& conversation) const;

    // Text that ends a reply when the model writes it as plain text (the next turn's start).
    const std::vector<std::string>& stopStrings() const { return m_stops; }
    // Where the template came from ("the model's template", "plain transcript (User:/Assistant:)").
    const std::string& description() const { return m_formatter.chatTemplate().origin(); }
    // Which template is used and why, for the UI and the CLI's stderr.
    const std::string& note() const { return m_note; }
    const std::string& templateSource() const { return m_formatter.chatTemplate().source(); }
    bool isTranscript() const { return m_transcript; }
    RenderOptions& renderOptions() { return m_formatter.renderOptions(); }

private:
    ConversationPrompter(ChatFormatter formatter, const Tokenizer& tokenizer, std::string note, bool transcript);

    ChatFormatter m_formatter;
    const Tokenizer* m_tokenizer;
    std::string m_note;
    bool m_transcript = false;
    std::vector<std::string> m_stops;
};

// The plain "User:/Assistant:" transcript, for models without a usable chat template.
ChatTemplate transcriptTemplate();

}  // namespace confidant::inference::chat
