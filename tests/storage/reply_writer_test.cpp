// Streaming durability: the reply row exists from the first token, flushes are committed, the end
// brings statistics, and a writer killed with SIGKILL leaves an "interrupted" reply holding every
// word it had flushed.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "reply_writer.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

struct Chat {
    std::string conversationId;
    std::string questionId;
};

Chat makeChat(Database& db) {
    auto c = createConversation(db, {.title = "Streaming"});
    EXPECT_TRUE(c.ok());
    Message q = testing::addMessage(db, c->id, "", Role::User, "Tell me a story.");
    return {c->id, q.id};
}

TEST(ReplyWriter, RowExistsFromTheFirstTokenAndFlushesByInterval) {
    TempDir dir;
    Database db = testing::openOrDie(dir / "store.db");
    Chat chat = makeChat(db);
    ReplyInfo info{.modelFile = "tiny.gguf", .backend = "cpu"};
    auto writer = ReplyWriter::begin(db, chat.conversationId, chat.questionId, "Once", info, {.flushInterval = 1h});
    ASSERT_TRUE(writer.ok());

    // A second connection (the CLI next to the app) sees the row and its first token at once.
    Database reader = testing::openOrDie(dir / "store.db", {.recoverInterruptedReplies = false});
    auto seen = getMessage(reader, writer->messageId());
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ(seen->content, "Once");
    EXPECT_EQ(seen->state, MessageState::Streaming);
    EXPECT_EQ(getConversation(reader, chat.conversationId)->selectedLeafId, writer->messageId());

    auto wrote = writer->append(" upon");
    ASSERT_TRUE(wrote.ok());
    EXPECT_FALSE(*wrote) << "the interval has not passed";
    EXPECT_EQ(getMessage(reader, writer->messageId())->content, "Once");
    ASSERT_OK(writer->flush());
    EXPECT_EQ(getMessage(reader, writer->messageId())->content, "Once upon");
    EXPECT_EQ(writer->flushedSize(), writer->text().size());

    ReplyInfo stats;
    stats.modelSha256 = std::string(64, 'a');
    stats.promptTokens = 12;
    stats.generatedTokens = 3;
    stats.timeToFirstTokenMs = 81.5;
    stats.tokensPerSecond = 23.25;
    stats.sampler.seed = 1234;
    stats.sampler.temperature = 0.8;
    ASSERT_TRUE(writer->append(" a time").ok());
    auto done = writer->finish(FinishReason::Length, stats);
    ASSERT_TRUE(done.ok()) << done.error().message;

    auto final = getMessage(reader, writer->messageId());
    ASSERT_TRUE(final.ok());
    EXPECT_EQ(final->content, "Once upon a time");
    EXPECT_EQ(final->state, MessageState::Complete);
    EXPECT_EQ(final->finishReason, FinishReason::Length);
    EXPECT_EQ(final->role, Role::Assistant);
    EXPECT_EQ(final->parentId, chat.questionId);
    EXPECT_EQ(final->reply.modelFile, "tiny.gguf") << "metadata given at begin() is kept";
    EXPECT_EQ(final->reply.backend, "cpu");
    EXPECT_EQ(final->reply.modelSha256, std::string(64, 'a'));
    EXPECT_EQ(final->reply.promptTokens, 12);
    EXPECT_EQ(final->reply.generatedTokens, 3);
    EXPECT_EQ(final->reply.timeToFirstTokenMs, 81.5);
    EXPECT_EQ(final->reply.tokensPerSecond, 23.25);
    EXPECT_EQ(final->reply.sampler.seed, 1234);
    EXPECT_EQ(*done, *final);
}

TEST(ReplyWriter, ZeroIntervalFlushesEveryAppend) {
    Database db = testing::openOrDie(":memory:");
    Chat chat = makeChat(db);
    auto writer = ReplyWriter::begin(db, chat.conversationId, chat.questionId, "", {}, {.flushInterval = 0ms});
    ASSERT_TRUE(writer.ok());
    for (const char* word : {"a ", "b ", "c"}) {
        auto wrote = writer->append(word);
        ASSERT_TRUE(wrote.ok());
        EXPECT_TRUE(*wrote);
        EXPECT_EQ(getMessage(db, writer->messageId())->content, writer->text());
    }
}

TEST(ReplyWriter, AStreamingReplyIsMarkedInterruptedOnTheNextOpenOnly) {
    TempDir dir;
    const auto path = dir / "store.db";
    std::string replyId;
    {
        Database db = testing::openOrDie(path);
        Chat chat = makeChat(db);
        // A second connection opened meanwhile (recovery off) must not touch the live reply.
        Database other;
        {
            auto writer =
                ReplyWriter::begin(db, chat.conversationId, chat.questionId, "partial", {}, {.flushInterval = 1h});
            ASSERT_TRUE(writer.ok());
            replyId = writer->messageId();
            ASSERT_TRUE(writer->append(" text").ok());
            ASSERT_OK(writer->flush());
            other = testing::openOrDie(path, {.recoverInterruptedReplies = false});
            EXPECT_EQ(getMessage(other, replyId)->state, MessageState::Streaming);
        }
        // What a crash leaves behind is the row as last flushed, still "streaming" (the real crash
        // is the SIGKILL test below); the writer's destructor finished it, so the row is put back
        // the way a killed process leaves it.
        ASSERT_OK(other.exec("UPDATE messages SET state = 'streaming', finish_reason = '' WHERE id = '" + replyId + "'"));
    }
    Database db = testing::openOrDie(path);
    auto reply = getMessage(db, replyId);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->state, MessageState::Complete);
    EXPECT_EQ(reply->finishReason, FinishReason::Interrupted);
    EXPECT_EQ(reply->content, "partial text");
}

