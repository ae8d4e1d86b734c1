// Internal: what both importers share: parsing with a located error, and writing validated
// conversations in one transaction, skipping those already in the store.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

#include "json_format.h"

namespace confidant::storage::detail {

// Ids longer than this are refused by both importers: our export must be able to carry every
// imported conversation back in (found by fuzz_import's round trip).
inline constexpr size_t k_maxIdLength = 128;

// Parses `text`; InvalidInput naming the line and column when it is not JSON.
Result<nlohmann::json> parseJsonText(std::string_view text);

// Inserts `conversations` in one transaction. A conversation whose id is already in the store is
// skipped. A message id already used elsewhere is an error (`remapTakenMessageIds` false, our
// format: its ids are meant to be unique) or replaced by a fresh one (true, foreign formats).
Result<ImportReport> writeImported(Database& database, std::vector<ConversationData>& conversations,
                                   bool remapTakenMessageIds, const ImportProgress& progress);

}  // namespace confidant::storage::detail
