// SearchModel: results of ConversationRepository::search.
#include "search_model.h"

namespace confidant::app {

SearchModel::SearchModel(ConversationRepository* repository, QObject* parent)
    : QAbstractListModel(parent), m_repository(repository) {}

void SearchModel::setQuery(const QString& query) {
    if (query == m_query) return;
    m_query = query;
    beginResetModel();
    m_hits = m_repository->search(query);
    endResetModel();
    emit queryChanged();
    emit countChanged();
}

int SearchModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_hits.size()); }

QVariant SearchModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const SearchHit& hit = m_hits[index.row()];
    switch (role) {
        case ConversationIdRole: return hit.conversationId;
        case MessageIdRole: return hit.messageId;
        case Qt::DisplayRole:
        case TitleRole: return hit.title;
        case SnippetRole: return hit.snippet;
    }
    return {};
}

QHash<int, QByteArray> SearchModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"}, {MessageIdRole, "messageId"}, {TitleRole, "title"}, {SnippetRole, "snippet"}};
}

}  // namespace confidant::app
