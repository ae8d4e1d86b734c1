// ConversationListModel: sorted rows kept in step with the repository.
#include "conversation_list_model.h"

#include <algorithm>

#include "conversation_repository.h"

namespace confidant::app {

ConversationListModel::ConversationListModel(ConversationRepository* repository, QObject* parent)
    : QAbstractListModel(parent), m_repository(repository) {
    const QList<qint64> ids = repository->ids();
    m_rows = QVector<qint64>(ids.begin(), ids.end());
    std::sort(m_rows.begin(), m_rows.end(), [this](qint64 a, qint64 b) { return lessThan(a, b); });
    connect(repository, &ConversationRepository::conversationAdded, this, &ConversationListModel::onAdded);
    connect(repository, &ConversationRepository::conversationChanged, this, &ConversationListModel::onChanged);
    connect(repository, &ConversationRepository::conversationRemoved, this, &ConversationListModel::onRemoved);
}

bool ConversationListModel::lessThan(qint64 a, qint64 b) const {
    const Conversation* ca = m_repository->find(a);
    const Conversation* cb = m_repository->find(b);
    if (ca->pinned != cb->pinned) return ca->pinned;
    if (ca->updated != cb->updated) return ca->updated > cb->updated;
    return a > b;
}

int ConversationListModel::sortedRowFor(qint64 id) const {
    int row = 0;
    for (qint64 other : m_rows)
        if (other != id && lessThan(other, id)) ++row;
    return row;
}

int ConversationListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

QString ConversationListModel::sectionFor(bool pinned, const QDateTime& updated, const QDate& today) {
    if (pinned) return tr("Pinned");
    const qint64 days = updated.date().daysTo(today);
    if (days <= 0) return tr("Today");
    if (days == 1) return tr("Yesterday");
    if (days <= 7) return tr("Previous 7 days");
    return tr("Older");
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const Conversation* c = m_repository->find(m_rows[index.row()]);
    if (!c) return {};
    switch (role) {
        case IdRole: return c->id;
        case Qt::DisplayRole:
        case TitleRole: return c->title;
        case PinnedRole: return c->pinned;
        case UpdatedRole: return c->updated;
        case SectionRole: return sectionFor(c->pinned, c->updated, QDate::currentDate());
    }
    return {};
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{IdRole, "conversationId"}, {TitleRole, "title"}, {PinnedRole, "pinned"},
            {UpdatedRole, "updated"},   {SectionRole, "section"}};
}

int ConversationListModel::rowOf(qint64 conversationId) const { return int(m_rows.indexOf(conversationId)); }

qint64 ConversationListModel::idAt(int row) const { return row >= 0 && row < m_rows.size() ? m_rows[row] : 0; }

void ConversationListModel::onAdded(qint64 id) {
    const int row = sortedRowFor(id);
    beginInsertRows({}, row, row);
    m_rows.insert(row, id);
    endInsertRows();
    emit countChanged();
}

void ConversationListModel::onChanged(qint64 id) {
    const int from = rowOf(id);
    if (from < 0) return;
    const int to = sortedRowFor(id);
    if (to != from) {
        // beginMoveRows wants the destination as an index in the list before the move.
        beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
        m_rows.move(from, to);
        endMoveRows();
    }
    const QModelIndex i = index(to);
    emit dataChanged(i, i, {TitleRole, Qt::DisplayRole, PinnedRole, UpdatedRole, SectionRole});
}

void ConversationListModel::onRemoved(qint64 id) {
    const int row = rowOf(id);
    if (row < 0) return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    emit countChanged();
}

}  // namespace confidant::app
