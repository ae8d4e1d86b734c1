// Search: FTS5 queries with bm25 and snippet(), then each hit placed on its branch.
#include "search.h"

#include <unordered_map>
#include <unordered_set>

#include "message_tree.h"

namespace confidant::storage {

namespace {

void appendQuoted(std::string& out, std::string_view term, bool prefix) {
    if (term.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : term) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    if (prefix) out += '*';
}

}  // namespace

std::string ftsQuery(std::string_view text) {
    std::string out;
    size_t i = 0;
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < text.size()) {
        if (isSpace(text[i])) {
            ++i;
            continue;
        }
        if (text[i] == '"') {
            size_t end = text.find('"', i + 1);
            if (end == std::string_view::npos) end = text.size();
            appendQuoted(out, text.substr(i + 1, end - i - 1), false);
            i = end + 1;
            continue;
        }
        size_t end = i;
        while (end < text.size() && !isSpace(text[end]) && text[end] != '"') ++end;
        std::string_view word = text.substr(i, end - i);
        bool prefix = word.size() > 1 && word.back() == '*';
        if (prefix) word.remove_suffix(1);
        appendQuoted(out, word, prefix);
        i = end;
    }
    return out;
}

Result<std::vector<SearchHit>> search(Database& database, std::string_view query, const SearchOptions& options) {
    const std::string match = ftsQuery(query);
    if (match.empty()) return makeError(ErrorCode::InvalidInput, "the search query is empty");
    std::vector<SearchHit> hits;

    if (options.includeTitles) {
        auto statement = database.prepare(
            "SELECT c.id, highlight(conversation_search, 0, ?, ?), c.updated_at, conversation_search.rank "
            "FROM conversation_search JOIN conversations c ON c.seq = conversation_search.rowid "
            "WHERE conversation_search MATCH ? ORDER BY conversation_search.rank LIMIT ?");
        if (!statement) return statement.error();
        statement->bind(1, options.highlightStart).bind(2, options.highlightEnd).bind(3, match);
        statement->bind(4, int64_t(options.limit));
        for (;;) {
            auto row = statement->step();
            if (!row) return row.error();
            if (!*row) break;
            SearchHit hit;
            hit.conversationId = statement->columnText(0);
            hit.snippet = statement->columnText(1);
            hit.conversationTitle = hit.snippet;
            hit.createdAt = statement->columnInt(2);
            hit.score = statement->columnDouble(3);
            hits.push_back(std::move(hit));
        }
        // The title without highlight markers.
        for (SearchHit& hit : hits) {
            auto conversation = database.prepare("SELECT title, selected_leaf_id FROM conversations WHERE id = ?");
            if (!conversation) return conversation.error();
            conversation->bind(1, hit.conversationId);
            auto row = conversation->step();
            if (!row) return row.error();
            if (*row) {
                hit.conversationTitle = conversation->columnText(0);
                hit.branchLeafId = conversation->columnText(1);
                hit.onSelectedBranch = true;
            }
        }
    }

    // bm25 costs a lookup per matching message, so a query matching most of a large store
    // ("the code") would rank hundreds of thousands of rows. Ranking is limited to the newest
    // rankWindow matches: a cheap descending rowid scan finds where that window starts.
    int64_t firstRow = 0;
    if (options.rankWindow > 0) {
        auto window = database.prepare(
            "SELECT min(rowid), count(*) FROM (SELECT rowid FROM message_search WHERE message_search MATCH ? "
            "ORDER BY rowid DESC LIMIT ?)");
        if (!window) return window.error();
        window->bind(1, match).bind(2, int64_t(options.rankWindow));
        auto row = window->step();
        if (!row) return row.error();
        if (*row && window->columnInt(1) >= options.rankWindow) firstRow = window->columnInt(0);
    }
    // FTS5 consumes "ORDER BY rank LIMIT n" itself, so snippets are made for the returned rows only.
    auto statement = database.prepare(
        "SELECT m.conversation_id, c.title, m.id, m.role, m.created_at, "
        "snippet(message_search, 0, ?, ?, '…', ?), message_search.rank, c.selected_leaf_id "
        "FROM message_search JOIN messages m ON m.seq = message_search.rowid "
        "JOIN conversations c ON c.id = m.conversation_id "
        "WHERE message_search MATCH ? AND message_search.rowid >= ? ORDER BY message_search.rank LIMIT ?");
    if (!statement) return statement.error();
    statement->bind(1, options.highlightStart).bind(2, options.highlightEnd).bind(3, int64_t(options.snippetWords));
    statement->bind(4, match).bind(5, firstRow).bind(6, int64_t(options.limit));
    std::unordered_map<std::string, std::string> selectedLeafOf;
    for (;;) {
        auto row = statement->step();
        if (!row) return row.error();
        if (!*row) break;
        SearchHit hit;
        hit.conversationId = statement->columnText(0);
        hit.conversationTitle = statement->columnText(1);
        hit.messageId = statement->columnText(2);
        hit.role = roleFromName(statement->columnText(3)).value_or(Role::User);
        hit.createdAt = statement->columnInt(4);
        hit.snippet = statement->columnText(5);
        hit.score = statement->columnDouble(6);
        selectedLeafOf[hit.conversationId] = statement->columnText(7);
        hits.push_back(std::move(hit));
    }

    // Place message hits on their branches: one walk up the selected branch per conversation.
    std::unordered_map<std::string, std::unordered_set<std::string>> selectedPathOf;
    for (SearchHit& hit : hits) {
        if (hit.messageId.empty()) continue;
        auto [it, inserted] = selectedPathOf.try_emplace(hit.conversationId);
        if (inserted) {
            auto branch = loadSelectedPathIds(database, hit.conversationId);
            if (!branch) return branch.error();
            it->second.insert(branch->begin(), branch->end());
        }
        if (it->second.count(hit.messageId)) {
            hit.onSelectedBranch = true;
            hit.branchLeafId = selectedLeafOf[hit.conversationId];
        } else {
            auto leaf = newestLeafUnder(database, hit.messageId);
            if (!leaf) return leaf.error();
            hit.branchLeafId = *leaf;
        }
    }
    return hits;
}

}  // namespace confidant::storage
