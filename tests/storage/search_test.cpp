// Full-text search: kept in sync by triggers, diacritics folded, bm25 order, highlighted
// snippets, hits placed on their branches.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "reply_writer.h"
#include "search.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::addMessage;

TEST(Search, FindsWordsWithoutDiacriticsAndHighlightsThem) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Paris"});
    ASSERT_TRUE(c.ok());
    Message m = addMessage(db, c->id, "", Role::User, "Where can I get a good café crème near the Opéra?");
    auto hits = search(db, "cafe opera");
    ASSERT_TRUE(hits.ok()) << hits.error().message;
    ASSERT_EQ(hits->size(), 1u);
    const SearchHit& hit = hits->front();
    EXPECT_EQ(hit.conversationId, c->id);
    EXPECT_EQ(hit.conversationTitle, "Paris");
    EXPECT_EQ(hit.messageId, m.id);
    EXPECT_EQ(hit.role, Role::User);
    EXPECT_NE(hit.snippet.find("[café]"), std::string::npos) << hit.snippet;
    EXPECT_NE(hit.snippet.find("[Opéra]"), std::string::npos) << hit.snippet;
    EXPECT_TRUE(hit.onSelectedBranch);
    EXPECT_EQ(hit.branchLeafId, m.id);

    auto custom = search(db, "CRÈME", {.highlightStart = "<b>", .highlightEnd = "</b>"});
    ASSERT_TRUE(custom.ok());
    ASSERT_EQ(custom->size(), 1u);
    EXPECT_NE(custom->front().snippet.find("<b>crème</b>"), std::string::npos) << custom->front().snippet;
}

TEST(Search, RanksByRelevanceAndFollowsEditsAndDeletes) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Languages"});
    ASSERT_TRUE(c.ok());
    Message weak = addMessage(db, c->id, "", Role::User,
                              "I wrote a long letter about many things: gardens, trains, weather, books and rust.");
    Message strong = addMessage(db, c->id, weak.id, Role::Assistant, "Rust: rust ownership and rust borrowing.");
    auto hits = search(db, "rust");
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 2u);
    EXPECT_EQ((*hits)[0].messageId, strong.id);
    EXPECT_LE((*hits)[0].score, (*hits)[1].score);

    ASSERT_OK(db.exec("UPDATE messages SET content = 'Nothing to see' WHERE id = '" + strong.id + "'"));
    EXPECT_EQ(search(db, "rust")->size(), 1u);
    EXPECT_EQ(search(db, "nothing")->size(), 1u);
    ASSERT_OK(deleteMessage(db, weak.id));
    EXPECT_EQ(search(db, "rust")->size(), 0u);
    EXPECT_EQ(search(db, "nothing")->size(), 0u);
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM message_search"), 0);
}

TEST(Search, NamesTheBranchOfAHitOffTheShownBranch) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Branches"});
    ASSERT_TRUE(c.ok());
    Message q = addMessage(db, c->id, "", Role::User, "Name a fruit");
    Message oldReply = addMessage(db, c->id, q.id, Role::Assistant, "A pomegranate");
    Message followUp = addMessage(db, c->id, oldReply.id, Role::User, "Tell me more about pomegranate seeds");
    Message newReply = addMessage(db, c->id, q.id, Role::Assistant, "A banana");  // regenerated, shown
    auto hits = search(db, "pomegranate");
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 2u);
    for (const SearchHit& hit : *hits) {
        EXPECT_FALSE(hit.onSelectedBranch);
        EXPECT_EQ(hit.branchLeafId, followUp.id);
    }
    auto banana = search(db, "banana");
    ASSERT_EQ(banana->size(), 1u);
    EXPECT_TRUE(banana->front().onSelectedBranch);
    EXPECT_EQ(banana->front().branchLeafId, newReply.id);
}

TEST(Search, IndexesStreamingRepliesWhenTheyEndAndSearchesTitles) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Kubernetes upgrade plan"});
    ASSERT_TRUE(c.ok());
    Message q = addMessage(db, c->id, "", Role::User, "How do I drain a node?");
    auto writer = ReplyWriter::begin(db, c->id, q.id, "Use kubectl", {}, {.flushInterval = std::chrono::milliseconds(0)});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->append(" drain with --ignore-daemonsets").ok());
    EXPECT_EQ(search(db, "kubectl", {.includeTitles = false})->size(), 0u) << "not indexed while streaming";
    ASSERT_TRUE(writer->finish(FinishReason::Stop, {}).ok());
    auto hits = search(db, "kubectl daemonsets");
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ(hits->front().messageId, writer->messageId());

    auto titles = search(db, "kubernetes");
    ASSERT_TRUE(titles.ok());
    ASSERT_EQ(titles->size(), 1u);
    EXPECT_TRUE(titles->front().messageId.empty());
    EXPECT_EQ(titles->front().conversationTitle, "Kubernetes upgrade plan");
    EXPECT_EQ(titles->front().snippet, "[Kubernetes] upgrade plan");
    ASSERT_OK(renameConversation(db, c->id, "Cluster maintenance"));
    EXPECT_EQ(search(db, "kubernetes")->size(), 0u);
    EXPECT_EQ(search(db, "maintenance")->size(), 1u);
}

// The score of a message as FTS5's built-in bm25() gives it, for comparison.
double builtinBm25(Database& db, const std::string& query, const std::string& messageId) {
    auto statement = db.prepare(
        "SELECT bm25(message_search) FROM message_search WHERE message_search MATCH ? "
        "AND rowid = (SELECT seq FROM messages WHERE id = ?)");
    EXPECT_TRUE(statement.ok());
    statement->bind(1, ftsQuery(query)).bind(2, messageId);
    auto row = statement->step();
    EXPECT_TRUE(row.ok() && *row) << messageId;
    return statement->columnDouble(0);
}

