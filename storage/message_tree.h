// The messages of a conversation form a tree: each has a parent (none for the first). Editing a
// message or regenerating a reply adds a sibling instead of overwriting, and the conversation
// remembers which leaf is shown (its "selected branch" is the path from the root to that leaf).
#pragma once

#include <string>
#include <vector>

#include "database.h"
#include "store_types.h"

namespace confidant::storage {

struct NewMessage {
    std::string conversationId;
    std::string parentId;  // empty: a root message
    Role role = Role::User;
    std::string content;
    FinishReason finishReason = FinishReason::None;
    ReplyInfo reply;
    bool select = true;  // make the new message the selected leaf
};

// Adds a message (committed at once) and returns it with its id and time. NotFound for an unknown
// conversation or parent; InvalidInput for a parent from another conversation.
Result<Message> appendMessage(Database& database, const NewMessage& draft);

// Editing: a new sibling of `messageId` (same parent, same role) with `content`, selected.
Result<Message> editMessage(Database& database, const std::string& messageId, const std::string& content);

Result<Message> getMessage(Database& database, const std::string& id);

// The selected branch, root first. Empty for a conversation without messages.
Result<std::vector<Message>> loadSelectedBranch(Database& database, const std::string& conversationId);
// Only the ids of the selected branch, root first (cheap: no message text is read).
Result<std::vector<std::string>> loadSelectedPathIds(Database& database, const std::string& conversationId);
// The path from the root to `messageId`, root first.
Result<std::vector<Message>> loadPathTo(Database& database, const std::string& messageId);
// All messages of all branches, parents before children.
Result<std::vector<Message>> loadAllMessages(Database& database, const std::string& conversationId);
Result<ConversationData> loadConversation(Database& database, const std::string& conversationId);

// The messages sharing `messageId`'s parent (itself included), oldest first: what the app shows
// as "2 / 3" with arrows.
Result<std::vector<Message>> loadSiblings(Database& database, const std::string& messageId);

// Shows the branch through `messageId`: selects the newest leaf below it and returns that leaf.
Result<std::string> selectBranch(Database& database, const std::string& messageId);
// The newest leaf below `messageId` (itself when it has no children), without selecting it.
Result<std::string> newestLeafUnder(Database& database, const std::string& messageId);

// Deletes a message and everything below it; when the selected branch went with it, the newest
// remaining branch under its parent (or in the conversation) is selected.
Result<void> deleteMessage(Database& database, const std::string& messageId);

// In-memory helpers over loaded data: the selected branch, root first.
std::vector<const Message*> selectedBranch(const ConversationData& data);
// 1-based position of `message` among its siblings and their count.
std::pair<int, int> siblingPosition(const ConversationData& data, const Message& message);
// siblingPosition() of each of `messages` (pointers into data.messages) in one pass over the
// data: what the exports use, linear in the conversation's size where a call per message was
// quadratic (issue #18: a 200,000-message export took minutes).
std::vector<std::pair<int, int>> siblingPositions(const ConversationData& data,
                                                  const std::vector<const Message*>& messages);

}  // namespace confidant::storage
