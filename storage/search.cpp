// Search: FTS5 queries ranked by bm25 with snippet(), then each hit placed on its branch.
#include "search.h"

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "message_tree.h"

namespace confidant::storage {

namespace {

constexpr const char* k_rankFunction = "confidant_bm25";

void appendQuoted(std::string& out, std::string_view term, bool prefix) {
    if (term.empty()) return;
    out += '"';
    for (char c : term) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    if (prefix) out += '*';
}

// The quoted FTS5 phrases of a user's text, in order.
std::vector<std::string> ftsPhrases(std::string_view text) {
    std::vector<std::string> phrases;
    auto add = [&](std::string_view term, bool prefix) {
        std::string phrase;
        appendQuoted(phrase, term, prefix);
        if (!phrase.empty()) phrases.push_back(std::move(phrase));
    };
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
            add(text.substr(i + 1, end - i - 1), false);
            i = end + 1;
            continue;
        }
        size_t end = i;
        while (end < text.size() && !isSpace(text[end]) && text[end] != '"') ++end;
        std::string_view word = text.substr(i, end - i);
        bool prefix = word.size() > 1 && word.back() == '*';
        if (prefix) word.remove_suffix(1);
        add(word, prefix);
        i = end;
    }
    return phrases;
}

// What rankFunction needs once per query rather than once per row (loading FTS5's totals costs a
// read of the index each time).
struct RankData {
    double averageLength = 1.0;
    std::vector<double> idf;
};

// Null when FTS5 could not give its totals.
RankData* rankData(const Fts5ExtensionApi* api, Fts5Context* fts, int phrases, sqlite3_value** args) {
    if (auto* data = static_cast<RankData*>(api->xGetAuxdata(fts, 0))) return data;
    sqlite3_int64 rows = 0, tokens = 0;
    int rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc != SQLITE_OK) return nullptr;
    auto data = std::make_unique<RankData>();
    const double rowCount = double(rows);
    if (rows > 0 && tokens > 0) data->averageLength = double(tokens) / rowCount;
    for (int i = 0; i < phrases; ++i) {
        const double hits = sqlite3_value_double(args[2 * i]);
        const double share = sqlite3_value_double(args[2 * i + 1]);
        const double holding = share >= 1.0 || share <= 0.0 ? hits : std::min(rowCount, hits / share);
        const double idf = std::log((rowCount - holding + 0.5) / (holding + 0.5));
        data->idf.push_back(idf > 0.0 ? idf : 1e-6);  // as FTS5 does for words in most rows
    }
    RankData* kept = data.get();
    // FTS5 frees the data (with the destructor given) when the query ends, also on failure.
    rc = api->xSetAuxdata(fts, data.release(), [](void* p) { delete static_cast<RankData*>(p); });
    return rc == SQLITE_OK ? kept : nullptr;
}

// bm25 exactly as FTS5's built-in bm25() computes it (k1 = 1.2, b = 0.75, one column), except
// that each phrase's document frequency comes from the arguments, two per phrase: `hits`, the
// rows found holding the phrase, and `share`, the part of the table (by rowid range, 1 for all of
// it) they were counted in; the frequency is extrapolated to the whole table. The built-in
// function counts every row holding each phrase before ranking the first row, which for common
// words ("the", "code") reads most of the index on every query.
void rankFunction(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* context, int argCount,
                  sqlite3_value** args) {
    constexpr double k1 = 1.2, b = 0.75;
    const int phrases = api->xPhraseCount(fts);
    if (argCount != 2 * phrases) {
        sqlite3_result_error(context, "confidant_bm25: expected two arguments per phrase", -1);
        return;
    }
    const RankData* data = rankData(api, fts, phrases, args);
    if (!data) {
        sqlite3_result_error(context, "confidant_bm25: could not read the index totals", -1);
        return;
    }
    int instances = 0;
    int rc = api->xInstCount(fts, &instances);
    int documentTokens = 0;
    if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &documentTokens);
    std::vector<double> frequency(size_t(phrases), 0.0);
    for (int i = 0; rc == SQLITE_OK && i < instances; ++i) {
        int phrase = 0, column = 0, offset = 0;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK && phrase >= 0 && phrase < phrases) frequency[size_t(phrase)] += 1.0;
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(context, rc);
        return;
    }
    const double lengthFactor = k1 * (1.0 - b + b * double(documentTokens) / data->averageLength);
    double score = 0;
    for (int i = 0; i < phrases; ++i) {
        const double f = frequency[size_t(i)];
        score += data->idf[size_t(i)] * (f * (k1 + 1.0)) / (f + lengthFactor);
    }
    sqlite3_result_double(context, -score);
}

