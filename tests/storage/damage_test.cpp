// Damaged stores (issue #18, 6): found at open (quick check) and on demand (full check), never
// written into by an import, and repaired by copying what is readable into a new store while the
// damaged file is kept aside untouched. The damage is made here: one page overwritten.
#include <gtest/gtest.h>

#include <fstream>

#include "json_format.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::TempDir;

constexpr int k_conversations = 40;

// A store of k_conversations conversations, each a question and a page-sized answer, closed
// (checkpointed: one file); returns the page size.
int buildStore(const std::filesystem::path& path) {
    Database db = testing::openOrDie(path);
    for (int i = 0; i < k_conversations; ++i) {
        auto c = createConversation(db, {.title = "Conversation " + std::to_string(i)});
        EXPECT_TRUE(c.ok());
        Message q = testing::addMessage(db, c->id, "", Role::User, "Question " + std::to_string(i));
        testing::addMessage(db, c->id, q.id, Role::Assistant, std::string(3000, char('a' + i % 26)));
    }
    return int(*db.queryInt("PRAGMA page_size"));
}

// Overwrites page `page` (1-based) with garbage.
void damagePage(const std::filesystem::path& path, int pageSize, int64_t page) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp((page - 1) * pageSize);
    std::string garbage(size_t(pageSize), '\0');
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = char((i * 131 + 7) & 0xff);
    file.write(garbage.data(), std::streamsize(garbage.size()));
}

TEST(Damage, FoundAtOpenRefusedByImportAndRepairedKeepingTheDamagedFile) {
    TempDir dir;
    const auto path = dir / "store.db";
    const int pageSize = buildStore(path);
    const int64_t pages = int64_t(std::filesystem::file_size(path)) / pageSize;
    ASSERT_GT(pages, 20);
    damagePage(path, pageSize, pages / 2);
    const std::string damagedBytes = testing::readFile(path);

    auto opened = openStore(path);
    ASSERT_FALSE(opened.ok()) << "a damaged store is not used as if whole";
    EXPECT_EQ(opened.error().code, ErrorCode::Corrupt);
    EXPECT_NE(opened.error().message.find("db repair"), std::string::npos) << opened.error().message;
    EXPECT_EQ(testing::readFile(path), damagedBytes) << "refusing changed the file";

    {
        // Opened without the check (as a diagnostic would), the checks report the damage, and an
        // import writes nothing into it.
        Database db = testing::openOrDie(path, {.recoverInterruptedReplies = false, .quickCheck = false});
        for (CheckDepth depth : {CheckDepth::Quick, CheckDepth::Full}) {
            auto report = checkStore(db, depth);
            ASSERT_TRUE(report.ok()) << report.error().message;
            EXPECT_FALSE(report->ok());
            EXPECT_LE(report->problems.size(), size_t(k_maxReportedProblems));
        }
        const std::string file = R"({"format": "confidant-conversations", "version": 1, "conversations": []})";
        auto imported = importJson(db, file);
        ASSERT_FALSE(imported.ok());
        EXPECT_EQ(imported.error().code, ErrorCode::Corrupt);
        EXPECT_NE(imported.error().message.find("nothing was imported"), std::string::npos) << imported.error().message;
    }

    auto repaired = repairStore(path);
    ASSERT_TRUE(repaired.ok()) << repaired.error().message;
    EXPECT_GT(repaired->conversations, k_conversations / 2) << "most of the store was readable";
    EXPECT_LE(repaired->conversations, k_conversations);
    EXPECT_GT(repaired->messages, 0);
    ASSERT_TRUE(std::filesystem::exists(repaired->damagedCopy));
    EXPECT_EQ(testing::readFile(repaired->damagedCopy), damagedBytes) << "the damaged file is kept as it was";

    Database db = testing::openOrDie(path);  // with the quick check: whole again
    auto report = checkStore(db, CheckDepth::Full);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << report->problems.front();
    EXPECT_EQ(*countConversations(db), repaired->conversations);
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM messages"), repaired->messages);
    // Every conversation copied shows a branch that ends at one of its messages.
    auto list = listConversations(db, {.limit = -1});
    ASSERT_TRUE(list.ok());
    for (const auto& summary : *list) {
        if (summary.messageCount == 0) continue;
        auto branch = loadSelectedBranch(db, summary.conversation.id);
        ASSERT_TRUE(branch.ok());
        EXPECT_FALSE(branch->empty()) << summary.conversation.title;
    }
}

TEST(Damage, AWholeStorePassesBothChecksAndRepairsToTheSameContent) {
    TempDir dir;
    const auto path = dir / "store.db";
    buildStore(path);
    {
        Database db = testing::openOrDie(path);
        for (CheckDepth depth : {CheckDepth::Quick, CheckDepth::Full}) {
            auto report = checkStore(db, depth);
            ASSERT_TRUE(report.ok());
            EXPECT_TRUE(report->ok());
        }
    }
    auto repaired = repairStore(path);
    ASSERT_TRUE(repaired.ok()) << repaired.error().message;
    EXPECT_EQ(repaired->conversations, k_conversations);
    EXPECT_EQ(repaired->messages, 2 * k_conversations);
    EXPECT_EQ(repaired->orphanedMessages, 0);
    EXPECT_EQ(repaired->unreadableConversations, 0);
}

}  // namespace
}  // namespace confidant::storage
