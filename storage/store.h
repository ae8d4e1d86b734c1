// Opening the conversation store: checks that the file is Confidant's database before touching
// it, applies the connection settings (WAL, foreign keys, busy timeout), migrates, and marks
// replies that were still streaming when the program stopped as interrupted.
#pragma once

#include <filesystem>

#include "database.h"

namespace confidant::storage {

enum class Durability {
    // WAL with synchronous=NORMAL: a crash or kill of the program loses nothing committed; a
    // power loss may lose the last commits but never damages the file.
    Normal,
    // synchronous=FULL: every commit is on disk before it returns (an fsync per flush).
    Full,
};

struct OpenOptions {
    bool createIfMissing = true;
    // Marks replies left in the streaming state as interrupted. Only the connection that owns
    // streaming (the app's storage thread) should do this; a second connection opened while a
    // reply streams (the CLI next to a running app) passes false.
    bool recoverInterruptedReplies = true;
    int busyTimeoutMs = 5000;
    Durability durability = Durability::Normal;
};

// Opens (or creates) the store at `path`; ":memory:" gives a private in-memory store for tests.
// Failures leave the file as it was:
//  - NotFound: no file and !createIfMissing, or the folder does not exist;
//  - NotADatabase: the file is not SQLite, or is another program's SQLite database;
//  - Corrupt: an SQLite database whose pages are damaged;
//  - TooNew: written by a newer Confidant;
//  - ReadOnly: the file or folder cannot be written.
// For NotADatabase and Corrupt the app can offer moveAside() and open again.
Result<Database> openStore(const std::filesystem::path& path, const OpenOptions& options = {});

// Renames the file at `path` (and its -wal and -shm companions) to "<path>.damaged-<time>" so a
// fresh store can be created in its place; returns the new location. Nothing is deleted.
Result<std::filesystem::path> moveAside(const std::filesystem::path& path);

// PRAGMA integrity_check: ok, or a Corrupt error quoting SQLite's first complaint. O(size of the
// database): for a background check or a diagnostic command, not for every open.
Result<void> checkIntegrity(Database& database);

}  // namespace confidant::storage