// Registers rankFunction on this connection once (FTS5 auxiliary functions are per connection;
// registering makes the name known to the SQL parser, which is how a second call finds it).
Result<void> ensureRankFunction(Database& database) {
    sqlite3_stmt* probe = nullptr;
    const std::string probeSql = std::string("SELECT ") + k_rankFunction + "()";
    if (sqlite3_prepare_v2(database.handle(), probeSql.c_str(), -1, &probe, nullptr) == SQLITE_OK) {
        sqlite3_finalize(probe);
        return {};
    }
    sqlite3_finalize(probe);
    fts5_api* fts5 = nullptr;
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v2(database.handle(), "SELECT fts5(?1)", -1, &statement, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(statement, 1, static_cast<void*>(&fts5), "fts5_api_ptr", nullptr);
        rc = sqlite3_step(statement);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    sqlite3_finalize(statement);
    if (rc != SQLITE_OK) return database.error(rc, "looking up SQLite's full-text search (FTS5) interface");
    if (!fts5 || fts5->iVersion < 2)
        return makeError(ErrorCode::Failed, "this SQLite has no usable FTS5 interface; search needs SQLite 3.20 or newer with FTS5");
    rc = fts5->xCreateFunction(fts5, k_rankFunction, nullptr, &rankFunction, nullptr);
    if (rc != SQLITE_OK) return database.error(rc, "registering the search ranking function");
    return {};
}

// How many of the newest messages' index rows hold `match`, up to `limit`, and the smallest rowid
// among them: a descending rowid scan that stops after `limit` matches.
struct NewestMatches {
    int64_t count = 0;
    int64_t firstRow = 0;
};
Result<NewestMatches> newestMatches(Database& database, const std::string& match, int64_t limit) {
    auto statement = database.prepare(
        "SELECT count(*), min(rowid) FROM (SELECT rowid FROM message_search WHERE message_search MATCH ? "
        "ORDER BY rowid DESC LIMIT ?)");
    if (!statement) return statement.error();
    statement->bind(1, match).bind(2, limit);
    auto row = statement->step();
    if (!row) return row.error();
    NewestMatches result;
    if (*row) {
        result.count = statement->columnInt(0);
        result.firstRow = statement->columnInt(1);
    }
    return result;
}

// The `rank MATCH` value that makes FTS5 order by rankFunction: per phrase, the number of
// messages holding it, counted exactly up to `sample`, else estimated from the share of the
// newest messages (by rowid range) that hold it. The estimate only moves the weight between the
// phrases of a query; a phrase found in more than half of the messages has almost no weight
// either way.
Result<std::string> rankExpression(Database& database, const std::vector<std::string>& phrases, int64_t sample,
                                   std::unordered_map<std::string, NewestMatches>& newest) {
    std::string expression = std::string(k_rankFunction) + "(";
    std::optional<std::pair<int64_t, int64_t>> rowids;  // the smallest and largest indexed rowid
    for (size_t i = 0; i < phrases.size(); ++i) {
        auto it = newest.find(phrases[i]);
        if (it == newest.end()) {
            auto found = newestMatches(database, phrases[i], sample);
            if (!found) return found.error();
            it = newest.emplace(phrases[i], *found).first;
        }
        // FTS5 drops a phrase without words ("---") from the query; any other phrase found
        // nowhere leaves nothing to rank. Either way it gets no arguments.
        if (it->second.count == 0) continue;
        double share = 1.0;
        if (it->second.count >= sample) {
            if (!rowids) {
                // Two separate subqueries: each is then a single index lookup.
                auto statement = database.prepare("SELECT (SELECT min(id) FROM message_search_docsize), "
                                                  "(SELECT max(id) FROM message_search_docsize)");
                if (!statement) return statement.error();
                auto row = statement->step();
                if (!row) return row.error();
                rowids.emplace(statement->columnInt(0), statement->columnInt(1));
            }
            const double table = double(rowids->second - rowids->first + 1);
            const double sampled = double(rowids->second - it->second.firstRow + 1);
            if (table > 0 && sampled > 0) share = std::min(1.0, sampled / table);
        }
        char arguments[64];
        std::snprintf(arguments, sizeof arguments, "%s%lld, %.9g", expression.back() == '(' ? "" : ", ",
                      static_cast<long long>(it->second.count), share);
        expression += arguments;
    }
    return expression + ")";
}

}  // namespace

