// Streaming a reply into the store so that a crash loses at most a second of it. The reply's row
// exists from the first token (state "streaming"); its text is written at least once per flush
// interval and at the end. A row still "streaming" when the store is next opened is marked
// finish reason "interrupted" with all the text flushed before the crash.
//
// Thread contract: a ReplyWriter uses the Database it was begun with, on that database's thread;
// the Database must outlive it and must not be moved while it exists.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "database.h"
#include "store_types.h"

namespace confidant::storage {

class ReplyWriter {
public:
    using Clock = std::chrono::steady_clock;

    struct Options {
        std::chrono::milliseconds flushInterval{1000};
        bool select = true;  // make the reply the selected leaf (a regenerated reply is shown)
    };

    // Creates the reply row under `parentId` (usually the user's message; regenerating uses the
    // same parent as the reply it replaces, which makes the new one a sibling). Call it when the
    // first token arrives, with that token's text: the row and the text are committed at once.
    static Result<ReplyWriter> begin(Database& database, const std::string& conversationId,
                                     const std::string& parentId, std::string_view firstText, const ReplyInfo& info,
                                     const Options& options);
    static Result<ReplyWriter> begin(Database& database, const std::string& conversationId,
                                     const std::string& parentId, std::string_view firstText = {},
                                     const ReplyInfo& info = {}) {
        return begin(database, conversationId, parentId, firstText, info, Options{});
    }

    ReplyWriter(ReplyWriter&& other) noexcept;
    ReplyWriter& operator=(ReplyWriter&&) = delete;
    ReplyWriter(const ReplyWriter&) = delete;
    ReplyWriter& operator=(const ReplyWriter&) = delete;
    // A writer dropped without finish() flushes what it has and leaves the reply "interrupted".
    ~ReplyWriter();

    const std::string& messageId() const { return m_messageId; }
    const std::string& text() const { return m_text; }
    // How much of text() is known to be committed.
    size_t flushedSize() const { return m_flushedSize; }

    // Adds text; writes it when the flush interval has passed since the last write. Returns
    // whether it wrote.
    Result<bool> append(std::string_view text);
    // Writes the text now (no-op when nothing is new).
    Result<void> flush();
    // Final text, statistics and finish reason in one transaction; the reply leaves the streaming
    // state (and enters the search index).
    Result<Message> finish(FinishReason reason, const ReplyInfo& info);

private:
    ReplyWriter(Database* database, std::string conversationId, std::string messageId, Options options)
        : m_database(database), m_conversationId(std::move(conversationId)), m_messageId(std::move(messageId)),
          m_options(options) {}

    Database* m_database = nullptr;
    std::string m_conversationId;
    std::string m_messageId;
    Options m_options;
    std::string m_text;
    size_t m_flushedSize = 0;
    Clock::time_point m_lastFlush;
    bool m_finished = false;
};

}  // namespace confidant::storage
