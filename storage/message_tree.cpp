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

// The messages of a conversation on the path from `leafId` up to the root, root first. One
// indexed scan of the conversation and a walk in memory: measured several times faster than a
// recursive query, which pays a unique-index lookup per step.
Result<std::vector<Message>> pathOfMessages(Database& database, const std::string& conversationId,
                                            const std::string& leafId) {
    auto all = loadAllMessages(database, conversationId);
    if (!all) return all.error();
    std::unordered_map<std::string_view, size_t> index;
    for (size_t i = 0; i < all->size(); ++i) index.emplace((*all)[i].id, i);
    std::vector<size_t> path;
    for (auto it = index.find(leafId); it != index.end() && path.size() <= all->size();) {
        path.push_back(it->second);
        const std::string& parent = (*all)[it->second].parentId;
        it = parent.empty() ? index.end() : index.find(parent);
    }
    std::vector<Message> messages;
    messages.reserve(path.size());
    for (auto i = path.rbegin(); i != path.rend(); ++i) messages.push_back(std::move((*all)[*i]));
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
    // A new message is a turn boundary (the user's message; a reply written whole): durable.
    auto transaction = Transaction::beginDurable(database);
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
    auto statement = database.prepare(
        "SELECT m.id, m.parent_id, c.selected_leaf_id FROM conversations c JOIN messages m ON m.conversation_id = c.id "
        "WHERE c.id = ?");
    if (!statement) return statement.error();
    statement->bind(1, conversationId);
    std::unordered_map<std::string, std::string> parentOf;
    std::string leaf;
    for (;;) {
        auto row = statement->step();
        if (!row) return row.error();
        if (!*row) break;
        parentOf.emplace(statement->columnText(0), statement->columnText(1));
        leaf = statement->columnText(2);
    }
    std::vector<std::string> ids;
    for (auto it = parentOf.find(leaf); it != parentOf.end() && ids.size() <= parentOf.size();) {
        ids.push_back(it->first);
        it = it->second.empty() ? parentOf.end() : parentOf.find(it->second);
    }
    std::reverse(ids.begin(), ids.end());
    return ids;
}

Result<std::vector<Message>> loadSelectedBranch(Database& database, const std::string& conversationId) {
    auto conversation = database.prepare("SELECT selected_leaf_id FROM conversations WHERE id = ?");
    if (!conversation) return conversation.error();
    conversation->bind(1, conversationId);
    auto row = conversation->step();
    if (!row) return row.error();
    if (!*row) return makeError(ErrorCode::NotFound, "no conversation with id " + conversationId);
    const std::string leaf = conversation->columnText(0);
    if (leaf.empty()) return std::vector<Message>{};
    return pathOfMessages(database, conversationId, leaf);
}

Result<std::vector<Message>> loadPathTo(Database& database, const std::string& messageId) {
    auto message = getMessage(database, messageId);
    if (!message) return message.error();
    return pathOfMessages(database, message->conversationId, messageId);
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

std::vector<std::pair<int, int>> siblingPositions(const ConversationData& data,
                                                  const std::vector<const Message*>& messages) {
    // Only the parents of the asked messages matter; their children are gathered in one pass.
    std::unordered_map<std::string_view, std::vector<const Message*>> childrenOf;
    for (const Message* m : messages) childrenOf.try_emplace(m->parentId);
    for (const Message& m : data.messages)
        if (auto it = childrenOf.find(m.parentId); it != childrenOf.end()) it->second.push_back(&m);
    std::unordered_map<const Message*, int> position;
    for (auto& [parent, siblings] : childrenOf) {
        // The same order as siblingPosition(): by creation time, ties in the data's order.
        std::stable_sort(siblings.begin(), siblings.end(),
                         [](const Message* a, const Message* b) { return a->createdAt < b->createdAt; });
        for (size_t i = 0; i < siblings.size(); ++i) position.emplace(siblings[i], int(i + 1));
    }
    std::vector<std::pair<int, int>> out;
    out.reserve(messages.size());
    for (const Message* m : messages) {
        const auto& siblings = childrenOf[m->parentId];
        auto it = position.find(m);
        // A message not in data.messages: the first with its id, as siblingPosition() matches by id.
        int at = it != position.end() ? it->second : 0;
        if (at == 0)
            for (size_t i = 0; i < siblings.size() && at == 0; ++i)
                if (siblings[i]->id == m->id) at = int(i + 1);
        out.emplace_back(at, int(siblings.size()));
    }
    return out;
}

}  // namespace confidant::storage
