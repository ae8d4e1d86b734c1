// Importing Confidant's JSON format: the whole file is checked before anything is written, and
// every problem is reported with its place in the file ("conversations[2].messages[5].role").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_set>

#include "import_common.h"
#include "json_codec.h"
#include "json_format.h"

namespace confidant::storage {

using nlohmann::json;

namespace {

// Reads typed fields of one JSON object, remembering the first problem with its place.
class FieldReader {
public:
    FieldReader(const json& object, std::string place) : m_object(object), m_place(std::move(place)) {}

    const std::string& place() const { return m_place; }

    const json* field(const char* key, bool required) {
        auto it = m_object.find(key);
        if (it == m_object.end()) {
            if (required) fail(key, "missing");
            return nullptr;
        }
        return &*it;
    }

    bool text(const char* key, std::string& out, bool required = true, bool nullable = false) {
        const json* value = field(key, required);
        if (!value || (nullable && value->is_null())) return value || !required;
        if (!value->is_string()) return fail(key, nullable ? "expected a string or null" : "expected a string");
        out = value->get<std::string>();
        return true;
    }

    bool id(const char* key, std::string& out, bool nullable = false) {
        if (!text(key, out, true, nullable)) return false;
        const json* value = field(key, true);
        if (value->is_null()) return true;
        if (out.empty() || out.size() > detail::k_maxIdLength)
            return fail(key, "expected a non-empty id of at most " + std::to_string(detail::k_maxIdLength) + " characters");
        return true;
    }

    bool flag(const char* key, bool& out) {
        const json* value = field(key, false);
        if (!value) return true;
        if (!value->is_boolean()) return fail(key, "expected true or false");
        out = value->get<bool>();
        return true;
    }

    bool time(const char* key, int64_t& out) {
        std::string textValue;
        if (!text(key, textValue)) return false;
        auto parsed = parseIsoTime(textValue);
        if (!parsed) return fail(key, "expected a time like 2026-01-31T12:00:00.000Z");
        out = *parsed;
        return true;
    }

