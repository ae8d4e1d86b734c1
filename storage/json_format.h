// Confidant's JSON export format (documented in docs/storage-json-format.md): versioned, holding
// every branch, all metadata and statistics, and importing back without loss.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "database.h"
#include "store_types.h"

namespace confidant::storage {

inline constexpr std::string_view k_jsonFormatName = "confidant-conversations";
inline constexpr int k_jsonFormatVersion = 1;

// The document for `conversations`, pretty-printed with two-space indents. Deterministic: the
// same data always gives the same bytes.
std::string exportJson(const std::vector<ConversationData>& conversations);
// Loads `ids` (all conversations, oldest first, when empty) and exports them.
Result<std::string> exportJson(Database& database, const std::vector<std::string>& ids);

struct ImportReport {
    int imported = 0;  // conversations added
    int skipped = 0;   // conversations already in the store (same id): left as they are
    int messages = 0;  // messages added
    std::vector<std::string> addedIds;  // the ids of the conversations added, in the file's order
};

// Called while an import writes, after each conversation of the file (added or skipped): how many
// are done, of how many. Nothing is committed until the last one (one transaction).
using ImportProgress = std::function<void(int done, int total)>;

// Our JSON: validated completely first (an error names the place, e.g.
// "conversations[2].messages[5].role: expected one of ..."), then written in one transaction.
Result<ImportReport> importJson(Database& database, std::string_view text, const ImportProgress& progress = {});
// ChatGPT's conversations.json (an array of conversations with a "mapping" tree of nodes).
Result<ImportReport> importChatGpt(Database& database, std::string_view text, const ImportProgress& progress = {});

enum class ImportFormat { Confidant, ChatGpt };
// Detects the format of `text`; InvalidInput when it is neither (or not JSON at all).
Result<ImportFormat> detectImportFormat(std::string_view text);
// The largest import file read (docs/storage.md): parsing holds the whole document in memory,
// several times its size. A larger ChatGPT export is split before importing.
inline constexpr uint64_t k_maxImportFileBytes = uint64_t(512) << 20;

// Reads the file, detects its format and imports it. Refuses, before reading, anything that is
// not a regular file (a folder, /dev/zero, a pipe: InvalidInput) and a file over
// k_maxImportFileBytes (TooLarge).
Result<ImportReport> importFile(Database& database, const std::string& path, const ImportProgress& progress = {});

}  // namespace confidant::storage
