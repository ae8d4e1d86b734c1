// repairStore(): salvage of a damaged store. Every read is allowed to fail: a scan that hits a
// damaged page keeps what it read, then the same table is scanned from the other end, so only
// the rows on damaged pages are lost. What was read goes into a fresh store that replaces the
// damaged file, which is kept aside.
#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "rows.h"
#include "store.h"

namespace confidant::storage {

namespace {

// Rows of `sql` (which takes `key` as ?1 when not empty), read until the end or the first error.
template <typename Read>
void scanTolerantly(Database& database, const std::string& sql, const std::string& key, Read read) {
    auto statement = database.prepare(sql);
    if (!statement) return;
    if (!key.empty()) statement->bind(1, key);
    for (;;) {
        auto row = statement->step();
        if (!row || !*row) return;
        read(*statement);
    }
}

std::vector<std::string> readableConversationIds(Database& damaged) {
    std::vector<std::string> ids;
    std::unordered_set<std::string> seen;
    for (const char* order : {"ASC", "DESC"})
        scanTolerantly(damaged, std::string("SELECT id FROM conversations NOT INDEXED ORDER BY seq ") + order, "",
                       [&](const Statement& s) {
                           std::string id = s.columnText(0);
                           if (seen.insert(id).second) ids.push_back(std::move(id));
                       });
    return ids;
}

std::vector<Message> readableMessages(Database& damaged, const std::string& conversationId) {
    std::vector<Message> messages;
    std::unordered_set<std::string> seen;
    const std::string columns = std::string("SELECT ") + detail::k_messageColumns;
    // Through the index first (cheap), then whole-table scans from both ends for what a damaged
    // index page hid.
    for (const std::string& sql :
         {columns + " FROM messages m WHERE m.conversation_id = ?1 ORDER BY m.seq",
          columns + " FROM messages m NOT INDEXED WHERE m.conversation_id = ?1 ORDER BY m.seq ASC",
          columns + " FROM messages m NOT INDEXED WHERE m.conversation_id = ?1 ORDER BY m.seq DESC"})
        scanTolerantly(damaged, sql, conversationId, [&](const Statement& s) {
            Message m = detail::readMessage(s, 0);
            if (seen.insert(m.id).second) messages.push_back(std::move(m));
        });
    return messages;
}

// Parents before children; a message whose parent was lost becomes a first message, and so does
// one member of each cycle no root reaches. Returns how many were re-rooted.
int orderAsTree(std::vector<Message>& messages) {
    std::unordered_set<std::string> ids;
    for (const Message& m : messages) ids.insert(m.id);
    int orphans = 0;
    std::unordered_map<std::string, std::vector<size_t>> children;
    for (size_t i = 0; i < messages.size(); ++i) {
        Message& m = messages[i];
        if (!m.parentId.empty() && (!ids.count(m.parentId) || m.parentId == m.id)) {
            m.parentId.clear();
            ++orphans;
        }
        if (!m.parentId.empty()) children[m.parentId].push_back(i);
    }
    std::vector<Message> ordered;
    ordered.reserve(messages.size());
    std::vector<bool> placed(messages.size(), false);
    auto placeFrom = [&](size_t start) {
        std::vector<size_t> stack{start};
        while (!stack.empty()) {
            size_t i = stack.back();
            stack.pop_back();
            if (placed[i]) continue;
            placed[i] = true;
            ordered.push_back(messages[i]);
            auto it = children.find(messages[i].id);
            if (it != children.end()) stack.insert(stack.end(), it->second.rbegin(), it->second.rend());
        }
    };
    for (size_t i = 0; i < messages.size(); ++i)
        if (messages[i].parentId.empty()) placeFrom(i);
    for (size_t i = 0; i < messages.size(); ++i)
        if (!placed[i]) {
            messages[i].parentId.clear();
            ++orphans;
            placeFrom(i);
        }
    messages = std::move(ordered);
    return orphans;
}

std::string newestLeaf(const std::vector<Message>& messages) {
    std::unordered_set<std::string> parents;
    for (const Message& m : messages) parents.insert(m.parentId);
    const Message* best = nullptr;
    for (const Message& m : messages)
        if (!parents.count(m.id) && (!best || m.createdAt >= best->createdAt)) best = &m;
    return best ? best->id : std::string();
}

// Copies what `damaged` still holds into a new store at `fresh`.
Result<void> copyReadable(Database& damaged, const std::filesystem::path& fresh, RepairReport& report) {
    auto created = openStore(fresh);
    if (!created) return created.error();
    Database target = std::move(*created);
    auto inserter = detail::MessageInserter::prepare(target);
    if (!inserter) return inserter.error();
    for (const std::string& id : readableConversationIds(damaged)) {
        std::optional<Conversation> conversation;
        scanTolerantly(damaged, std::string("SELECT ") + detail::k_conversationColumns + " FROM conversations c WHERE c.id = ?1",
                       id, [&](const Statement& s) { conversation = detail::readConversation(s, 0); });
        if (!conversation) {
            ++report.unreadableConversations;
            continue;
        }
        std::vector<Message> messages = readableMessages(damaged, id);
        report.orphanedMessages += orderAsTree(messages);
        std::unordered_set<std::string> kept;
        for (const Message& m : messages) kept.insert(m.id);
        if (!kept.count(conversation->selectedLeafId)) conversation->selectedLeafId = newestLeaf(messages);
        auto transaction = Transaction::begin(target);
        if (!transaction) return transaction.error();
        CONFIDANT_TRY(detail::insertConversation(target, *conversation));
        for (const Message& m : messages) CONFIDANT_TRY(inserter->insert(m));
        CONFIDANT_TRY(transaction->commit());
        ++report.conversations;
        report.messages += int(messages.size());
    }
    auto check = checkStore(target, CheckDepth::Full);
    if (!check) return check.error();
    if (!check->ok()) return makeError(ErrorCode::Corrupt, "the new store failed its check: " + check->problems.front());
    return {};
}

}  // namespace

Result<RepairReport> repairStore(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return makeError(ErrorCode::NotFound, "no database at " + path.string());
    std::filesystem::path fresh = path.string() + ".repairing";
    for (int n = 2; std::filesystem::exists(fresh, ec); ++n) fresh = path.string() + ".repairing-" + std::to_string(n);
    auto removeFresh = [&] {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(fresh.string() + suffix, ec);
    };
    RepairReport report;
    {
        auto opened = Database::openConnection(path, false);
        if (!opened) return opened.error();
        Database damaged = std::move(*opened);
        // The damaged files are kept exactly as found: nothing is checkpointed into them.
        sqlite3_db_config(damaged.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        CONFIDANT_TRY(damaged.exec("PRAGMA query_only = 1"));
        auto copied = copyReadable(damaged, fresh, report);
        if (!copied) {
            removeFresh();
            return makeError(copied.error().code, "repairing " + path.string() +
                                                      " failed, the damaged store was left as it is: " +
                                                      copied.error().message);
        }
    }
    auto aside = moveAside(path);
    if (!aside) {
        removeFresh();
        return aside.error();
    }
    report.damagedCopy = *aside;
    std::filesystem::rename(fresh, path, ec);
    if (ec)
        return makeError(ErrorCode::Io, "the repaired store is at " + fresh.string() + " but could not be moved to " +
                                             path.string() + " (" + ec.message() + "); the damaged one is at " +
                                             aside->string());
    return report;
}

}  // namespace confidant::storage
