// Writing exports to files: atomic writes, one file per conversation in a folder.
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "conversations.h"
#include "export.h"
#include "json_format.h"
#include "message_tree.h"

namespace confidant::storage {

namespace {

Error fileError(int error, const std::filesystem::path& path) {
    const std::string what = "cannot write " + path.string() + ": ";
    if (error == ENOSPC || error == EDQUOT) return makeError(ErrorCode::DiskFull, what + "the disk is full; nothing was written");
    if (error == EACCES || error == EROFS || error == EPERM)
        return makeError(ErrorCode::ReadOnly, what + "the folder is not writable");
    if (error == ENOENT) return makeError(ErrorCode::NotFound, what + "the folder does not exist");
    return makeError(ErrorCode::Io, what + std::strerror(error));
}

}  // namespace

std::optional<ExportFormat> exportFormatFromName(std::string_view name) {
    if (name == "markdown" || name == "md") return ExportFormat::Markdown;
    if (name == "html") return ExportFormat::Html;
    if (name == "text" || name == "txt") return ExportFormat::Text;
    if (name == "json") return ExportFormat::Json;
    return std::nullopt;
}

std::string_view exportFileExtension(ExportFormat format) {
    switch (format) {
    case ExportFormat::Markdown: return ".md";
    case ExportFormat::Html: return ".html";
    case ExportFormat::Text: return ".txt";
    case ExportFormat::Json: return ".json";
    }
    return "";
}

Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view content) {
    const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    std::string temp = (folder / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) return fileError(errno, path);
    size_t written = 0;
    int error = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = errno;
            break;
        }
        written += size_t(n);
    }
    // mkstemp makes the file private (0600); an export is an ordinary document.
    if (!error && ::fchmod(fd, 0644) != 0) error = errno;
    if (!error && ::fsync(fd) != 0) error = errno;
    if (::close(fd) != 0 && !error) error = errno;
    if (!error && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
    if (error) {
        ::unlink(temp.c_str());
        return fileError(error, path);
    }
    return {};
}

std::string exportFileName(const Conversation& conversation, ExportFormat format) {
    std::string name;
    for (unsigned char c : conversation.title) {
        if (name.size() >= 60 && (c & 0xc0) != 0x80) break;  // cut on a UTF-8 character boundary
        if (std::isalnum(c) || c >= 0x80 || c == '_' || c == '-')
            name += char(c);
        else if ((c == ' ' || c == '.' || c == ',') && !name.empty() && name.back() != '-')
            name += '-';
    }
    while (!name.empty() && name.back() == '-') name.pop_back();
    if (!name.empty()) name += '-';
    name += conversation.id.substr(0, 8);
    name += exportFileExtension(format);
    return name;
}

Result<void> exportConversationToFile(Database& database, const std::string& conversationId, ExportFormat format,
                                      const std::filesystem::path& path) {
    if (format == ExportFormat::Json) return exportJsonFile(database, {conversationId}, path);
    auto data = loadConversation(database, conversationId);
    if (!data) return data.error();
    switch (format) {
    case ExportFormat::Markdown: return writeFileAtomically(path, exportMarkdown(*data));
    case ExportFormat::Html: return writeFileAtomically(path, exportHtml(*data));
    case ExportFormat::Text: return writeFileAtomically(path, exportText(*data));
    case ExportFormat::Json: break;
    }
    return {};
}

Result<void> exportJsonFile(Database& database, const std::vector<std::string>& ids, const std::filesystem::path& path) {
    auto text = exportJson(database, ids);
    if (!text) return text.error();
    return writeFileAtomically(path, *text);
}

Result<int> exportAllToFolder(Database& database, ExportFormat format, const std::filesystem::path& folder) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return fileError(ec.value(), folder);
    auto ids = allConversationIds(database);
    if (!ids) return ids.error();
    int count = 0;
    for (const std::string& id : *ids) {
        auto conversation = getConversation(database, id);
        if (!conversation) return conversation.error();
        CONFIDANT_TRY(exportConversationToFile(database, id, format, folder / exportFileName(*conversation, format)));
        ++count;
    }
    return count;
}

}  // namespace confidant::storage
