// Writing exports to files: atomic writes, one file per conversation in a folder.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_set>

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

namespace {

enum class Replace { Yes, No };

// Moves the finished temporary file into place. Without replacing: renameat2(RENAME_NOREPLACE),
// or link() + unlink() on file systems that lack it; both fail with EEXIST instead of replacing.
int moveIntoPlace(const std::string& temp, const std::filesystem::path& path, Replace replace) {
    if (replace == Replace::Yes) return ::rename(temp.c_str(), path.c_str()) == 0 ? 0 : errno;
    if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return errno;
    if (::link(temp.c_str(), path.c_str()) != 0) return errno;
    ::unlink(temp.c_str());
    return 0;
}

Result<void> writeThroughTemporary(const std::filesystem::path& path, std::string_view content, Replace replace) {
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
    if (!error) error = moveIntoPlace(temp, path, replace);
    if (error) {
        ::unlink(temp.c_str());
        if (error == EEXIST)
            return makeError(ErrorCode::Exists, "not writing " + path.string() + ": a file of that name is already there");
        return fileError(error, path);
    }
    return {};
}

}  // namespace

Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view content) {
    return writeThroughTemporary(path, content, Replace::Yes);
}

Result<void> writeNewFileAtomically(const std::filesystem::path& path, std::string_view content) {
    return writeThroughTemporary(path, content, Replace::No);
}

std::string safeFileStem(std::string_view text, std::string_view fallback) {
    std::string name;
    auto isLetter = [](unsigned char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            // A whole UTF-8 sequence (lead byte and its continuation bytes) or nothing: a stray
            // continuation byte or a truncated sequence is dropped, so the name stays valid UTF-8.
            size_t length = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
            bool whole = length > 0 && i + length <= text.size();
            for (size_t k = 1; whole && k < length; ++k) whole = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
            // U+0080..U+009F (C1 controls, 0xC2 0x80..0x9F) are not letters either.
            if (whole && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) whole = false;
            if (!whole) continue;
            if (name.size() + length > k_maxFileStemBytes) break;
            name.append(text.substr(i, length));
            i += length - 1;
        } else if (isLetter(c)) {
            if (name.size() + 1 > k_maxFileStemBytes) break;
            name += char(c);
        } else if ((c == ' ' || c == '.' || c == ',' || c == '/' || c == ':' || c == '\\') && !name.empty() &&
                   name.back() != '-') {
            if (name.size() + 1 > k_maxFileStemBytes) break;
            name += '-';
        }
    }
    while (!name.empty() && (name.back() == '-' || name.front() == '-')) {
        if (name.back() == '-') name.pop_back();
        else name.erase(0, 1);
    }
    return name.empty() ? std::string(fallback) : name;
}

std::string exportFileName(const Conversation& conversation, ExportFormat format) {
    // The title, cut to leave room for the id, then the whole id: two conversations with the same
    // title never share a name unless their ids differ only in dropped characters.
    std::string title = safeFileStem(conversation.title, "");
    const std::string id = safeFileStem(conversation.id, "conversation");
    const size_t room = k_maxFileStemBytes > id.size() + 1 ? k_maxFileStemBytes - id.size() - 1 : 0;
    if (title.size() > room) title = safeFileStem(std::string_view(title).substr(0, room), "");
    return (title.empty() ? id : title + "-" + id) + std::string(exportFileExtension(format));
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
    std::unordered_set<std::string> used;
    int count = 0;
    for (const std::string& id : *ids) {
        auto data = loadConversation(database, id);
        if (!data) return data.error();
        std::string content;
        switch (format) {
        case ExportFormat::Markdown: content = exportMarkdown(*data); break;
        case ExportFormat::Html: content = exportHtml(*data); break;
        case ExportFormat::Text: content = exportText(*data); break;
        case ExportFormat::Json: {
            auto text = exportJson(database, {id});
            if (!text) return text.error();
            content = std::move(*text);
            break;
        }
        }
        // The name is only ever a plain file name inside `folder` (safeFileStem), and a free one:
        // a name taken in this export or by a file already there gets the next number.
        const std::string first = exportFileName(data->conversation, format);
        const std::string extension(exportFileExtension(format));
        const std::string stem = first.substr(0, first.size() - extension.size());
        for (int n = 1;; ++n) {
            const std::string name = n == 1 ? first : stem + "-" + std::to_string(n) + extension;
            if (!used.insert(name).second) continue;
            auto written = writeNewFileAtomically(folder / name, content);
            if (written) break;
            if (written.error().code != ErrorCode::Exists) return written.error();
            if (n >= 10000) return makeError(ErrorCode::Exists, "cannot find a free file name for " + first + " in " + folder.string());
        }
        ++count;
    }
    return count;
}

}  // namespace confidant::storage
