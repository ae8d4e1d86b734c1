// Opening the conversation store: checks that the file is Confidant's database before touching
// it, applies the connection settings (WAL, foreign keys, busy timeout), migrates, and marks
// replies that were still streaming when the program stopped as interrupted.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "database.h"

namespace confidant::storage {

enum class Durability {
    // WAL with synchronous=NORMAL: a crash or kill of the program loses nothing committed; a
    // power loss never damages the file and loses no turn boundary (the user's message, a
    // finished reply: Transaction::beginDurable), only the last seconds of a reply still
    // streaming and other recent edits (docs/storage.md, Durability).
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
    // PRAGMA quick_check before anything is written (O(size), ~tens of ms per 100 MB; see
    // docs/BENCHMARKS.md): a damaged store is refused with ErrorCode::Corrupt instead of being
    // used as if whole. Only repairStore() and diagnostics open without it.
    bool quickCheck = true;
};

// Opens (or creates) the store at `path`; ":memory:" gives a private in-memory store for tests.
// Failures leave the file as it was:
//  - NotFound: no file and !createIfMissing, or the folder does not exist;
//  - NotADatabase: the file is not SQLite, or is another program's SQLite database;
//  - Corrupt: an SQLite database whose pages are damaged (or that fails the quick check):
//    checkStore() says what, repairStore() copies what is readable into a new store;
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

enum class CheckDepth {
    Quick,  // PRAGMA quick_check: every page and record readable, b-trees well formed
    Full,   // PRAGMA integrity_check: also every index agrees with its table (about 2x longer)
};

// What a check found. Result<IntegrityReport> is an error only when the check could not run at
// all; a damaged store is ok() == false with SQLite's complaints.
struct IntegrityReport {
    CheckDepth depth = CheckDepth::Quick;
    std::vector<std::string> problems;  // at most k_maxReportedProblems, empty when whole
    bool ok() const { return problems.empty(); }
};
inline constexpr int k_maxReportedProblems = 20;

// Checks the store. Read-only; safe on any thread with its own connection while the app works
// on another (the background check: it sees the last committed state).
Result<IntegrityReport> checkStore(Database& database, CheckDepth depth);

// What repairStore() did.
struct RepairReport {
    std::filesystem::path damagedCopy;  // where the damaged file (and its -wal) now is
    int conversations = 0;              // conversations copied into the new store
    int messages = 0;                   // messages copied
    int unreadableConversations = 0;    // conversations seen whose row could not be read
    int orphanedMessages = 0;           // messages whose parent was lost: kept, as first messages
};

// Repairs the store at `path`: copies every conversation and message that can still be read into
// a new store, moves the damaged file aside (moveAside(), nothing deleted) and puts the new store
// in its place. The store must not be open elsewhere (the app closes its connection first).
// On failure the original file stays where it was.
Result<RepairReport> repairStore(const std::filesystem::path& path);

}  // namespace confidant::storage