TEST(Search, ScoresAreFts5Bm25WhenEveryMatchIsCounted) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Notes"});
    ASSERT_TRUE(c.ok());
    std::string parent;
    const char* texts[] = {
        "The database index makes the query fast.",
        "A database, a model and a database again: database tuning.",
        "Model training needs data; the model learns.",
        "Nothing relevant here at all, just words about gardens and trains and weather.",
        "database model",
        "An index of the model database with a long tail of other words to make this one longer.",
    };
    for (const char* text : texts) parent = addMessage(db, c->id, parent, Role::User, text).id;
    for (const char* query : {"database", "database model", "\"the model\"", "mod*", "... database -- model"}) {
        auto hits = search(db, query, {.includeTitles = false});
        ASSERT_TRUE(hits.ok()) << hits.error().message;
        ASSERT_FALSE(hits->empty()) << query;
        for (size_t i = 0; i < hits->size(); ++i) {
            EXPECT_NEAR((*hits)[i].score, builtinBm25(db, query, (*hits)[i].messageId), 1e-9) << query;
            if (i > 0) {
                EXPECT_LE((*hits)[i - 1].score, (*hits)[i].score) << query;
            }
        }
    }
    auto two = search(db, "database model", {.includeTitles = false});
    ASSERT_EQ(two->size(), 3u);
    EXPECT_EQ(two->front().snippet, "[database] [model]");
}

// More matches than the search counts exactly (frequencySample, 2,000 by default; 100 here to
// keep the test small): the phrase frequencies are estimated from the newest matches, and only
// the newest rankWindow matches are ranked (all with rankWindow 0).
TEST(Search, RanksACommonWordByRelevanceWithEstimatedFrequencies) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Long"});
    ASSERT_TRUE(c.ok());
    std::string oldStrong, newStrong;
    {
        auto transaction = Transaction::begin(db);
        ASSERT_TRUE(transaction.ok());
        auto insert = db.prepare(
            "INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at) VALUES (?, ?, ?, 'user', ?, ?)");
        ASSERT_TRUE(insert.ok());
        std::string parent;
        const int count = 600;
        for (int i = 0; i < count; ++i) {
            std::string id = newUuid();
            std::string text = "message number " + std::to_string(i) + " about gardens, trains and the weather";
            if (i % 3 == 0) text += " with alpha";  // 200 messages hold "alpha"
            if (i == 0 || i == count - 2) text = "alpha alpha alpha";
            if (i == 0) oldStrong = id;
            if (i == count - 2) newStrong = id;
            insert->reset();
            insert->bind(1, id).bind(2, c->id).bind(4, text).bind(5, int64_t(i));
            if (parent.empty()) insert->bindNull(3); else insert->bind(3, parent);
            ASSERT_OK(insert->run());
            parent = id;
        }
        ASSERT_OK(db.exec("UPDATE conversations SET selected_leaf_id = '" + parent + "'"));
        ASSERT_OK(transaction->commit());
    }
    const SearchOptions sampled{.limit = 10, .includeTitles = false, .rankWindow = 100, .frequencySample = 100};
    auto hits = search(db, "alpha", sampled);
    ASSERT_TRUE(hits.ok()) << hits.error().message;
    ASSERT_EQ(hits->size(), 10u);
    EXPECT_EQ(hits->front().messageId, newStrong) << "the old one is outside the newest 100 matches";
    EXPECT_EQ(hits->front().snippet, "[alpha] [alpha] [alpha]");
    for (size_t i = 0; i < hits->size(); ++i) {
        const SearchHit& hit = (*hits)[i];
        EXPECT_NE(hit.snippet.find("[alpha]"), std::string::npos) << hit.snippet;
        EXPECT_TRUE(hit.onSelectedBranch);
        // The estimated frequency (202 of 600 from the newest 100 matches) is close to the counted one
        // (201), so the score is within a few percent of the exact bm25.
        const double exact = builtinBm25(db, "alpha", hit.messageId);
        EXPECT_NEAR(hit.score, exact, std::abs(exact) * 0.03) << i;
        EXPECT_NE(hit.score, exact) << "estimated, not counted";
        if (i > 0) {
            EXPECT_LE((*hits)[i - 1].score, hit.score);
        }
    }

    auto all = search(db, "alpha", {.limit = 2, .includeTitles = false, .rankWindow = 0, .frequencySample = 100});
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].score, (*all)[1].score);
    std::set<std::string> strongest{(*all)[0].messageId, (*all)[1].messageId};
    EXPECT_EQ(strongest, (std::set<std::string>{oldStrong, newStrong}));
}

TEST(Search, TakesPunctuationAndOperatorsLiterallyAndSupportsPrefixesAndPhrases) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Misc"});
    ASSERT_TRUE(c.ok());
    addMessage(db, c->id, "", Role::User, "Is NEAR an operator? C++ templates and \"quoted\" words, e.g. title:x");
    for (const char* query : {"NEAR", "c++", "title:x", "\"quoted", "AND OR NOT", "templ*", "\"templates and\"", "--- templates ..."}) {
        auto hits = search(db, query, {.includeTitles = false});
        ASSERT_TRUE(hits.ok()) << query << ": " << hits.error().message;
        EXPECT_EQ(hits->size(), std::string(query) == "AND OR NOT" ? 0u : 1u) << query;
    }
    EXPECT_EQ(search(db, "   ").error().code, ErrorCode::InvalidInput);
    EXPECT_EQ(ftsQuery("a \"b c\" d*"), "\"a\" \"b c\" \"d\"*");
}

}  // namespace
}  // namespace confidant::storage
