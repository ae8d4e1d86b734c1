// Writing Confidant's JSON format. Keys come out sorted (nlohmann::json's object order), times as
// ISO 8601 UTC with milliseconds, unset values left out: the same data always gives the same text.
#include <nlohmann/json.hpp>

#include "conversations.h"
#include "json_codec.h"
#include "json_format.h"
#include "message_tree.h"

namespace confidant::storage {

using nlohmann::json;

namespace {

json replyToJson(const ReplyInfo& r) {
    json object = json::object();
    auto putText = [&](const char* key, const std::string& value) {
        if (!value.empty()) object[key] = value;
    };
    putText("model_file", r.modelFile);
    putText("model_sha256", r.modelSha256);
    putText("backend", r.backend);
    putText("device", r.device);
    json sampler = detail::samplerToJson(r.sampler);
    if (!sampler.empty()) object["sampler"] = sampler;
    if (r.promptTokens) object["prompt_tokens"] = *r.promptTokens;
    if (r.generatedTokens) object["generated_tokens"] = *r.generatedTokens;
    if (r.timeToFirstTokenMs) object["time_to_first_token_ms"] = *r.timeToFirstTokenMs;
    if (r.tokensPerSecond) object["tokens_per_second"] = *r.tokensPerSecond;
    return object;
}

json messageToJson(const Message& m) {
    json object = json::object();
    object["id"] = m.id;
    object["parent_id"] = m.parentId.empty() ? json(nullptr) : json(m.parentId);
    object["role"] = std::string(roleName(m.role));
    object["content"] = m.content;
    object["created_at"] = formatIsoTime(m.createdAt);
    // A reply caught mid-stream by the export is exported as what it would become on the next
    // open: interrupted, with the text flushed so far.
    FinishReason reason = m.state == MessageState::Streaming ? FinishReason::Interrupted : m.finishReason;
    object["finish_reason"] = reason == FinishReason::None ? json(nullptr) : json(std::string(finishReasonName(reason)));
    json reply = replyToJson(m.reply);
    if (!reply.empty()) object["reply"] = reply;
    return object;
}

json conversationToJson(const ConversationData& data) {
    const Conversation& c = data.conversation;
    json object = json::object();
    object["id"] = c.id;
    object["title"] = c.title;
    object["created_at"] = formatIsoTime(c.createdAt);
    object["updated_at"] = formatIsoTime(c.updatedAt);
    object["pinned"] = c.pinned;
    object["archived"] = c.archived;
    object["model"] = c.modelRef;
    object["system_prompt"] = c.systemPrompt;
    object["settings"] = detail::settingsToJson(c.settings);
    object["selected_leaf_id"] = c.selectedLeafId.empty() ? json(nullptr) : json(c.selectedLeafId);
    object["source"] = c.source;
    json messages = json::array();
    for (const Message& m : data.messages) messages.push_back(messageToJson(m));
    object["messages"] = std::move(messages);
    return object;
}

}  // namespace

std::string exportJson(const std::vector<ConversationData>& conversations) {
    json document = json::object();
    document["format"] = std::string(k_jsonFormatName);
    document["version"] = k_jsonFormatVersion;
    json list = json::array();
    for (const ConversationData& data : conversations) list.push_back(conversationToJson(data));
    document["conversations"] = std::move(list);
    // Text that is not valid UTF-8 (a reply cut inside a character) is written with U+FFFD rather
    // than failing the whole export.
    return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<std::string> exportJson(Database& database, const std::vector<std::string>& ids) {
    std::vector<std::string> chosen = ids;
    if (chosen.empty()) {
        auto all = allConversationIds(database);
        if (!all) return all.error();
        chosen = std::move(*all);
    }
    // One read transaction: a consistent snapshot even while another connection writes.
    const bool ownTransaction = !database.inTransaction();
    if (ownTransaction) CONFIDANT_TRY(database.exec("BEGIN"));
    std::vector<ConversationData> conversations;
    conversations.reserve(chosen.size());
    for (const std::string& id : chosen) {
        auto data = loadConversation(database, id);
        if (!data) {
            if (ownTransaction) (void)database.exec("ROLLBACK");
            return data.error();
        }
        conversations.push_back(std::move(*data));
    }
    if (ownTransaction) CONFIDANT_TRY(database.exec("COMMIT"));
    return exportJson(conversations);
}

}  // namespace confidant::storage
