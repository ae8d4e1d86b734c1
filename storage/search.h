// Full-text search over message text and conversation titles (SQLite FTS5, bm25 ranking,
// diacritics folded so "cafe" finds "Café"). Replies still streaming are indexed once complete.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "database.h"
#include "store_types.h"

namespace confidant::storage {

struct SearchOptions {
    int limit = 50;
    // Put around each matched word in snippets; the app can use rich-text tags, the CLI brackets.
    std::string highlightStart = "[";
    std::string highlightEnd = "]";
    int snippetWords = 16;
    bool includeTitles = true;
    // Messages are ranked among the newest `rankWindow` matches only (0: all). A word found in most
    // messages would otherwise make every query rank the whole store; for such words the newest
    // matches are the useful ones anyway.
    int rankWindow = 2000;
    // bm25 weighs each word by how many messages hold it. Counting every one is what made common
    // words slow, so a word is counted up to `frequencySample` messages, newest first; beyond that
    // its count is estimated from the share of the newest messages that hold it.
    int frequencySample = 2000;
};

struct SearchHit {
    std::string conversationId;
    std::string conversationTitle;
    // The message that matched; empty when the conversation's title matched.
    std::string messageId;
    Role role = Role::User;
    int64_t createdAt = 0;
    std::string snippet;
    double score = 0;  // bm25: lower is better
    // The branch the hit is on: the leaf to select to show it (selectBranch(messageId) does it),
    // and whether it is already the shown branch.
    std::string branchLeafId;
    bool onSelectedBranch = false;
};

// Each word of `query` must match (as a prefix when it ends with '*'); "quoted words" match as a
// phrase. Title hits come first, then message hits by relevance (bm25, see frequencySample).
// Snippets, joins and branch placement are computed for the returned hits only. InvalidInput for
// an empty query.
Result<std::vector<SearchHit>> search(Database& database, std::string_view query, const SearchOptions& options = {});

// The FTS5 query for a user's text, with every word quoted so that punctuation and FTS5 keywords
// (AND, NEAR, column:) in what the user typed are taken literally.
std::string ftsQuery(std::string_view text);

}  // namespace confidant::storage
