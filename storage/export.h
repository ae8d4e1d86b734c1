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

// One conversation to one file in any format.
Result<void> exportConversationToFile(Database& database, const std::string& conversationId, ExportFormat format,
                                      const std::filesystem::path& path);
// Every conversation (or those in `ids`) as one JSON file.
Result<void> exportJsonFile(Database& database, const std::vector<std::string>& ids, const std::filesystem::path& path);
// One file per conversation (Markdown, HTML or text) in `folder`, created if needed; names come
// from the title and the id, so they are unique and stable. Returns the number of files.
Result<int> exportAllToFolder(Database& database, ExportFormat format, const std::filesystem::path& folder);
// The file name exportAllToFolder uses for a conversation.
std::string exportFileName(const Conversation& conversation, ExportFormat format);

}  // namespace confidant::storage
