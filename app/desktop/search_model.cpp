// SearchModel: the sidebar's queries to the store's full-text search and their answers.
#include "search_model.h"

namespace confidant::app {

namespace {

constexpr int k_limit = 50;
// Long enough to skip the intermediate queries of fast typing, short enough to feel instant.
constexpr int k_debounceMs = 120;

}  // namespace

SearchModel::SearchModel(ConversationRepository* repository, QObject* parent)
    : QAbstractListModel(parent), m_repository(repository) {
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(k_debounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &SearchModel::run);
}

QString SearchModel::ftsText(const QString& typed) {
    QString text = typed.trimmed();
    if (text.isEmpty() || typed.back().isSpace() || text.endsWith(QLatin1Char('*')) || text.count(QLatin1Char('"')) > 0)
        return text;
    return text + QLatin1Char('*');
}

void SearchModel::setQuery(const QString& query) {
    if (query == m_query) return;
    m_query = query;
    ++m_generation;
    emit queryChanged();
    if (query.trimmed().isEmpty()) {
        m_debounce.stop();
        setBusy(false);
        setResults({}, {});
        return;
    }
    setBusy(true);
    m_debounce.start();
}

void SearchModel::run() {
    const quint64 generation = m_generation;
    m_repository->search(ftsText(m_query), k_limit, this, [this, generation](const QVector<SearchHit>& hits, const QString& error) {
        if (generation != m_generation) return;
        setBusy(false);
        setResults(hits, error);
    });
}

void SearchModel::setResults(const QVector<SearchHit>& hits, const QString& error) {
    const bool countChanges = hits.size() != m_hits.size();
    beginResetModel();
    m_hits = hits;
    m_error = error;
    endResetModel();
    if (countChanges) emit countChanged();
    emit resultsChanged();
}

void SearchModel::setBusy(bool busy) {
    if (busy == m_busy) return;
    m_busy = busy;
    emit busyChanged();
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
        case OnSelectedBranchRole: return hit.onSelectedBranch;
    }
    return {};
}

QHash<int, QByteArray> SearchModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"},
            {MessageIdRole, "messageId"},
            {TitleRole, "title"},
            {SnippetRole, "snippet"},
            {OnSelectedBranchRole, "onSelectedBranch"}};
}

}  // namespace confidant::app
