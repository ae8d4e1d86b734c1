// The streaming reply writer. Each flush is one UPDATE in its own (WAL) transaction: committed
// means it survives the program being killed; finish() is also durable against a power loss.
#include "reply_writer.h"

#include <utility>

#include "json_codec.h"
#include "rows.h"

namespace confidant::storage {

Result<ReplyWriter> ReplyWriter::begin(Database& database, const std::string& conversationId,
                                       const std::string& parentId, std::string_view firstText, const ReplyInfo& info,
                                       const Options& options) {
    auto transaction = Transaction::begin(database);
    if (!transaction) return transaction.error();
    auto exists = database.prepare("SELECT 1 FROM conversations WHERE id = ?");
    if (!exists) return exists.error();
    exists->bind(1, conversationId);
    auto found = exists->step();
    if (!found) return found.error();
    if (!*found) return makeError(ErrorCode::NotFound, "no conversation with id " + conversationId);
    if (!parentId.empty()) {
        auto parent = database.prepare("SELECT conversation_id FROM messages WHERE id = ?");
        if (!parent) return parent.error();
        parent->bind(1, parentId);
        auto row = parent->step();
        if (!row) return row.error();
        if (!*row) return makeError(ErrorCode::NotFound, "no message with id " + parentId);
        if (parent->columnText(0) != conversationId)
            return makeError(ErrorCode::InvalidInput,
                             "message " + parentId + " belongs to another conversation than " + conversationId);
    }
    Message message;
    message.id = newUuid();
    message.conversationId = conversationId;
    message.parentId = parentId;
    message.role = Role::Assistant;
    message.content = std::string(firstText);
    message.createdAt = nowMs();
    message.state = MessageState::Streaming;
    message.reply = info;
    CONFIDANT_TRY(detail::insertMessage(database, message));
    if (options.select) CONFIDANT_TRY(detail::setSelectedLeaf(database, conversationId, message.id));
    CONFIDANT_TRY(detail::touchConversation(database, conversationId, message.createdAt));
    CONFIDANT_TRY(transaction->commit());

    ReplyWriter writer(&database, conversationId, message.id, options);
    writer.m_text = message.content;
    writer.m_flushedSize = writer.m_text.size();
    writer.m_lastFlush = Clock::now();
    return writer;
}

ReplyWriter::ReplyWriter(ReplyWriter&& other) noexcept
    : m_database(other.m_database), m_conversationId(std::move(other.m_conversationId)),
      m_messageId(std::move(other.m_messageId)), m_options(other.m_options), m_text(std::move(other.m_text)),
      m_flushedSize(other.m_flushedSize), m_lastFlush(other.m_lastFlush), m_finished(other.m_finished) {
    other.m_finished = true;
}

ReplyWriter::~ReplyWriter() {
    if (!m_finished && m_database) (void)finish(FinishReason::Interrupted, ReplyInfo{});
}

Result<bool> ReplyWriter::append(std::string_view text) {
    m_text.append(text);
    if (Clock::now() - m_lastFlush < m_options.flushInterval) return false;
    CONFIDANT_TRY(flush());
    return true;
}

Result<void> ReplyWriter::flush() {
    m_lastFlush = Clock::now();
    if (m_flushedSize == m_text.size()) return {};
    auto statement = m_database->prepare("UPDATE messages SET content = ? WHERE id = ?");
    if (!statement) return statement.error();
    statement->bind(1, m_text).bind(2, m_messageId);
    CONFIDANT_TRY(statement->run());
    m_flushedSize = m_text.size();
    return {};
}

Result<Message> ReplyWriter::finish(FinishReason reason, const ReplyInfo& info) {
    // The finished reply is a turn boundary: on disk before finish() returns. The flushes while
    // streaming stay plain WAL commits (no fsync): a power loss may lose the last seconds of a
    // reply still streaming, never a finished one.
    auto transaction = Transaction::beginDurable(*m_database);
    if (!transaction) return transaction.error();
    // The metadata given at begin() stays unless finish() brings a value for it.
    auto current = m_database->prepare(std::string("SELECT ") + detail::k_messageColumns + " FROM messages m WHERE m.id = ?");
    if (!current) return current.error();
    current->bind(1, m_messageId);
    auto row = current->step();
    if (!row) return row.error();
    if (!*row) return makeError(ErrorCode::NotFound, "the reply " + m_messageId + " was deleted while streaming");
    Message message = detail::readMessage(*current, 0);
    current->reset();

    auto merge = [](std::string& to, const std::string& from) {
        if (!from.empty()) to = from;
    };
    merge(message.reply.modelFile, info.modelFile);
    merge(message.reply.modelSha256, info.modelSha256);
    merge(message.reply.backend, info.backend);
    merge(message.reply.device, info.device);
    if (info.sampler != SamplerSettings{}) message.reply.sampler = info.sampler;
    if (info.promptTokens) message.reply.promptTokens = info.promptTokens;
    if (info.generatedTokens) message.reply.generatedTokens = info.generatedTokens;
    if (info.timeToFirstTokenMs) message.reply.timeToFirstTokenMs = info.timeToFirstTokenMs;
    if (info.tokensPerSecond) message.reply.tokensPerSecond = info.tokensPerSecond;
    message.content = m_text;
    message.state = MessageState::Complete;
    message.finishReason = reason;

    // Deleting and re-inserting would change the row's seq; update in place instead.
    auto update = m_database->prepare(
        "UPDATE messages SET content = ?, state = 'complete', finish_reason = ?, model_file = ?, model_sha256 = ?, "
        "backend = ?, device = ?, sampler = ?, prompt_tokens = ?, generated_tokens = ?, time_to_first_token_ms = ?, "
        "tokens_per_second = ? WHERE id = ?");
    if (!update) return update.error();
    {
        auto& s = *update;
        s.bind(1, message.content).bind(2, finishReasonName(reason)).bind(3, message.reply.modelFile);
        s.bind(4, message.reply.modelSha256).bind(5, message.reply.backend).bind(6, message.reply.device);
        s.bind(7, detail::samplerToText(message.reply.sampler));
        s.bind(8, message.reply.promptTokens).bind(9, message.reply.generatedTokens);
        s.bind(10, message.reply.timeToFirstTokenMs).bind(11, message.reply.tokensPerSecond).bind(12, m_messageId);
    }
    CONFIDANT_TRY(update->run());
    CONFIDANT_TRY(detail::touchConversation(*m_database, m_conversationId, nowMs()));
    CONFIDANT_TRY(transaction->commit());
    m_finished = true;
    m_flushedSize = m_text.size();
    return message;
}

}  // namespace confidant::storage
