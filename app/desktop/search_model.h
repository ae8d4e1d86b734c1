// Search results for the sidebar's search box: matching messages (and titles) across every
// conversation, newest conversation first. Each query replaces the results (a model reset).
#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include "conversation_repository.h"

namespace confidant::app {

class SearchModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the App")
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        ConversationIdRole = Qt::UserRole + 1,  // conversationId: qint64
        MessageIdRole,                          // messageId: qint64 (0 when the title matched)
        TitleRole,                              // title: QString, the conversation's
        SnippetRole,                            // snippet: QString, text around the match
    };
    Q_ENUM(Role)

    explicit SearchModel(ConversationRepository* repository, QObject* parent = nullptr);

    QString query() const { return m_query; }
    void setQuery(const QString& query);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void queryChanged();
    void countChanged();

private:
    ConversationRepository* m_repository;
    QString m_query;
    QVector<SearchHit> m_hits;
};

}  // namespace confidant::app
