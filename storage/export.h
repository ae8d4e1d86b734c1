// Exports: Markdown, self-contained HTML and plain text show a conversation's selected branch as
// people read it; JSON (json_format.h) holds everything. Files are written atomically (a
// temporary file renamed into place), so a full disk never leaves half a file behind.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "database.h"
#include "store_types.h"

namespace confidant::storage {

enum class ExportFormat { Markdown, Html, Text, Json };

std::optional<ExportFormat> exportFormatFromName(std::string_view name);  // "markdown"/"md", "html", "text"/"txt", "json"
std::string_view exportFileExtension(ExportFormat format);                // ".md", ".html", ".txt", ".json"

std::string exportMarkdown(const ConversationData& data);
std::string exportHtml(const ConversationData& data);
std::string exportText(const ConversationData& data);

// Writes `content` to `path` through a temporary file in the same folder; on failure nothing is
// left at `path` that was not there before.
Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view content);
// The same, but never replaces anything already at `path` (a file, a link, a folder): fails with
// ErrorCode::Exists instead, atomically (no window between the check and the write).
Result<void> writeNewFileAtomically(const std::filesystem::path& path, std::string_view content);

// The one function that turns text taken from data (a title, an imported id) into a file name:
// letters, digits, '_' and '-' (and UTF-8 letters) kept, separators become single '-', everything
// else dropped — so no '/', no NUL, no leading '.', never "." or "..", and at most
// k_maxFileStemBytes bytes cut on a character boundary. `fallback` when nothing is left.
inline constexpr size_t k_maxFileStemBytes = 100;
std::string safeFileStem(std::string_view text, std::string_view fallback = "conversation");

// One conversation to one file in any format.
Result<void> exportConversationToFile(Database& database, const std::string& conversationId, ExportFormat format,
                                      const std::filesystem::path& path);
// Every conversation (or those in `ids`) as one JSON file.
Result<void> exportJsonFile(Database& database, const std::vector<std::string>& ids, const std::filesystem::path& path);
// One file per conversation (Markdown, HTML or text) in `folder`, created if needed. Names come
// from the title and the whole id through safeFileStem(); when two conversations still give the
// same name, or a file of that name is already in the folder, "-2", "-3", ... is added: an export
// writes only inside `folder` and never replaces a file it did not create. Returns the number of
// files written (one per conversation).
Result<int> exportAllToFolder(Database& database, ExportFormat format, const std::filesystem::path& folder);
// The file name exportAllToFolder tries first for a conversation.
std::string exportFileName(const Conversation& conversation, ExportFormat format);

}  // namespace confidant::storage