TEST(ReplyWriter, ADroppedWriterLeavesAnInterruptedReplyWithItsText) {
    Database db = testing::openOrDie(":memory:");
    Chat chat = makeChat(db);
    std::string replyId;
    {
        auto writer = ReplyWriter::begin(db, chat.conversationId, chat.questionId, "Hello", {}, {.flushInterval = 1h});
        ASSERT_TRUE(writer.ok());
        replyId = writer->messageId();
        ASSERT_TRUE(writer->append(", world").ok());
    }
    auto reply = getMessage(db, replyId);
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->content, "Hello, world");
    EXPECT_EQ(reply->finishReason, FinishReason::Interrupted);
}

// The child streams words into the store, telling the parent through a pipe after each committed
// flush; the parent kills it with SIGKILL at a random moment and checks the database.
[[noreturn]] void streamUntilKilled(const std::filesystem::path& path, const Chat& chat, int round, int ackFd) {
    auto db = openStore(path, {.recoverInterruptedReplies = false});
    if (!db) _exit(2);
    auto writer = ReplyWriter::begin(*db, chat.conversationId, chat.questionId, "", {}, {.flushInterval = 0ms});
    if (!writer) {
        std::fprintf(stderr, "child: %s\n", writer.error().message.c_str());
        _exit(3);
    }
    if (::write(ackFd, writer->messageId().data(), 36) != 36) _exit(4);
    for (int i = 0; i < 1000000; ++i) {
        auto wrote = writer->append("r" + std::to_string(round) + "w" + std::to_string(i) + " ");
        if (!wrote || !*wrote) _exit(5);
        if (::write(ackFd, &i, sizeof i) != sizeof i) _exit(6);
    }
    _exit(0);
}

TEST(ReplyWriterCrash, SigkillAtRandomMomentsLosesNoFlushedWord) {
    TempDir dir;
    const auto path = dir / "crash.db";
    Chat chat;
    {
        Database db = testing::openOrDie(path);
        chat = makeChat(db);
    }
    // Held open throughout so that closing the per-round connections is never the last close, which
    // would checkpoint and fsync each round (slow, and not what the app does).
    Database keeper = testing::openOrDie(path, {.recoverInterruptedReplies = false});
    const unsigned seed = std::random_device{}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    constexpr int k_rounds = 30;
    int roundsWithReply = 0;
    for (int round = 0; round < k_rounds; ++round) {
        int fds[2];
        ASSERT_EQ(::pipe(fds), 0);
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::close(fds[0]);
            streamUntilKilled(path, chat, round, fds[1]);
        }
        ::close(fds[1]);
        // One round in four kills at any moment, likely while the child opens the store or creates
        // the row; the others wait for the row and kill somewhere in the stream.
        std::string replyId(36, '\0');
        ssize_t got = 0;
        if (round % 4 == 0) {
            std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20000)(random)));
        } else {
            got = ::read(fds[0], replyId.data(), 36);
            std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 8000)(random)));
        }
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "round " << round << " status " << status;
        if (round % 4 == 0) got = ::read(fds[0], replyId.data(), 36);

        int lastAcknowledged = -1, value = 0;
        if (got == 36)
            while (::read(fds[0], &value, sizeof value) == sizeof value) lastAcknowledged = value;
        ::close(fds[0]);

        Database db = testing::openOrDie(path);
        ASSERT_TRUE(db.isOpen()) << "round " << round;
        ASSERT_OK(checkIntegrity(db));
        EXPECT_EQ(*db.queryInt("SELECT count(*) FROM messages WHERE state = 'streaming'"), 0);
        if (got != 36) continue;  // killed before the reply existed
        ++roundsWithReply;
        auto reply = getMessage(db, replyId);
        ASSERT_TRUE(reply.ok()) << "round " << round << ": " << reply.error().message;
        EXPECT_EQ(reply->finishReason, FinishReason::Interrupted);
        std::string expected;
        for (int i = 0; i <= lastAcknowledged; ++i) expected += "r" + std::to_string(round) + "w" + std::to_string(i) + " ";
        ASSERT_GE(reply->content.size(), expected.size()) << "round " << round;
        EXPECT_EQ(reply->content.substr(0, expected.size()), expected) << "round " << round;
        // Nothing but whole words of this stream: at most the one flush the parent was not told of.
        std::string next = "r" + std::to_string(round) + "w" + std::to_string(lastAcknowledged + 1) + " ";
        EXPECT_TRUE(reply->content == expected || reply->content == expected + next) << "round " << round;
    }
    EXPECT_GT(roundsWithReply, 0);
}

}  // namespace
}  // namespace confidant::storage
