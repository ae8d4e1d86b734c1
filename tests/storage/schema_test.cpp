// Opening, pragmas, migrations (backup, rollback, refusal of newer versions) and the RAII
// transaction wrapper.
#include <gtest/gtest.h>

#include "schema.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::TempDir;

TEST(Schema, NewStoreHasCurrentVersionApplicationIdWalAndForeignKeys) {
    TempDir dir;
    Database db = testing::openOrDie(dir / "store.db");
    EXPECT_EQ(*db.queryInt("PRAGMA user_version"), currentSchemaVersion());
    EXPECT_EQ(*db.queryInt("PRAGMA application_id"), k_applicationId);
    EXPECT_EQ(*db.queryInt("PRAGMA foreign_keys"), 1);
    EXPECT_EQ(*db.queryInt("PRAGMA busy_timeout"), 5000);
    auto mode = db.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    ASSERT_TRUE(*mode->step());
    EXPECT_EQ(mode->columnText(0), "wal");
    // A brand-new store needs no backup.
    EXPECT_FALSE(std::filesystem::exists(backupPath(dir / "store.db", 0)));
}

TEST(Schema, MigratesAVersionOneStoreAfterTakingABackup) {
    TempDir dir;
    const auto path = dir / "old.db";
    std::string conversationId;
    {
        // A version-1 store as a released build would have left it: no search index yet.
        auto raw = Database::openConnection(path, true);
        ASSERT_TRUE(raw.ok());
        ASSERT_OK(migrate(*raw, schemaMigrations(), 1));
        ASSERT_EQ(*raw->queryInt("PRAGMA user_version"), 1);
        auto conversation = createConversation(*raw, {.title = "Tea ceremony notes"});
        ASSERT_TRUE(conversation.ok());
        conversationId = conversation->id;
        testing::addMessage(*raw, conversationId, "", Role::User, "How long should matcha steep?");
    }
    Database db = testing::openOrDie(path);
    EXPECT_EQ(*db.queryInt("PRAGMA user_version"), currentSchemaVersion());
    ASSERT_TRUE(std::filesystem::exists(backupPath(path, 1)));
    {
        auto backup = Database::openConnection(backupPath(path, 1), false);
        ASSERT_TRUE(backup.ok());
        EXPECT_EQ(*backup->queryInt("PRAGMA user_version"), 1);
        EXPECT_EQ(*backup->queryInt("SELECT count(*) FROM messages"), 1);
    }
    // The migration indexed what was already there.
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM message_search WHERE message_search MATCH 'matcha'"), 1);
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM conversation_search WHERE conversation_search MATCH 'tea'"), 1);
}

TEST(Schema, AFailedMigrationLeavesThePreviousVersion) {
    TempDir dir;
    auto raw = Database::openConnection(dir / "store.db", true);
    ASSERT_TRUE(raw.ok());
    ASSERT_OK(migrate(*raw, schemaMigrations(), 1));
    const Migration broken[] = {schemaMigrations()[0],
                                {2, "a step that fails halfway", "CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);"}};
    auto result = migrate(*raw, broken, 2);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("version 2"), std::string::npos) << result.error().message;
    EXPECT_EQ(*raw->queryInt("PRAGMA user_version"), 1);
    EXPECT_EQ(*raw->queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'extra'"), 0);
}

