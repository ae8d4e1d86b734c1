// Search results for the sidebar's search box: the store's full-text search (FTS5, bm25) of titles
// and messages, run off the UI thread as the user types. Each answer replaces the results (a model
// reset); answers to queries the user has since changed are dropped.
#pragma once

#include <QAbstractListModel>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include "conversation_repository.h"

namespace confidant::app {

class SearchModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the App")
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY resultsChanged)
public:
    enum Role {
        ConversationIdRole = Qt::UserRole + 1,  // conversationId: qint64
        MessageIdRole,                          // messageId: qint64 (0 when the title matched)
        TitleRole,                              // title: QString, the conversation's
        SnippetRole,                            // snippet: QString, rich text, matched words in <b>
        OnSelectedBranchRole,                   // onSelectedBranch: bool, false for another branch
    };
    Q_ENUM(Role)

    explicit SearchModel(ConversationRepository* repository, QObject* parent = nullptr);

    QString query() const { return m_query; }
    // Searches after a short pause in typing (an empty query clears the results at once).
    void setQuery(const QString& query);
    bool busy() const { return m_busy; }
    QString error() const { return m_error; }

    // The FTS text for what the user typed: the last word is also a prefix ("ligh" finds
    // "lighthouse") unless it is quoted or followed by a space.
    static QString ftsText(const QString& typed);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void queryChanged();
    void countChanged();
    void busyChanged();
    void resultsChanged();  // an answer arrived (possibly empty, possibly an error)

private:
    void run();
    void setResults(const QVector<SearchHit>& hits, const QString& error);
    void setBusy(bool busy);

    ConversationRepository* m_repository;
    QString m_query;
    QVector<SearchHit> m_hits;
    QString m_error;
    bool m_busy = false;
    quint64 m_generation = 0;  // of the latest query; older answers are dropped
    QTimer m_debounce;
};

}  // namespace confidant::app
