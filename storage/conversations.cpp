// The conversation repository.
#include "conversations.h"

#include "json_codec.h"
#include "rows.h"

namespace confidant::storage {

namespace {

Error unknownConversation(const std::string& id) {
    return makeError(ErrorCode::NotFound, "no conversation with id " + id);
}

Result<void> setFlag(Database& database, const std::string& id, const char* column, bool value) {
    auto statement = database.prepare(std::string("UPDATE conversations SET ") + column + " = ? WHERE id = ?");
    if (!statement) return statement.error();
    statement->bind(1, int64_t(value)).bind(2, id);
    CONFIDANT_TRY(statement->run());
    if (database.changes() == 0) return unknownConversation(id);
    return {};
}

}  // namespace

Result<Conversation> createConversation(Database& database, const NewConversation& draft) {
    Conversation conversation;
    conversation.id = newUuid();
    conversation.title = draft.title;
    conversation.createdAt = conversation.updatedAt = nowMs();
    conversation.modelRef = draft.modelRef;
    conversation.systemPrompt = draft.systemPrompt;
    conversation.settings = draft.settings;
    CONFIDANT_TRY(detail::insertConversation(database, conversation));
    return conversation;
}

Result<Conversation> getConversation(Database& database, const std::string& id) {
    auto statement = database.prepare(std::string("SELECT ") + detail::k_conversationColumns +
                                      " FROM conversations c WHERE c.id = ?");
    if (!statement) return statement.error();
    statement->bind(1, id);
    auto row = statement->step();
    if (!row) return row.error();
    if (!*row) return unknownConversation(id);
    return detail::readConversation(*statement, 0);
}

Result<std::vector<ConversationSummary>> listConversations(Database& database, const ListOptions& options) {
    auto statement = database.prepare(
        std::string("SELECT ") + detail::k_conversationColumns +
        ", (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) FROM conversations c " +
        (options.includeArchived ? "" : "WHERE c.archived = 0 ") +
        "ORDER BY c.pinned DESC, c.updated_at DESC LIMIT ? OFFSET ?");
    if (!statement) return statement.error();
    statement->bind(1, int64_t(options.limit)).bind(2, int64_t(options.offset));
    std::vector<ConversationSummary> list;
    for (;;) {
        auto row = statement->step();
        if (!row) return row.error();
        if (!*row) break;
        list.push_back({detail::readConversation(*statement, 0), statement->columnInt(11)});
    }
    return list;
}

Result<int64_t> countConversations(Database& database) { return database.queryInt("SELECT count(*) FROM conversations"); }

Result<std::vector<std::string>> allConversationIds(Database& database) {
    auto statement = database.prepare("SELECT id FROM conversations ORDER BY created_at, id");
    if (!statement) return statement.error();
    std::vector<std::string> ids;
    for (;;) {
        auto row = statement->step();
        if (!row) return row.error();
        if (!*row) break;
        ids.push_back(statement->columnText(0));
    }
    return ids;
}

Result<void> updateConversation(Database& database, const Conversation& c) {
    auto statement = database.prepare(
        "UPDATE conversations SET title = ?, pinned = ?, archived = ?, model_ref = ?, system_prompt = ?, settings = ?, "
        "updated_at = max(updated_at, ?) WHERE id = ?");
    if (!statement) return statement.error();
    statement->bind(1, c.title).bind(2, int64_t(c.pinned)).bind(3, int64_t(c.archived)).bind(4, c.modelRef);
    statement->bind(5, c.systemPrompt).bind(6, detail::settingsToText(c.settings)).bind(7, nowMs()).bind(8, c.id);
    CONFIDANT_TRY(statement->run());
    if (database.changes() == 0) return unknownConversation(c.id);
    return {};
}

Result<void> renameConversation(Database& database, const std::string& id, const std::string& title) {
    auto statement = database.prepare("UPDATE conversations SET title = ?, updated_at = max(updated_at, ?) WHERE id = ?");
    if (!statement) return statement.error();
    statement->bind(1, title).bind(2, nowMs()).bind(3, id);
    CONFIDANT_TRY(statement->run());
    if (database.changes() == 0) return unknownConversation(id);
    return {};
}

Result<void> setPinned(Database& database, const std::string& id, bool pinned) {
    return setFlag(database, id, "pinned", pinned);
}

Result<void> setArchived(Database& database, const std::string& id, bool archived) {
    return setFlag(database, id, "archived", archived);
}

Result<void> deleteConversation(Database& database, const std::string& id) {
    // The foreign keys cascade to the messages, and the search triggers follow them.
    auto statement = database.prepare("DELETE FROM conversations WHERE id = ?");
    if (!statement) return statement.error();
    statement->bind(1, id);
    CONFIDANT_TRY(statement->run());
    if (database.changes() == 0) return unknownConversation(id);
    return {};
}

}  // namespace confidant::storage
