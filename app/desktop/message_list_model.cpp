// MessageListModel: exact row updates from repository changes.
#include "message_list_model.h"

#include <QLocale>

#include "conversation_repository.h"
#include "markdown_segments.h"

namespace confidant::app {

MessageListModel::MessageListModel(ConversationRepository* repository, QObject* parent)
    : QAbstractListModel(parent), m_repository(repository) {
    connect(repository, &ConversationRepository::messagesChanged, this, &MessageListModel::onMessagesChanged);
    connect(repository, &ConversationRepository::messageTextChanged, this, &MessageListModel::onTextChanged);
    connect(repository, &ConversationRepository::messageChanged, this, &MessageListModel::onMessageChanged);
    connect(repository, &ConversationRepository::conversationRemoved, this, [this](qint64 id) {
        if (id == m_conversationId) setConversation(0);
    });
}

void MessageListModel::setConversation(qint64 conversationId) {
    if (conversationId == m_conversationId && conversationId != 0) return;
    beginResetModel();
    m_conversationId = conversationId;
    const Conversation* c = m_repository->find(conversationId);
    m_rows = c ? c->activePath() : QVector<qint64>{};
    endResetModel();
    emit countChanged();
}

void MessageListModel::setStreamingMessage(qint64 conversationId, qint64 messageId) {
    const qint64 oldConversation = m_streamingConversation, oldMessage = m_streamingMessage;
    m_streamingConversation = conversationId;
    m_streamingMessage = messageId;
    for (qint64 id : {oldMessage, messageId}) {
        const qint64 conv = id == oldMessage ? oldConversation : conversationId;
        if (conv != m_conversationId) continue;
        const int row = rowOf(id);
        if (row >= 0) emit dataChanged(index(row), index(row), {StreamingRole});
    }
}

int MessageListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Conversation* c = m_repository->find(m_conversationId);
    const Message* m = c ? c->find(m_rows[index.row()]) : nullptr;
    if (!m) return {};
    switch (role) {
        case IdRole: return m->id;
        case RoleRole: return roleName(m->role);
        case Qt::DisplayRole:
        case TextRole: return m->text;
        case SegmentsRole: return segmentsToVariant(splitMarkdown(m->text));
        case StreamingRole: return m_streamingConversation == m_conversationId && m_streamingMessage == m->id;
        case SiblingIndexRole: return int(c->children(m->parentId).indexOf(m->id)) + 1;
        case SiblingCountRole: return int(c->children(m->parentId).size());
        case HasStatsRole: return m->hasRecord;
        case StatsTextRole: {
            if (!m->hasRecord) return QString();
            const GenerationRecord& r = m->record;
            const QLocale locale;
            QString text = tr("%1 tokens · %2 tokens/s · first token after %3 s · %4 on %5 (%6) · %7")
                               .arg(r.generatedTokens)
                               .arg(locale.toString(r.tokensPerSecond, 'f', 1))
                               .arg(locale.toString(r.timeToFirstToken, 'f', 2))
                               .arg(r.model, r.backend, r.device, r.finishReason);
            if (r.reusedPromptTokens > 0)
                text += tr(" · %1 of %2 prompt tokens reused from the cache").arg(r.reusedPromptTokens).arg(r.promptTokens);
            if (r.droppedTurns > 0) text += tr(" · %n oldest message(s) left out to fit the context", nullptr, r.droppedTurns);
            return text;
        }
        case ErrorRole: return m->error;
    }
    return {};
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{IdRole, "messageId"},
            {RoleRole, "role"},
            {TextRole, "text"},
            {SegmentsRole, "segments"},
            {StreamingRole, "streaming"},
            {SiblingIndexRole, "siblingIndex"},
            {SiblingCountRole, "siblingCount"},
            {HasStatsRole, "hasStats"},
            {StatsTextRole, "statsText"},
            {ErrorRole, "error"}};
}

int MessageListModel::rowOf(qint64 messageId) const { return int(m_rows.indexOf(messageId)); }

qint64 MessageListModel::idAt(int row) const { return row >= 0 && row < m_rows.size() ? m_rows[row] : 0; }

void MessageListModel::onMessagesChanged(qint64 conversationId) {
    if (conversationId != m_conversationId) return;
    const Conversation* c = m_repository->find(conversationId);
    const QVector<qint64> next = c ? c->activePath() : QVector<qint64>{};
    qsizetype common = 0;
    while (common < m_rows.size() && common < next.size() && m_rows[common] == next[common]) ++common;
    if (common < m_rows.size()) {
        beginRemoveRows({}, int(common), int(m_rows.size() - 1));
        m_rows.resize(common);
        endRemoveRows();
    }
    if (common < next.size()) {
        beginInsertRows({}, int(common), int(next.size() - 1));
        m_rows = next;
        endInsertRows();
    }
    // Siblings may have come or gone under rows that stayed.
    if (common > 0) emit dataChanged(index(0), index(int(common - 1)), {SiblingIndexRole, SiblingCountRole});
    emit countChanged();
}

void MessageListModel::onTextChanged(qint64 conversationId, qint64 messageId) {
    if (conversationId != m_conversationId) return;
    const int row = rowOf(messageId);
    if (row >= 0) emit dataChanged(index(row), index(row), {TextRole, Qt::DisplayRole, SegmentsRole});
}

void MessageListModel::onMessageChanged(qint64 conversationId, qint64 messageId) {
    if (conversationId != m_conversationId) return;
    const int row = rowOf(messageId);
    if (row >= 0) emit dataChanged(index(row), index(row), {HasStatsRole, StatsTextRole, ErrorRole});
}

}  // namespace confidant::app
