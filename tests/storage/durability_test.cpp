// Durability at turn boundaries (issue #18, 10; docs/storage.md): the user's message and the
// finished reply are fsynced before their call returns, the flushes while a reply streams are not.
// The fsyncs are counted through a VFS shim registered for the test that forwards everything to
// the default VFS; a writer killed right after a boundary commit loses nothing.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "reply_writer.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::TempDir;

// The shim: a file is our header followed by the default VFS's own file object.
std::atomic<int> g_syncs{0};
sqlite3_vfs* g_base = nullptr;

struct CountingFile {
    sqlite3_file header;
    sqlite3_file* base() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
CountingFile* self(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f); }
sqlite3_file* inner(sqlite3_file* f) { return self(f)->base(); }

int fClose(sqlite3_file* f) { return inner(f)->pMethods->xClose(inner(f)); }
int fRead(sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return inner(f)->pMethods->xRead(inner(f), b, n, o); }
int fWrite(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) { return inner(f)->pMethods->xWrite(inner(f), b, n, o); }
int fTruncate(sqlite3_file* f, sqlite3_int64 s) { return inner(f)->pMethods->xTruncate(inner(f), s); }
int fSync(sqlite3_file* f, int flags) {
    ++g_syncs;
    return inner(f)->pMethods->xSync(inner(f), flags);
}
int fSize(sqlite3_file* f, sqlite3_int64* s) { return inner(f)->pMethods->xFileSize(inner(f), s); }
int fLock(sqlite3_file* f, int l) { return inner(f)->pMethods->xLock(inner(f), l); }
int fUnlock(sqlite3_file* f, int l) { return inner(f)->pMethods->xUnlock(inner(f), l); }
int fReserved(sqlite3_file* f, int* r) { return inner(f)->pMethods->xCheckReservedLock(inner(f), r); }
int fControl(sqlite3_file* f, int op, void* a) { return inner(f)->pMethods->xFileControl(inner(f), op, a); }
int fSector(sqlite3_file* f) { return inner(f)->pMethods->xSectorSize(inner(f)); }
int fDevice(sqlite3_file* f) { return inner(f)->pMethods->xDeviceCharacteristics(inner(f)); }
int fShmMap(sqlite3_file* f, int i, int s, int e, void volatile** p) { return inner(f)->pMethods->xShmMap(inner(f), i, s, e, p); }
int fShmLock(sqlite3_file* f, int o, int n, int fl) { return inner(f)->pMethods->xShmLock(inner(f), o, n, fl); }
void fShmBarrier(sqlite3_file* f) { inner(f)->pMethods->xShmBarrier(inner(f)); }
int fShmUnmap(sqlite3_file* f, int d) { return inner(f)->pMethods->xShmUnmap(inner(f), d); }
int fFetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p) { return inner(f)->pMethods->xFetch(inner(f), o, n, p); }
int fUnfetch(sqlite3_file* f, sqlite3_int64 o, void* p) { return inner(f)->pMethods->xUnfetch(inner(f), o, p); }

const sqlite3_io_methods k_methods = {3,       fClose,   fRead,    fWrite,    fTruncate,   fSync,
                                      fSize,   fLock,    fUnlock,  fReserved, fControl,    fSector,
                                      fDevice, fShmMap,  fShmLock, fShmBarrier, fShmUnmap, fFetch,
                                      fUnfetch};

int vOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
    self(f)->header.pMethods = nullptr;
    int rc = g_base->xOpen(g_base, name, inner(f), flags, outFlags);
    if (rc == SQLITE_OK && inner(f)->pMethods) self(f)->header.pMethods = &k_methods;
    return rc;
}

sqlite3_vfs g_counting;

// Makes the counting shim the default VFS for the test's lifetime.
class CountingVfs {
public:
    CountingVfs() {
        g_base = sqlite3_vfs_find(nullptr);
        g_counting = *g_base;
        g_counting.zName = "confidant-counting";
        g_counting.szOsFile = int(sizeof(CountingFile)) + g_base->szOsFile;
        g_counting.xOpen = vOpen;
        g_counting.pNext = nullptr;
        EXPECT_EQ(sqlite3_vfs_register(&g_counting, 1), SQLITE_OK);
    }
    ~CountingVfs() {
        sqlite3_vfs_unregister(&g_counting);
        sqlite3_vfs_register(g_base, 1);
    }
};

