// Full-text search: kept in sync by triggers, diacritics folded, bm25 order, highlighted
// snippets, hits placed on their branches.
#include <gtest/gtest.h>

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

TEST(Search, TakesPunctuationAndOperatorsLiterallyAndSupportsPrefixesAndPhrases) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Misc"});
    ASSERT_TRUE(c.ok());
    addMessage(db, c->id, "", Role::User, "Is NEAR an operator? C++ templates and \"quoted\" words, e.g. title:x");
    for (const char* query : {"NEAR", "c++", "title:x", "\"quoted", "AND OR NOT", "templ*", "\"templates and\""}) {
        auto hits = search(db, query, {.includeTitles = false});
        ASSERT_TRUE(hits.ok()) << query << ": " << hits.error().message;
        EXPECT_EQ(hits->size(), std::string(query) == "AND OR NOT" ? 0u : 1u) << query;
    }
    EXPECT_EQ(search(db, "   ").error().code, ErrorCode::InvalidInput);
    EXPECT_EQ(ftsQuery("a \"b c\" d*"), "\"a\" \"b c\" \"d\"*");
}

}  // namespace
}  // namespace confidant::storage
