// Migrations: version 1 is the conversation and message tables; version 2 adds the full-text
// index with the triggers that keep it in sync. Each entry is append-only: a released step is
// never edited, a change is a new step.
#include "schema.h"

#include <sqlite3.h>

#include <array>
#include <string>

#include "store_types.h"

namespace confidant::storage {

namespace {

constexpr std::string_view k_v1 = R"sql(
CREATE TABLE conversations (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    model_ref TEXT NOT NULL DEFAULT '',
    system_prompt TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{}',
    selected_leaf_id TEXT,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX conversations_recent ON conversations(pinned DESC, updated_at DESC);

CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    content TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'complete' CHECK (state IN ('complete', 'streaming')),
    finish_reason TEXT NOT NULL DEFAULT ''
        CHECK (finish_reason IN ('', 'stop', 'length', 'cancelled', 'error', 'interrupted')),
    model_file TEXT NOT NULL DEFAULT '',
    model_sha256 TEXT NOT NULL DEFAULT '',
    backend TEXT NOT NULL DEFAULT '',
    device TEXT NOT NULL DEFAULT '',
    sampler TEXT NOT NULL DEFAULT '{}',
    prompt_tokens INTEGER,
    generated_tokens INTEGER,
    time_to_first_token_ms REAL,
    tokens_per_second REAL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, seq);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE INDEX messages_streaming ON messages(state) WHERE state = 'streaming';
)sql";

// Replies still streaming are left out of the index until they complete, so a flush every second
// costs one row update instead of a re-index of the whole reply.
constexpr std::string_view k_v2 = R"sql(
CREATE VIRTUAL TABLE message_search USING fts5(
    content, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO message_search(rowid, content) SELECT seq, content FROM messages WHERE state = 'complete';

CREATE TRIGGER message_search_insert AFTER INSERT ON messages WHEN new.state = 'complete' BEGIN
    INSERT INTO message_search(rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages WHEN old.state = 'complete' BEGIN
    INSERT INTO message_search(message_search, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF content, state ON messages BEGIN
    INSERT INTO message_search(message_search, rowid, content)
        SELECT 'delete', old.seq, old.content WHERE old.state = 'complete';
    INSERT INTO message_search(rowid, content) SELECT new.seq, new.content WHERE new.state = 'complete';
END;

CREATE VIRTUAL TABLE conversation_search USING fts5(
    title, content = 'conversations', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO conversation_search(rowid, title) SELECT seq, title FROM conversations;

CREATE TRIGGER conversation_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_search(rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER conversation_search_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversation_search(conversation_search, rowid, title) VALUES ('delete', old.seq, old.title);
END;
CREATE TRIGGER conversation_search_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversation_search(conversation_search, rowid, title) VALUES ('delete', old.seq, old.title);
    INSERT INTO conversation_search(rowid, title) VALUES (new.seq, new.title);
END;
)sql";

constexpr std::array<Migration, 2> k_migrations = {{
    {1, "conversations and message trees", k_v1},
    {2, "full-text search over messages and titles", k_v2},
}};

Result<void> backupTo(Database& database, const std::filesystem::path& target) {
    sqlite3* copy = nullptr;
    int rc = sqlite3_open_v2(target.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    Error failure;
    bool failed = false;
    if (rc == SQLITE_OK) {
        sqlite3_backup* backup = sqlite3_backup_init(copy, "main", database.handle(), "main");
        if (!backup) {
            rc = sqlite3_errcode(copy);
        } else {
            // The backup takes no busy timeout of its own: another connection migrating the
            // same store (a second process starting at once) holds the lock only briefly.
            for (int attempt = 0;; ++attempt) {
                rc = sqlite3_backup_step(backup, -1);
                if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt >= 200) break;
                sqlite3_sleep(25);
            }
            sqlite3_backup_finish(backup);
            if (rc == SQLITE_DONE) rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK) {
        failed = true;
        failure = database.error(rc, "copying the database to " + target.string() + " before migrating it");
    }
    sqlite3_close_v2(copy);
    if (failed) {
        std::error_code ec;
        std::filesystem::remove(target, ec);
        return failure;
    }
    return {};
}

}  // namespace

std::span<const Migration> schemaMigrations() { return k_migrations; }
int currentSchemaVersion() { return k_migrations.back().version; }

std::filesystem::path backupPath(const std::filesystem::path& path, int fromVersion) {
    return path.string() + ".v" + std::to_string(fromVersion) + ".backup";
}

Result<void> migrate(Database& database, std::span<const Migration> migrations, int targetVersion) {
    auto version = database.queryInt("PRAGMA user_version");
    if (!version) return version.error();
    if (*version > targetVersion)
        return makeError(ErrorCode::TooNew, "the database " + database.path().string() + " has schema version " +
                                                std::to_string(*version) + ", newer than this Confidant (" +
                                                std::to_string(targetVersion) +
                                                "); it was not changed — update Confidant to open it");
    if (*version == targetVersion) return {};

    if (*version == 0) {
        // A new store is created in one transaction, all steps at once: a second process
        // creating the same store at the same moment then sees version 0 or the target, never
        // a half-migrated store that it would back up or step through (#18, 9).
        auto transaction = Transaction::begin(database);
        if (!transaction) return transaction.error();
        auto now = database.queryInt("PRAGMA user_version");
        if (!now) return now.error();
        if (*now == 0) {
            Result<void> done;
            for (const Migration& step : migrations) {
                if (step.version > targetVersion) break;
                done = database.exec(step.sql);
                if (!done) break;
            }
            if (done) done = database.exec("PRAGMA application_id = " + std::to_string(k_applicationId));
            if (done) done = database.exec("PRAGMA user_version = " + std::to_string(targetVersion));
            if (done) done = transaction->commit();
            if (!done)
                return makeError(done.error().code, "creating the database at version " + std::to_string(targetVersion) +
                                                        " failed, nothing was written: " + done.error().message);
            return {};
        }
        CONFIDANT_TRY(transaction->commit());
        version = now;
        if (*version >= targetVersion) return {};
    }

    const bool inMemory = database.path().empty() || database.path() == ":memory:";
    if (*version > 0 && !inMemory) {
        auto target = backupPath(database.path(), int(*version));
        std::error_code ec;
        if (std::filesystem::exists(target, ec)) {
            // Never overwrite an earlier backup: it may be the only good copy.
            target += "." + std::to_string(nowMs());
        }
        CONFIDANT_TRY(backupTo(database, target));
    }

    for (const Migration& step : migrations) {
        if (step.version <= *version || step.version > targetVersion) continue;
        auto transaction = Transaction::begin(database);
        if (!transaction) return transaction.error();
        // Another connection (a second process creating the same new store) may have run this
        // step between our first read of the version and taking the write lock: read it again
        // under the lock, and leave a step already done alone.
        auto now = database.queryInt("PRAGMA user_version");
        if (!now) return now.error();
        if (*now >= step.version) continue;
        auto done = database.exec(step.sql);
        if (done && step.version == migrations.front().version)
            done = database.exec("PRAGMA application_id = " + std::to_string(k_applicationId));
        if (done) done = database.exec("PRAGMA user_version = " + std::to_string(step.version));
        if (done) done = transaction->commit();
        if (!done)
            return makeError(done.error().code, "migrating the database to version " + std::to_string(step.version) +
                                                    " (" + std::string(step.description) +
                                                    ") failed, it stays at the previous version: " +
                                                    done.error().message);
    }
    return {};
}

Result<void> migrate(Database& database) { return migrate(database, schemaMigrations(), currentSchemaVersion()); }

}  // namespace confidant::storage
