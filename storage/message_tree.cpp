// Message tree operations. Walks up and down the tree run as recursive queries or short index
// lookups, so a long conversation never has to be loaded to show or change its branch.
#include "message_tree.h"

#include <algorithm>
#include <unordered_map>

#include "rows.h"

namespace confidant::storage {

namespace {

Error unknownMessage(const std::string& id) { return makeError(ErrorCode::NotFound, "no message with id " + id); }

Result<std::vector<Message>> collect(Statement& statement) {
    std::vector<Message> messages;
    for (;;) {
        auto row = statement.step();
        if (!row) return row.error();
        if (!*row) break;
        messages.push_back(detail::readMessage(statement, 0));
    }
    return messages;
}

// Ids on the path from the start row up to the root, root first. Only ids travel through the
// recursive query: sorting whole rows (with their text) would cost far more than the walk.
Result<std::vector<std::string>> pathIds(Database& database, const std::string& startSql, const std::string& key) {
    auto statement = database.prepare(
        "WITH RECURSIVE path(id, depth) AS (" + startSql +
        " UNION ALL SELECT m.parent_id, p.depth + 1 FROM messages m JOIN path p ON m.id = p.id "
        "WHERE m.parent_id IS NOT NULL) SELECT path.id FROM path JOIN messages m ON m.id = path.id "
        "ORDER BY path.depth DESC");
    if (!statement) return statement.error();
    statement->bind(1, key);
    std::vector<std::string> ids;
    for (;;) {
        auto row = statement->step();
        if (!row) return row.error();
        if (!*row) break;
        ids.push_back(statement->columnText(0));
    }
    return ids;
}

// The messages with `ids` (all of one conversation), in the order of `ids`. One indexed scan of
// the conversation is cheaper than hundreds of single-row lookups.
Result<std::vector<Message>> messagesInOrder(Database& database, const std::string& conversationId,
                                             const std::vector<std::string>& ids) {
    std::unordered_map<std::string_view, size_t> position;
    for (size_t i = 0; i < ids.size(); ++i) position.emplace(ids[i], i);
    auto statement = database.prepare(std::string("SELECT ") + detail::k_messageColumns +
                                      " FROM messages m WHERE m.conversation_id = ?");
    if (!statement) return statement.error();
    statement->bind(1, conversationId);
    std::vector<Message> messages(ids.size());
    for (;;) {
        auto row = statement->step();
        if (!row) return row.error();
        if (!*row) break;
        auto it = position.find(statement->columnText(0));
        if (it != position.end()) messages[it->second] = detail::readMessage(*statement, 0);
    }
    return messages;
}

Result<std::string> newestChild(Database& database, const std::string& conversationId, const std::string& parentId) {
    auto statement = database.prepare(
        parentId.empty() ? "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS NULL "
                           "ORDER BY created_at DESC, seq DESC LIMIT 1"
                         : "SELECT id FROM messages WHERE parent_id = ? ORDER BY created_at DESC, seq DESC LIMIT 1");
    if (!statement) return statement.error();
    statement->bind(1, parentId.empty() ? conversationId : parentId);
    auto row = statement->step();
    if (!row) return row.error();
    return *row ? statement->columnText(0) : std::string();
}

}  // namespace

Result<Message> appendMessage(Database& database, const NewMessage& draft) {
    auto transaction = Transaction::begin(database);
    if (!transaction) return transaction.error();
    auto exists = database.prepare("SELECT 1 FROM conversations WHERE id = ?");
    if (!exists) return exists.error();
    exists->bind(1, draft.conversationId);
    auto found = exists->step();
    if (!found) return found.error();
    if (!*found) return makeError(ErrorCode::NotFound, "no conversation with id " + draft.conversationId);
    if (!draft.parentId.empty()) {
        auto parent = getMessage(database, draft.parentId);
        if (!parent) return parent.error();
        if (parent->conversationId != draft.conversationId)
            return makeError(ErrorCode::InvalidInput,
                             "message " + draft.parentId + " belongs to another conversation than " + draft.conversationId);
    }
    Message message;
    message.id = newUuid();
    message.conversationId = draft.conversationId;
    message.parentId = draft.parentId;
    message.role = draft.role;
    message.content = draft.content;
    message.createdAt = nowMs();
    message.finishReason = draft.finishReason;
    message.reply = draft.reply;
    CONFIDANT_TRY(detail::insertMessage(database, message));
    if (draft.select) CONFIDANT_TRY(detail::setSelectedLeaf(database, draft.conversationId, message.id));
    CONFIDANT_TRY(detail::touchConversation(database, draft.conversationId, message.createdAt));
    CONFIDANT_TRY(transaction->commit());
    return message;
}

Result<Message> editMessage(Database& database, const std::string& messageId, const std::string& content) {
    auto original = getMessage(database, messageId);
    if (!original) return original.error();
    NewMessage draft;
    draft.conversationId = original->conversationId;
    draft.parentId = original->parentId;
    draft.role = original->role;
    draft.content = content;
    return appendMessage(database, draft);
}

Result<Message> getMessage(Database& database, const std::string& id) {
    auto statement = database.prepare(std::string("SELECT ") + detail::k_messageColumns + " FROM messages m WHERE m.id = ?");
    if (!statement) return statement.error();
    statement->bind(1, id);
    auto row = statement->step();
    if (!row) return row.error();
    if (!*row) return unknownMessage(id);
    return detail::readMessage(*statement, 0);
}

Result<std::vector<std::string>> loadSelectedPathIds(Database& database, const std::string& conversationId) {
    return pathIds(database,
                   "SELECT selected_leaf_id, 0 FROM conversations WHERE id = ? AND selected_leaf_id IS NOT NULL",
                   conversationId);
}

Result<std::vector<Message>> loadSelectedBranch(Database& database, const std::string& conversationId) {
    auto ids = loadSelectedPathIds(database, conversationId);
    if (!ids) return ids.error();
    if (ids->empty()) return std::vector<Message>{};
    return messagesInOrder(database, conversationId, *ids);
}

Result<std::vector<Message>> loadPathTo(Database& database, const std::string& messageId) {
    auto message = getMessage(database, messageId);
    if (!message) return message.error();
    auto ids = pathIds(database, "SELECT ?, 0", messageId);
    if (!ids) return ids.error();
    return messagesInOrder(database, message->conversationId, *ids);
}

Result<std::vector<Message>> loadAllMessages(Database& database, const std::string& conversationId) {
    auto statement = database.prepare(std::string("SELECT ") + detail::k_messageColumns +
                                      " FROM messages m WHERE m.conversation_id = ? ORDER BY m.seq");
    if (!statement) return statement.error();
    statement->bind(1, conversationId);
    return collect(*statement);
}

Result<ConversationData> loadConversation(Database& database, const std::string& conversationId) {
    auto statement = database.prepare(std::string("SELECT ") + detail::k_conversationColumns +
                                      " FROM conversations c WHERE c.id = ?");
    if (!statement) return statement.error();
    statement->bind(1, conversationId);
    auto row = statement->step();
    if (!row) return row.error();
    if (!*row) return makeError(ErrorCode::NotFound, "no conversation with id " + conversationId);
    ConversationData data;
    data.conversation = detail::readConversation(*statement, 0);
    auto messages = loadAllMessages(database, conversationId);
    if (!messages) return messages.error();
    data.messages = std::move(*messages);
    return data;
}

Result<std::vector<Message>> loadSiblings(Database& database, const std::string& messageId) {
    auto message = getMessage(database, messageId);
    if (!message) return message.error();
    auto statement = database.prepare(
        std::string("SELECT ") + detail::k_messageColumns + " FROM messages m WHERE " +
        (message->parentId.empty() ? "m.conversation_id = ? AND m.parent_id IS NULL" : "m.parent_id = ?") +
        " ORDER BY m.created_at, m.seq");
    if (!statement) return statement.error();
    statement->bind(1, message->parentId.empty() ? message->conversationId : message->parentId);
    return collect(*statement);
}

Result<std::string> newestLeafUnder(Database& database, const std::string& messageId) {
    auto message = getMessage(database, messageId);
    if (!message) return message.error();
    std::string leaf = messageId;
    for (;;) {
        auto child = newestChild(database, message->conversationId, leaf);
        if (!child) return child.error();
        if (child->empty()) return leaf;
        leaf = *child;
    }
}

Result<std::string> selectBranch(Database& database, const std::string& messageId) {
    auto transaction = Transaction::begin(database);
    if (!transaction) return transaction.error();
    auto message = getMessage(database, messageId);
    if (!message) return message.error();
    auto leaf = newestLeafUnder(database, messageId);
    if (!leaf) return leaf.error();
    CONFIDANT_TRY(detail::setSelectedLeaf(database, message->conversationId, *leaf));
    CONFIDANT_TRY(transaction->commit());
    return *leaf;
}

Result<void> deleteMessage(Database& database, const std::string& messageId) {
    auto transaction = Transaction::begin(database);
    if (!transaction) return transaction.error();
    auto message = getMessage(database, messageId);
    if (!message) return message.error();
    auto branch = loadSelectedPathIds(database, message->conversationId);
    if (!branch) return branch.error();
    const bool selectedGoes = std::find(branch->begin(), branch->end(), messageId) != branch->end();

    auto statement = database.prepare("DELETE FROM messages WHERE id = ?");
    if (!statement) return statement.error();
    statement->bind(1, messageId);
    CONFIDANT_TRY(statement->run());

    if (selectedGoes) {
        std::string leaf;
        auto start = newestChild(database, message->conversationId, message->parentId);
        if (!start) return start.error();
        if (!start->empty()) {
            auto newest = newestLeafUnder(database, *start);
            if (!newest) return newest.error();
            leaf = *newest;
        } else {
            leaf = message->parentId;
        }
        CONFIDANT_TRY(detail::setSelectedLeaf(database, message->conversationId, leaf));
    }
    CONFIDANT_TRY(detail::touchConversation(database, message->conversationId, nowMs()));
    return transaction->commit();
}

std::vector<const Message*> selectedBranch(const ConversationData& data) {
    std::unordered_map<std::string_view, const Message*> byId;
    for (const Message& m : data.messages) byId.emplace(m.id, &m);
    std::vector<const Message*> path;
    auto it = byId.find(data.conversation.selectedLeafId);
    while (it != byId.end() && path.size() <= data.messages.size()) {
        path.push_back(it->second);
        it = it->second->parentId.empty() ? byId.end() : byId.find(it->second->parentId);
    }
    std::reverse(path.begin(), path.end());
    return path;
}

std::pair<int, int> siblingPosition(const ConversationData& data, const Message& message) {
    int position = 0, count = 0;
    std::vector<const Message*> siblings;
    for (const Message& m : data.messages)
        if (m.parentId == message.parentId) siblings.push_back(&m);
    std::stable_sort(siblings.begin(), siblings.end(),
                     [](const Message* a, const Message* b) { return a->createdAt < b->createdAt; });
    for (const Message* m : siblings) {
        ++count;
        if (m->id == message.id) position = count;
    }
    return {position, count};
}

}  // namespace confidant::storage