std::string ftsQuery(std::string_view text) {
    std::string out;
    for (const std::string& phrase : ftsPhrases(text)) {
        if (!out.empty()) out += ' ';
        out += phrase;
    }
    return out;
}

Result<std::vector<SearchHit>> search(Database& database, std::string_view query, const SearchOptions& options) {
    const std::vector<std::string> phrases = ftsPhrases(query);
    const std::string match = ftsQuery(query);
    if (match.empty()) return makeError(ErrorCode::InvalidInput, "the search query is empty");
    std::vector<SearchHit> hits;

    if (options.includeTitles) {
        // Titles are short and few (one per conversation): the built-in bm25 is cheap here.
        auto statement = database.prepare(
            "SELECT c.id, highlight(conversation_search, 0, ?, ?), c.updated_at, conversation_search.rank, c.title, "
            "c.selected_leaf_id FROM conversation_search JOIN conversations c ON c.seq = conversation_search.rowid "
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
            hit.createdAt = statement->columnInt(2);
            hit.score = statement->columnDouble(3);
            hit.conversationTitle = statement->columnText(4);
            hit.branchLeafId = statement->columnText(5);
            hit.onSelectedBranch = true;
            hits.push_back(std::move(hit));
        }
    }

    CONFIDANT_TRY(ensureRankFunction(database));
    // 0 or less: count every match, as FTS5's own bm25() does.
    const int64_t sample = options.frequencySample > 0 ? options.frequencySample : INT64_MAX;
    // Newest matches per FTS5 query, shared between the rank window and the phrase frequencies.
    std::unordered_map<std::string, NewestMatches> newest;
    // Ranking costs a document-size lookup per matching message, so a query matching most of a
    // large store ("the code") would rank hundreds of thousands of rows. Ranking is limited to the
    // newest rankWindow matches: a cheap descending rowid scan finds where that window starts.
    int64_t firstRow = 0;
    if (options.rankWindow > 0) {
        auto window = newestMatches(database, match, options.rankWindow);
        if (!window) return window.error();
        if (options.rankWindow == sample) newest.emplace(match, *window);
        if (window->count >= options.rankWindow) firstRow = window->firstRow;
    }
    auto rank = rankExpression(database, phrases, sample, newest);
    if (!rank) return rank.error();
    // FTS5 consumes "ORDER BY rank LIMIT n" itself (ranking in its own sorter), so snippets and the
    // joins are made for the returned rows only.
    auto statement = database.prepare(
        "SELECT m.conversation_id, c.title, m.id, m.role, m.created_at, "
        "snippet(message_search, 0, ?, ?, '…', ?), message_search.rank, c.selected_leaf_id "
        "FROM message_search JOIN messages m ON m.seq = message_search.rowid "
        "JOIN conversations c ON c.id = m.conversation_id "
        "WHERE message_search MATCH ? AND message_search.rank MATCH ? AND message_search.rowid >= ? "
        "ORDER BY message_search.rank LIMIT ?");
    if (!statement) return statement.error();
    statement->bind(1, options.highlightStart).bind(2, options.highlightEnd).bind(3, int64_t(options.snippetWords));
    statement->bind(4, match).bind(5, *rank).bind(6, firstRow).bind(7, int64_t(options.limit));
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