TEST(Durability, TurnBoundariesAreFsyncedAndStreamingFlushesAreNot) {
    CountingVfs vfs;
    TempDir dir;
    Database db = testing::openOrDie(dir / "store.db");
    auto c = createConversation(db, {.title = "Durable"});
    ASSERT_TRUE(c.ok());

    g_syncs = 0;
    Message question = testing::addMessage(db, c->id, "", Role::User, "Will this survive a power cut?");
    const int userSyncs = g_syncs.exchange(0);
    EXPECT_GE(userSyncs, 1) << "the user's message is on disk when appendMessage returns";

    auto writer = ReplyWriter::begin(db, c->id, question.id, "Yes", {}, {.flushInterval = std::chrono::milliseconds(0)});
    ASSERT_TRUE(writer.ok());
    for (int i = 0; i < 50; ++i) {
        auto wrote = writer->append(" and more");
        ASSERT_TRUE(wrote.ok());
        EXPECT_TRUE(*wrote);
    }
    EXPECT_EQ(g_syncs.exchange(0), 0) << "the row and 50 flushes while streaming cost no fsync";

    ASSERT_TRUE(writer->finish(FinishReason::Stop, {}).ok());
    const int finishSyncs = g_syncs.exchange(0);
    EXPECT_GE(finishSyncs, 1) << "the finished reply is on disk when finish() returns";
    EXPECT_LE(userSyncs + finishSyncs, 4) << "a turn costs a couple of fsyncs, not one per write";

    // The connection keeps its own level for everything else.
    EXPECT_EQ(*db.queryInt("PRAGMA synchronous"), 1);
    ASSERT_TRUE(renameConversation(db, c->id, "Renamed").ok());
    EXPECT_EQ(g_syncs.exchange(0), 0);
}

// A writer killed right after each boundary commit, before its next write: the reopened store
// holds the message, then the finished reply.
TEST(Durability, AWriterKilledAfterABoundaryCommitLosesNothing) {
    TempDir dir;
    const auto path = dir / "store.db";
    std::string conversationId;
    {
        Database db = testing::openOrDie(path);
        auto c = createConversation(db, {.title = "Killed"});
        ASSERT_TRUE(c.ok());
        conversationId = c->id;
    }
    auto runChild = [&](bool finishReply) {
        pid_t pid = ::fork();
        if (pid == 0) {
            auto db = openStore(path);
            if (!db) ::_exit(3);
            auto branch = loadSelectedBranch(*db, conversationId);
            if (!branch) ::_exit(4);
            if (!finishReply) {
                NewMessage draft{.conversationId = conversationId, .role = Role::User, .content = "the question"};
                if (!appendMessage(*db, draft)) ::_exit(5);
            } else {
                auto writer = ReplyWriter::begin(*db, conversationId, branch->back().id, "the answer");
                if (!writer) ::_exit(6);
                if (!writer->finish(FinishReason::Stop, {})) ::_exit(7);
            }
            ::raise(SIGKILL);  // before any other write, close or checkpoint
            ::_exit(8);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;
    };
    runChild(false);
    {
        Database db = testing::openOrDie(path);
        auto branch = loadSelectedBranch(db, conversationId);
        ASSERT_TRUE(branch.ok());
        ASSERT_EQ(branch->size(), 1u);
        EXPECT_EQ(branch->front().content, "the question");
    }
    runChild(true);
    Database db = testing::openOrDie(path);
    auto branch = loadSelectedBranch(db, conversationId);
    ASSERT_TRUE(branch.ok());
    ASSERT_EQ(branch->size(), 2u);
    EXPECT_EQ(branch->back().content, "the answer");
    EXPECT_EQ(branch->back().state, MessageState::Complete);
    EXPECT_EQ(branch->back().finishReason, FinishReason::Stop);
}

}  // namespace
}  // namespace confidant::storage
