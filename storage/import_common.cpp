// Shared import steps.
#include "import_common.h"

#include <unordered_map>

#include "rows.h"
#include "store.h"

namespace confidant::storage::detail {

Result<nlohmann::json> parseJsonText(std::string_view text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        // Syntax errors are parse_error; a number too large for a double ("1e999") is out_of_range.
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 3, column 7: ..." without the tag.
        if (auto end = what.find("] "); what.rfind("[json.exception", 0) == 0 && end != std::string::npos)
            what = what.substr(end + 2);
        return makeError(ErrorCode::InvalidInput, "not valid JSON: " + what);
    }
}

Result<ImportReport> writeImported(Database& database, std::vector<ConversationData>& conversations,
                                   bool remapTakenMessageIds, const ImportProgress& progress) {
    ImportReport report;
    // Never write into a damaged store (#18, 6): single-page damage that SQLite would write
    // around is found by the full check, which an import (rare, large) can afford.
    auto health = checkStore(database, CheckDepth::Full);
    if (!health) return health.error();
    if (!health->ok())
        return makeError(ErrorCode::Corrupt, "the store " + database.path().string() + " is damaged (" +
                                                 health->problems.front() +
                                                 "); nothing was imported — repair it first (confidant-cli db repair)");
    auto transaction = Transaction::begin(database);
    if (!transaction) return transaction.error();
    auto conversationExists = database.prepare("SELECT 1 FROM conversations WHERE id = ?");
    if (!conversationExists) return conversationExists.error();
    auto messageExists = database.prepare("SELECT 1 FROM messages WHERE id = ?");
    if (!messageExists) return messageExists.error();
    auto inserter = MessageInserter::prepare(database);
    if (!inserter) return inserter.error();

    for (size_t i = 0; i < conversations.size(); ++i) {
        ConversationData& data = conversations[i];
        conversationExists->reset();
        conversationExists->bind(1, data.conversation.id);
        auto found = conversationExists->step();
        if (!found) return found.error();
        if (*found) {
            ++report.skipped;
            if (progress) progress(int(i + 1), int(conversations.size()));
            continue;
        }
        std::unordered_map<std::string, std::string> renamed;
        for (size_t j = 0; j < data.messages.size(); ++j) {
            Message& m = data.messages[j];
            messageExists->reset();
            messageExists->bind(1, m.id);
            auto taken = messageExists->step();
            if (!taken) return taken.error();
            if (*taken) {
                if (!remapTakenMessageIds)
                    return makeError(ErrorCode::InvalidInput,
                                     "conversations[" + std::to_string(i) + "].messages[" + std::to_string(j) +
                                         "].id: message " + m.id +
                                         " already exists in another conversation; nothing was imported");
                renamed[m.id] = newUuid();
                m.id = renamed[m.id];
            }
            if (auto it = renamed.find(m.parentId); it != renamed.end()) m.parentId = it->second;
        }
        if (auto it = renamed.find(data.conversation.selectedLeafId); it != renamed.end())
            data.conversation.selectedLeafId = it->second;
        CONFIDANT_TRY(insertConversation(database, data.conversation));
        for (const Message& m : data.messages) CONFIDANT_TRY(inserter->insert(m));
        ++report.imported;
        report.messages += int(data.messages.size());
        report.addedIds.push_back(data.conversation.id);
        if (progress) progress(int(i + 1), int(conversations.size()));
    }
    CONFIDANT_TRY(transaction->commit());
    return report;
}

}  // namespace confidant::storage::detail
