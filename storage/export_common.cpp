// Shared pieces of the readable exports.
#include "export_common.h"

#include <cstdio>
#include <vector>

namespace confidant::storage::detail {

std::string roleLabel(Role role) {
    switch (role) {
    case Role::System: return "System";
    case Role::User: return "You";
    case Role::Assistant: return "Assistant";
    case Role::Tool: return "Tool";
    }
    return "Message";
}

std::string replySummary(const Message& message) {
    std::vector<std::string> parts;
    if (!message.reply.modelFile.empty()) parts.push_back(message.reply.modelFile);
    if (message.reply.generatedTokens) parts.push_back(std::to_string(*message.reply.generatedTokens) + " tokens");
    if (message.reply.tokensPerSecond) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f tokens/s", *message.reply.tokensPerSecond);
        parts.push_back(text);
    }
    switch (message.finishReason) {
    case FinishReason::Length: parts.push_back("stopped at the length limit"); break;
    case FinishReason::Cancelled: parts.push_back("stopped by the user"); break;
    case FinishReason::Error: parts.push_back("ended by an error"); break;
    case FinishReason::Interrupted: parts.push_back("interrupted"); break;
    case FinishReason::None:
    case FinishReason::Stop: break;
    }
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : " · ") + part;
    return out;
}

std::string titleOrDefault(const Conversation& conversation) {
    return conversation.title.empty() ? std::string("Untitled conversation") : conversation.title;
}

}  // namespace confidant::storage::detail