TEST(Schema, RefusesANewerStoreAndLeavesItAsItIs) {
    TempDir dir;
    const auto path = dir / "future.db";
    {
        Database db = testing::openOrDie(path);
        ASSERT_OK(db.exec("PRAGMA user_version = " + std::to_string(currentSchemaVersion() + 1)));
        ASSERT_OK(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    const std::string before = testing::readFile(path);
    auto opened = openStore(path);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::TooNew);
    EXPECT_NE(opened.error().message.find("newer"), std::string::npos) << opened.error().message;
    EXPECT_EQ(testing::readFile(path), before);
    EXPECT_FALSE(std::filesystem::exists(backupPath(path, currentSchemaVersion() + 1)));
}

// Issue #18, 11: a newer store with a pending -wal (a newer Confidant was killed) was refused, yet
// closing the refused connection checkpointed the log into the main file.
TEST(Schema, RefusingANewerStoreWithAPendingLogChangesNoFile) {
    TempDir dir;
    const auto live = dir / "live.db";
    const auto path = dir / "future.db";
    Database writer = testing::openOrDie(live);
    auto c = createConversation(writer, {.title = "written by a newer version"});
    ASSERT_TRUE(c.ok());
    ASSERT_OK(writer.exec("PRAGMA user_version = " + std::to_string(currentSchemaVersion() + 1)));
    // The files as a killed process leaves them: the committed change still only in the -wal.
    std::filesystem::copy_file(live, path);
    std::filesystem::copy_file(live.string() + "-wal", path.string() + "-wal");
    ASSERT_GT(std::filesystem::file_size(path.string() + "-wal"), 0u);
    const std::string main = testing::readFile(path);
    const std::string log = testing::readFile(path.string() + "-wal");

    for (int attempt = 0; attempt < 2; ++attempt) {
        auto opened = openStore(path);
        ASSERT_FALSE(opened.ok());
        EXPECT_EQ(opened.error().code, ErrorCode::TooNew) << opened.error().message;
    }
    EXPECT_EQ(testing::readFile(path), main) << "the main file changed";
    EXPECT_EQ(testing::readFile(path.string() + "-wal"), log) << "the log changed";
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        const std::string name = entry.path().filename().string();
        // Only SQLite's shared-memory index (-shm, rebuilt from the log by any reader) may appear.
        EXPECT_TRUE(name.rfind("live.db", 0) == 0 || name == "future.db" || name == "future.db-wal" ||
                    name == "future.db-shm")
            << name;
    }
}

TEST(Schema, RefusesAnotherProgramsSqliteDatabase) {
    TempDir dir;
    const auto path = dir / "other.db";
    {
        auto raw = Database::openConnection(path, true);
        ASSERT_TRUE(raw.ok());
        ASSERT_OK(raw->exec("CREATE TABLE bookmarks (url TEXT)"));
    }
    const std::string before = testing::readFile(path);
    auto opened = openStore(path);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::NotADatabase);
    EXPECT_EQ(testing::readFile(path), before);
}

TEST(Schema, MissingStoreIsNotCreatedWhenAskedNotTo) {
    TempDir dir;
    auto opened = openStore(dir / "absent.db", {.createIfMissing = false});
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::NotFound);
    EXPECT_FALSE(std::filesystem::exists(dir / "absent.db"));
}

TEST(Transaction, RollsBackWhenDroppedAndNestsAsSavepoints) {
    Database db = testing::openOrDie(":memory:");
    ASSERT_OK(db.exec("CREATE TABLE t (x INTEGER)"));
    {
        auto outer = Transaction::begin(db);
        ASSERT_TRUE(outer.ok());
        ASSERT_OK(db.exec("INSERT INTO t VALUES (1)"));
        {
            auto inner = Transaction::begin(db);
            ASSERT_TRUE(inner.ok());
            ASSERT_OK(db.exec("INSERT INTO t VALUES (2)"));
            // dropped: only the inner insert goes
        }
        {
            auto inner = Transaction::begin(db);
            ASSERT_TRUE(inner.ok());
            ASSERT_OK(db.exec("INSERT INTO t VALUES (3)"));
            ASSERT_OK(inner->commit());
        }
        ASSERT_OK(outer->commit());
    }
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM t"), 2);
    EXPECT_EQ(*db.queryInt("SELECT sum(x) FROM t"), 4);
    {
        auto dropped = Transaction::begin(db);
        ASSERT_TRUE(dropped.ok());
        ASSERT_OK(db.exec("DELETE FROM t"));
    }
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM t"), 2);
    EXPECT_FALSE(db.inTransaction());
}

TEST(Database, SqlErrorsBecomeValuesWithContext) {
    Database db = testing::openOrDie(":memory:");
    auto bad = db.prepare("SELECT * FROM no_such_table");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("no_such_table"), std::string::npos);
}

}  // namespace
}  // namespace confidant::storage
