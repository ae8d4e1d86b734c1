// What goes wrong on real machines: a file that is not our database, a damaged database, a
// read-only folder, a full disk. Each gives a clear error and leaves no half-written state.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "json_format.h"
#include "reply_writer.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::TempDir;

TEST(Failures, ANonSqliteFileIsLeftAsItIsAndCanBeMovedAside) {
    TempDir dir;
    const auto path = dir / "confidant.db";
    const std::string notes = "These are my notes, not a database.\n";
    testing::writeFile(path, notes);
    auto opened = openStore(path);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::NotADatabase);
    EXPECT_NE(opened.error().message.find("not a Confidant database"), std::string::npos) << opened.error().message;
    EXPECT_EQ(testing::readFile(path), notes);
    EXPECT_FALSE(std::filesystem::exists(dir / "confidant.db-wal"));

    auto moved = moveAside(path);
    ASSERT_TRUE(moved.ok()) << moved.error().message;
    EXPECT_EQ(testing::readFile(*moved), notes);
    EXPECT_NE(moved->filename().string().find("confidant.db.damaged-"), std::string::npos);
    Database fresh = testing::openOrDie(path);
    ASSERT_TRUE(fresh.isOpen());
    EXPECT_TRUE(createConversation(fresh, {.title = "A new start"}).ok());
}

TEST(Failures, ADamagedDatabaseIsReportedAsCorrupt) {
    TempDir dir;
    const auto path = dir / "store.db";
    {
        Database db = testing::openOrDie(path);
        auto c = createConversation(db, {.title = "soon damaged"});
        ASSERT_TRUE(c.ok());
        for (int i = 0; i < 200; ++i) testing::addMessage(db, c->id, "", Role::User, std::string(500, 'a' + i % 26));
        ASSERT_OK(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    // Keep the header, overwrite the schema page and everything after it with garbage.
    std::string bytes = testing::readFile(path);
    ASSERT_GT(bytes.size(), 8192u);
    for (size_t i = 100; i < bytes.size(); ++i) bytes[i] = char((i * 131) ^ 0x5a);
    testing::writeFile(path, bytes);

    auto opened = openStore(path);
    ASSERT_FALSE(opened.ok());
    EXPECT_TRUE(opened.error().code == ErrorCode::Corrupt || opened.error().code == ErrorCode::NotADatabase)
        << opened.error().message;
    EXPECT_NE(opened.error().message.find("move it aside"), std::string::npos) << opened.error().message;
    EXPECT_EQ(testing::readFile(path), bytes) << "the damaged file is left as it is";
    ASSERT_TRUE(moveAside(path).ok());
    EXPECT_TRUE(openStore(path).ok());
}

TEST(Failures, IntegrityCheckFindsDamageInsideTables) {
    TempDir dir;
    const auto path = dir / "store.db";
    {
        Database db = testing::openOrDie(path);
        auto c = createConversation(db, {.title = "t"});
        ASSERT_TRUE(c.ok());
        for (int i = 0; i < 300; ++i) testing::addMessage(db, c->id, "", Role::User, std::string(900, 'x'));
        ASSERT_OK(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    // Damage pages near the end (message rows), leaving the schema readable.
    std::string bytes = testing::readFile(path);
    for (size_t i = bytes.size() - 3 * 4096; i < bytes.size() - 4096; ++i) bytes[i] = char(i * 7);
    testing::writeFile(path, bytes);
    auto opened = openStore(path, {.recoverInterruptedReplies = false});
    if (!opened.ok()) {
        EXPECT_EQ(opened.error().code, ErrorCode::Corrupt) << opened.error().message;
        return;
    }
    auto check = checkIntegrity(*opened);
    ASSERT_FALSE(check.ok());
    EXPECT_EQ(check.error().code, ErrorCode::Corrupt);
}

TEST(Failures, AReadOnlyFolderGivesAClearErrorAndCreatesNothing) {
    TempDir dir;
    const auto folder = dir / "locked";
    std::filesystem::create_directory(folder);
    ASSERT_EQ(::chmod(folder.c_str(), 0555), 0);
    if (::geteuid() == 0) {
        // root writes anywhere; a read-only file system is the equivalent it cannot ignore.
        auto opened = openStore("/proc/confidant-test.db");
        ASSERT_FALSE(opened.ok());
        EXPECT_TRUE(opened.error().code == ErrorCode::ReadOnly || opened.error().code == ErrorCode::NotFound)
            << opened.error().message;
        EXPECT_EQ(opened.error().message.find('\n'), std::string::npos);
        GTEST_SKIP() << "running as root: the folder permission part of this test cannot apply";
    }
    auto opened = openStore(folder / "store.db");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::ReadOnly) << opened.error().message;
    EXPECT_NE(opened.error().message.find("not writable"), std::string::npos) << opened.error().message;
    EXPECT_TRUE(std::filesystem::is_empty(folder));
}

TEST(Failures, ADiskFullDuringImportOrStreamingWritesNothingHalfway) {
    TempDir dir;
    Database source = testing::openOrDie(":memory:");
    for (int i = 0; i < 30; ++i) {
        auto c = createConversation(source, {.title = "conversation " + std::to_string(i)});
        ASSERT_TRUE(c.ok());
        testing::addMessage(source, c->id, "", Role::User, std::string(4000, 'q'));
    }
    const std::string file = *exportJson(source, {});

    Database db = testing::openOrDie(dir / "full.db");
    auto small = createConversation(db, {.title = "existing"});
    ASSERT_TRUE(small.ok());
    Message question = testing::addMessage(db, small->id, "", Role::User, "Hello");
    // The database may not grow past its current size: the same error SQLite gives on a full disk.
    auto pages = db.queryInt("PRAGMA page_count");
    ASSERT_TRUE(pages.ok());
    ASSERT_OK(db.exec("PRAGMA max_page_count = " + std::to_string(*pages + 2)));

    auto report = importJson(db, file);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::DiskFull) << report.error().message;
    EXPECT_NE(report.error().message.find("disk is full"), std::string::npos);
    EXPECT_EQ(*countConversations(db), 1) << "the import is all or nothing";

    auto writer = ReplyWriter::begin(db, small->id, question.id, "Hi", {}, {.flushInterval = std::chrono::milliseconds(0)});
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    auto wrote = writer->append(std::string(64 * 1024, 'z'));
    ASSERT_FALSE(wrote.ok());
    EXPECT_EQ(wrote.error().code, ErrorCode::DiskFull);
    EXPECT_EQ(getMessage(db, writer->messageId())->content, "Hi") << "the last good flush stays";
    EXPECT_EQ(writer->flushedSize(), 2u);
    ASSERT_OK(checkIntegrity(db));
}

}  // namespace
}  // namespace confidant::storage
