// The sidebar's conversations: pinned first, then newest first, with a `section` role that groups
// them by recency (Pinned, Today, Yesterday, Previous 7 days, Older). Rows are inserted, moved and
// removed exactly as the repository changes; the model never resets after start-up.
#pragma once

#include <QAbstractListModel>
#include <QDate>
#include <QtQml/qqmlregistration.h>

namespace confidant::app {

class ConversationRepository;

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the App")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,  // conversationId: qint64
        TitleRole,                  // title: QString
        PinnedRole,                 // pinned: bool
        UpdatedRole,                // updated: QDateTime of the last change
        SectionRole,                // section: translated recency group
    };
    Q_ENUM(Role)

    explicit ConversationListModel(ConversationRepository* repository, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE int rowOf(qint64 conversationId) const;
    Q_INVOKABLE qint64 idAt(int row) const;
    // The group a conversation updated at `updated` belongs to, as of `today`.
    static QString sectionFor(bool pinned, const QDateTime& updated, const QDate& today);

signals:
    void countChanged();

private:
    bool lessThan(qint64 a, qint64 b) const;
    int sortedRowFor(qint64 id) const;  // where `id` belongs among the other rows
    void onAdded(qint64 id);
    void onChanged(qint64 id);
    void onRemoved(qint64 id);

    ConversationRepository* m_repository;
    QVector<qint64> m_rows;
};

}  // namespace confidant::app
