// Row mapping for conversations and messages.
#include "rows.h"

#include "json_codec.h"

namespace confidant::storage::detail {

const char* const k_conversationColumns =
    "c.id, c.title, c.created_at, c.updated_at, c.pinned, c.archived, c.model_ref, c.system_prompt, c.settings, "
    "c.selected_leaf_id, c.source";
const char* const k_messageColumns =
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.created_at, m.state, m.finish_reason, m.model_file, "
    "m.model_sha256, m.backend, m.device, m.sampler, m.prompt_tokens, m.generated_tokens, m.time_to_first_token_ms, "
    "m.tokens_per_second";

Conversation readConversation(const Statement& s, int c) {
    Conversation conversation;
    conversation.id = s.columnText(c + 0);
    conversation.title = s.columnText(c + 1);
    conversation.createdAt = s.columnInt(c + 2);
    conversation.updatedAt = s.columnInt(c + 3);
    conversation.pinned = s.columnInt(c + 4) != 0;
    conversation.archived = s.columnInt(c + 5) != 0;
    conversation.modelRef = s.columnText(c + 6);
    conversation.systemPrompt = s.columnText(c + 7);
    conversation.settings = settingsFromText(s.columnText(c + 8));
    conversation.selectedLeafId = s.columnText(c + 9);
    conversation.source = s.columnText(c + 10);
    return conversation;
}

Message readMessage(const Statement& s, int c) {
    Message message;
    message.id = s.columnText(c + 0);
    message.conversationId = s.columnText(c + 1);
    message.parentId = s.columnText(c + 2);
    message.role = roleFromName(s.columnText(c + 3)).value_or(Role::User);
    message.content = s.columnText(c + 4);
    message.createdAt = s.columnInt(c + 5);
    message.state = s.columnText(c + 6) == "streaming" ? MessageState::Streaming : MessageState::Complete;
    message.finishReason = finishReasonFromName(s.columnText(c + 7)).value_or(FinishReason::None);
    message.reply.modelFile = s.columnText(c + 8);
    message.reply.modelSha256 = s.columnText(c + 9);
    message.reply.backend = s.columnText(c + 10);
    message.reply.device = s.columnText(c + 11);
    message.reply.sampler = samplerFromText(s.columnText(c + 12));
    message.reply.promptTokens = s.columnOptionalInt(c + 13);
    message.reply.generatedTokens = s.columnOptionalInt(c + 14);
    message.reply.timeToFirstTokenMs = s.columnOptionalDouble(c + 15);
    message.reply.tokensPerSecond = s.columnOptionalDouble(c + 16);
    return message;
}

Result<void> insertConversation(Database& database, const Conversation& c) {
    auto statement = database.prepare(
        "INSERT INTO conversations (id, title, created_at, updated_at, pinned, archived, model_ref, system_prompt, "
        "settings, selected_leaf_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!statement) return statement.error();
    statement->bind(1, c.id).bind(2, c.title).bind(3, c.createdAt).bind(4, c.updatedAt).bind(5, int64_t(c.pinned));
    statement->bind(6, int64_t(c.archived)).bind(7, c.modelRef).bind(8, c.systemPrompt);
    statement->bind(9, settingsToText(c.settings));
    if (c.selectedLeafId.empty())
        statement->bindNull(10);
    else
        statement->bind(10, c.selectedLeafId);
    statement->bind(11, c.source);
    return statement->run();
}

namespace {

constexpr const char* k_insertMessage =
    "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at, state, finish_reason, "
    "model_file, model_sha256, backend, device, sampler, prompt_tokens, generated_tokens, time_to_first_token_ms, "
    "tokens_per_second) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

Result<void> bindAndRun(Statement& statement, const Message& m) {
    statement.reset();
    statement.bind(1, m.id).bind(2, m.conversationId);
    if (m.parentId.empty())
        statement.bindNull(3);
    else
        statement.bind(3, m.parentId);
    statement.bind(4, roleName(m.role)).bind(5, m.content).bind(6, m.createdAt);
    statement.bind(7, m.state == MessageState::Streaming ? "streaming" : "complete");
    statement.bind(8, finishReasonName(m.finishReason));
    statement.bind(9, m.reply.modelFile).bind(10, m.reply.modelSha256).bind(11, m.reply.backend);
    statement.bind(12, m.reply.device).bind(13, samplerToText(m.reply.sampler));
    statement.bind(14, m.reply.promptTokens).bind(15, m.reply.generatedTokens);
    statement.bind(16, m.reply.timeToFirstTokenMs).bind(17, m.reply.tokensPerSecond);
    return statement.run();
}

}  // namespace

Result<void> insertMessage(Database& database, const Message& m) {
    auto statement = database.prepare(k_insertMessage);
    if (!statement) return statement.error();
    return bindAndRun(*statement, m);
}

Result<MessageInserter> MessageInserter::prepare(Database& database) {
    auto statement = database.prepare(k_insertMessage);
    if (!statement) return statement.error();
    return MessageInserter(std::move(*statement));
}

Result<void> MessageInserter::insert(const Message& message) { return bindAndRun(m_statement, message); }

Result<void> touchConversation(Database& database, const std::string& conversationId, int64_t time) {
    auto statement = database.prepare("UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?");
    if (!statement) return statement.error();
    statement->bind(1, time).bind(2, conversationId);
    return statement->run();
}

Result<void> setSelectedLeaf(Database& database, const std::string& conversationId, const std::string& leafId) {
    auto statement = database.prepare("UPDATE conversations SET selected_leaf_id = ? WHERE id = ?");
    if (!statement) return statement.error();
    if (leafId.empty())
        statement->bindNull(1);
    else
        statement->bind(1, leafId);
    statement->bind(2, conversationId);
    return statement->run();
}

}  // namespace confidant::storage::detail
