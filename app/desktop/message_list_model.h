// The chat view's rows: the selected branch of one conversation, oldest first. A streamed reply
// changes only its own row's text roles; branch changes remove and insert exactly the rows after
// the point where the old and new branch part. Only opening another conversation resets the model.
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace confidant::app {

class ConversationRepository;

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the chat controller")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,  // messageId: qint64
        RoleRole,                   // role: "system", "user" or "assistant"
        TextRole,                   // text: QString, Markdown
        SegmentsRole,               // segments: [{kind: "prose"|"code", text, language}]
        StreamingRole,              // streaming: bool, the reply being generated now
        SiblingIndexRole,           // siblingIndex: int, 1-based position among its siblings
        SiblingCountRole,           // siblingCount: int
        HasStatsRole,               // hasStats: bool
        StatsTextRole,              // statsText: QString, one line (tokens/s, time to first token, ...)
        ErrorRole,                  // error: QString, why the reply failed
    };
    Q_ENUM(Role)

    explicit MessageListModel(ConversationRepository* repository, QObject* parent = nullptr);

    void setConversation(qint64 conversationId);
    qint64 conversationId() const { return m_conversationId; }
    void setStreamingMessage(qint64 conversationId, qint64 messageId);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int rowOf(qint64 messageId) const;
    Q_INVOKABLE qint64 idAt(int row) const;

signals:
    void countChanged();

private:
    void onMessagesChanged(qint64 conversationId);
    void onTextChanged(qint64 conversationId, qint64 messageId);
    void onMessageChanged(qint64 conversationId, qint64 messageId);

    ConversationRepository* m_repository;
    qint64 m_conversationId = 0;
    QVector<qint64> m_rows;
    qint64 m_streamingConversation = 0;
    qint64 m_streamingMessage = 0;
};

}  // namespace confidant::app
