// Internal: reading and writing whole conversation and message rows, shared by the public
// repositories and the importers (which keep the ids and times they are given).
#pragma once

#include "database.h"
#include "store_types.h"

namespace confidant::storage::detail {

// Column lists for SELECTs, in the order readConversation/readMessage expect them.
extern const char* const k_conversationColumns;  // prefixed with "c."
extern const char* const k_messageColumns;       // prefixed with "m."

Conversation readConversation(const Statement& statement, int firstColumn);
Message readMessage(const Statement& statement, int firstColumn);

Result<void> insertConversation(Database& database, const Conversation& conversation);
Result<void> insertMessage(Database& database, const Message& message);

// Inserts many messages through one prepared statement (imports: preparing per row cost more
// than the insert itself).
class MessageInserter {
public:
    static Result<MessageInserter> prepare(Database& database);
    Result<void> insert(const Message& message);

private:
    explicit MessageInserter(Statement statement) : m_statement(std::move(statement)) {}
    Statement m_statement;
};

Result<void> touchConversation(Database& database, const std::string& conversationId, int64_t time);
Result<void> setSelectedLeaf(Database& database, const std::string& conversationId, const std::string& leafId);

}  // namespace confidant::storage::detail
