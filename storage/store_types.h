// The store's data model: conversations, messages (a tree per conversation), reply metadata and
// statistics. Plain values; times are milliseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "foundation/conversation_types.h"

namespace confidant::storage {

// Role and FinishReason (Interrupted: set by the store itself for a reply that was still
// streaming when the program stopped) are the shared foundation's.
using confidant::FinishReason;
using confidant::finishReasonFromName;
using confidant::finishReasonName;
using confidant::Role;
using confidant::roleFromName;
using confidant::roleName;

enum class MessageState { Complete, Streaming };


// Sampler parameters; unset fields mean "the app's default".
struct SamplerSettings {
    std::optional<double> temperature;
    std::optional<int64_t> topK;
    std::optional<double> topP;
    std::optional<double> minP;
    std::optional<double> repeatPenalty;
    std::optional<int64_t> repeatLastN;
    std::optional<int64_t> seed;

    bool operator==(const SamplerSettings&) const = default;
};

struct GenerationSettings {
    SamplerSettings sampler;
    std::optional<int64_t> contextSize;
    std::optional<int64_t> maxTokens;

    bool operator==(const GenerationSettings&) const = default;
};

struct Conversation {
    std::string id;  // a UUID, stable across export and import
    std::string title;
    int64_t createdAt = 0;
    int64_t updatedAt = 0;
    bool pinned = false;
    bool archived = false;
    std::string modelRef;  // which model the conversation uses (file name or catalog id)
    std::string systemPrompt;
    GenerationSettings settings;
    std::string selectedLeafId;  // the leaf whose branch is shown; empty when there are no messages
    std::string source;          // where it came from: "" (made here), "chatgpt", ...

    bool operator==(const Conversation&) const = default;
};

// A conversation in a list: the row plus its message count.
struct ConversationSummary {
    Conversation conversation;
    int64_t messageCount = 0;
};

// Metadata and statistics of an assistant reply; all optional because user messages and imported
// replies do not have them.
struct ReplyInfo {
    std::string modelFile;
    std::string modelSha256;
    std::string backend;  // "cpu", "vulkan", ...
    std::string device;
    SamplerSettings sampler;  // including the seed actually used
    std::optional<int64_t> promptTokens;
    std::optional<int64_t> generatedTokens;
    std::optional<double> timeToFirstTokenMs;
    std::optional<double> tokensPerSecond;

    bool operator==(const ReplyInfo&) const = default;
};

struct Message {
    std::string id;  // a UUID
    std::string conversationId;
    std::string parentId;  // empty for a root message
    Role role = Role::User;
    std::string content;
    int64_t createdAt = 0;
    MessageState state = MessageState::Complete;
    FinishReason finishReason = FinishReason::None;
    ReplyInfo reply;

    bool operator==(const Message&) const = default;
};

// Everything about one conversation: the row and all its messages (every branch), parents before
// children.
struct ConversationData {
    Conversation conversation;
    std::vector<Message> messages;
};

// A new random UUID (version 4), lower-case with dashes.
std::string newUuid();
// Milliseconds since the Unix epoch, now.
int64_t nowMs();
// "2026-11-27T07:18:31.123Z" and back; parseIsoTime returns nullopt for anything else.
std::string formatIsoTime(int64_t ms);
std::optional<int64_t> parseIsoTime(std::string_view text);

}  // namespace confidant::storage
