// Conversations: create, read, list, update and delete. Each call is one transaction; all take
// the calling thread's own Database (see the thread contract in database.h).
#pragma once

#include <string>
#include <vector>

#include "database.h"
#include "store_types.h"

namespace confidant::storage {

// What a new conversation starts with; the id and times are assigned by the store.
struct NewConversation {
    std::string title;
    std::string modelRef;
    std::string systemPrompt;
    GenerationSettings settings;
};

Result<Conversation> createConversation(Database& database, const NewConversation& draft);

// NotFound when no conversation has that id.
Result<Conversation> getConversation(Database& database, const std::string& id);

struct ListOptions {
    int limit = 50;  // negative: no limit
    int offset = 0;
    bool includeArchived = true;
};

// Pinned first, then the most recently updated, each with its message count.
Result<std::vector<ConversationSummary>> listConversations(Database& database, const ListOptions& options = {});
Result<int64_t> countConversations(Database& database);
// Every conversation id, oldest first (the order exports use).
Result<std::vector<std::string>> allConversationIds(Database& database);

// Saves the editable fields (title, pinned, archived, model, system prompt, settings) of an
// existing conversation and bumps its update time. NotFound for an unknown id.
Result<void> updateConversation(Database& database, const Conversation& conversation);
Result<void> renameConversation(Database& database, const std::string& id, const std::string& title);
Result<void> setPinned(Database& database, const std::string& id, bool pinned);
Result<void> setArchived(Database& database, const std::string& id, bool archived);

// Deletes the conversation and all its messages.
Result<void> deleteConversation(Database& database, const std::string& id);

}  // namespace confidant::storage