    bool fail(const std::string& key, const std::string& problem) {
        if (m_problem.empty()) m_problem = m_place + "." + key + ": " + problem;
        return false;
    }
    bool failHere(const std::string& problem) {
        if (m_problem.empty()) m_problem = m_place + ": " + problem;
        return false;
    }
    const std::string& problem() const { return m_problem; }

private:
    const json& m_object;
    std::string m_place;
    std::string m_problem;
};

Error invalid(const std::string& problem) {
    return makeError(ErrorCode::InvalidInput, "invalid Confidant export: " + problem + "; nothing was imported");
}

bool readReply(const json& value, const std::string& place, ReplyInfo& reply, std::string& problem) {
    if (!value.is_object()) {
        problem = place + ".reply: expected an object";
        return false;
    }
    FieldReader r(value, place + ".reply");
    auto integer = [&](const char* key, std::optional<int64_t>& out) {
        const json* field = r.field(key, false);
        if (!field || field->is_null()) return true;
        if (!field->is_number_integer()) return r.fail(key, "expected an integer");
        out = field->get<int64_t>();
        return true;
    };
    auto number = [&](const char* key, std::optional<double>& out) {
        const json* field = r.field(key, false);
        if (!field || field->is_null()) return true;
        if (!field->is_number()) return r.fail(key, "expected a number");
        out = field->get<double>();
        return true;
    };
    bool ok = r.text("model_file", reply.modelFile, false) && r.text("model_sha256", reply.modelSha256, false) &&
              r.text("backend", reply.backend, false) && r.text("device", reply.device, false) &&
              integer("prompt_tokens", reply.promptTokens) && integer("generated_tokens", reply.generatedTokens) &&
              number("time_to_first_token_ms", reply.timeToFirstTokenMs) &&
              number("tokens_per_second", reply.tokensPerSecond);
    if (ok) {
        std::string samplerProblem;
        if (const json* sampler = r.field("sampler", false);
            sampler && !detail::samplerFromJson(*sampler, reply.sampler, samplerProblem))
            ok = r.fail("sampler", samplerProblem);
    }
    if (!ok) problem = r.problem();
    return ok;
}

bool readMessage(const json& value, const std::string& place, const std::string& conversationId,
                 const std::unordered_set<std::string>& earlier, Message& m, std::string& problem) {
    if (!value.is_object()) {
        problem = place + ": expected an object";
        return false;
    }
    FieldReader r(value, place);
    m.conversationId = conversationId;
    std::string role, finish;
    bool ok = r.id("id", m.id) && r.id("parent_id", m.parentId, true) && r.text("role", role) &&
              r.text("content", m.content) && r.time("created_at", m.createdAt) &&
              r.text("finish_reason", finish, false, true);
    if (ok) {
        if (auto parsed = roleFromName(role))
            m.role = *parsed;
        else
            ok = r.fail("role", "expected one of system, user, assistant, tool");
    }
    if (ok && !finish.empty()) {
        if (auto parsed = finishReasonFromName(finish))
            m.finishReason = *parsed;
        else
            ok = r.fail("finish_reason", "expected null or one of stop, length, cancelled, error, interrupted");
    }
    if (ok && !m.parentId.empty() && !earlier.count(m.parentId))
        ok = r.fail("parent_id", "no earlier message of this conversation has the id " + m.parentId);
    if (!ok) {
        problem = r.problem();
        return false;
    }
    if (auto it = value.find("reply"); it != value.end()) return readReply(*it, place, m.reply, problem);
    return true;
}

bool readConversation(const json& value, const std::string& place, ConversationData& data, std::string& problem,
                      std::unordered_set<std::string>& allMessageIds) {
    if (!value.is_object()) {
        problem = place + ": expected an object";
        return false;
    }
    FieldReader r(value, place);
    Conversation& c = data.conversation;
    bool ok = r.id("id", c.id) && r.text("title", c.title) && r.time("created_at", c.createdAt) &&
              r.time("updated_at", c.updatedAt) && r.flag("pinned", c.pinned) && r.flag("archived", c.archived) &&
              r.text("model", c.modelRef, false) && r.text("system_prompt", c.systemPrompt, false) &&
              r.text("source", c.source, false) && r.text("selected_leaf_id", c.selectedLeafId, false, true);
    if (ok) {
        if (auto it = value.find("settings"); it != value.end() && !it->is_null()) {
            std::string settingsProblem;
            if (!detail::settingsFromJson(*it, c.settings, settingsProblem)) ok = r.fail("settings", settingsProblem);
        }
    }
    const json* messages = ok ? r.field("messages", true) : nullptr;
    if (ok && messages && !messages->is_array()) ok = r.fail("messages", "expected an array");
    if (!ok || !messages) {
        problem = r.problem();
        return false;
    }
    std::unordered_set<std::string> earlier;
    for (size_t j = 0; j < messages->size(); ++j) {
        Message m;
        if (!readMessage((*messages)[j], place + ".messages[" + std::to_string(j) + "]", c.id, earlier, m, problem))
            return false;
        if (!allMessageIds.insert(m.id).second) {
            problem = place + ".messages[" + std::to_string(j) + "].id: the id " + m.id + " is used twice in the file";
            return false;
        }
        earlier.insert(m.id);
        data.messages.push_back(std::move(m));
    }
    if (!c.selectedLeafId.empty() && !earlier.count(c.selectedLeafId)) {
        problem = place + ".selected_leaf_id: no message of this conversation has the id " + c.selectedLeafId;
        return false;
    }
    return true;
}

}  // namespace

Result<ImportReport> importJson(Database& database, std::string_view text, const ImportProgress& progress) {
    auto parsed = detail::parseJsonText(text);
    if (!parsed) return invalid(parsed.error().message);
    const json& document = *parsed;
    if (!document.is_object()) return invalid("the top level must be an object");
    auto format = document.find("format");
    if (format == document.end() || !format->is_string() || format->get<std::string>() != k_jsonFormatName)
        return invalid(std::string("format: expected \"") + std::string(k_jsonFormatName) + "\"");
    auto version = document.find("version");
    if (version == document.end() || !version->is_number_integer() || version->get<int64_t>() < 1)
        return invalid("version: expected a positive integer");
    if (version->get<int64_t>() > k_jsonFormatVersion)
        return makeError(ErrorCode::InvalidInput,
                         "this export has format version " + std::to_string(version->get<int64_t>()) +
                             ", newer than this Confidant reads (" + std::to_string(k_jsonFormatVersion) +
                             "); update Confidant to import it");
    auto list = document.find("conversations");
    if (list == document.end() || !list->is_array()) return invalid("conversations: expected an array");

    std::vector<ConversationData> conversations;
    std::unordered_set<std::string> conversationIds, messageIds;
    for (size_t i = 0; i < list->size(); ++i) {
        ConversationData data;
        std::string problem;
        const std::string place = "conversations[" + std::to_string(i) + "]";
        if (!readConversation((*list)[i], place, data, problem, messageIds)) return invalid(problem);
        if (!conversationIds.insert(data.conversation.id).second)
            return invalid(place + ".id: the id " + data.conversation.id + " is used twice in the file");
        conversations.push_back(std::move(data));
    }
    return detail::writeImported(database, conversations, false, progress);
}

Result<ImportFormat> detectImportFormat(std::string_view text) {
    auto parsed = detail::parseJsonText(text);
    if (!parsed) return parsed.error();
    if (parsed->is_object() && parsed->contains("format")) return ImportFormat::Confidant;
    if (parsed->is_array()) return ImportFormat::ChatGpt;
    return makeError(ErrorCode::InvalidInput,
                     "not a Confidant export (an object with \"format\") or a ChatGPT conversations.json (an array)");
}

namespace {

// The whole file, read through one descriptor that was checked to be a regular file of at most
// k_maxImportFileBytes (O_NONBLOCK: opening a pipe never waits for a writer).
Result<std::string> readImportFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT) return makeError(ErrorCode::NotFound, "cannot read " + path + ": no such file");
        return makeError(ErrorCode::Io, "cannot read " + path + ": " + std::strerror(error));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat info {};
    if (::fstat(fd, &info) != 0) return makeError(ErrorCode::Io, "cannot read " + path + ": " + std::strerror(errno));
    if (!S_ISREG(info.st_mode))
        return makeError(ErrorCode::InvalidInput, path + " is not a regular file (" +
                                                      (S_ISDIR(info.st_mode) ? "a folder" : "a device, pipe or socket") +
                                                      "); give the exported .json file");
    const uint64_t limitMiB = k_maxImportFileBytes >> 20;
    auto tooLarge = [&] {
        return makeError(ErrorCode::TooLarge, path + " is larger than the import limit of " + std::to_string(limitMiB) +
                                                  " MiB; split it into smaller files and import each");
    };
    if (uint64_t(info.st_size) > k_maxImportFileBytes) return tooLarge();
    std::string text;
    text.resize(size_t(info.st_size));
    size_t done = 0;
    for (;;) {
        if (done == text.size()) {
            // The file may have grown since fstat: read on, within the limit.
            if (text.size() >= k_maxImportFileBytes + 1) return tooLarge();
            text.resize(std::min<size_t>(k_maxImportFileBytes + 1, text.size() + 65536));
        }
        const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError(ErrorCode::Io, "cannot read " + path + ": " + std::strerror(errno));
        }
        if (n == 0) break;
        done += size_t(n);
    }
    if (done > k_maxImportFileBytes) return tooLarge();
    text.resize(done);
    return text;
}

}  // namespace

Result<ImportReport> importFile(Database& database, const std::string& path, const ImportProgress& progress) {
    auto read = readImportFile(path);
    if (!read) return read.error();
    const std::string text = std::move(*read);
    auto format = detectImportFormat(text);
    if (!format) return makeError(format.error().code, path + ": " + format.error().message);
    auto report = *format == ImportFormat::Confidant ? importJson(database, text, progress)
                                                     : importChatGpt(database, text, progress);
    if (!report) return makeError(report.error().code, path + ": " + report.error().message);
    return report;
}

}  // namespace confidant::storage
