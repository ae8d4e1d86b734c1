// Importing ChatGPT's conversations.json: an array of conversations, each a "mapping" from node id
// to {message, parent, children}. Hidden and empty nodes (the synthetic root, custom
// instructions, tool plumbing) are dropped and their children attached to the nearest kept
// ancestor, so edits and regenerations stay siblings. The conversation's id is ChatGPT's, which
// is what makes importing the same file twice add nothing.
#include <cctype>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "import_common.h"
#include "json_format.h"

namespace confidant::storage {

using nlohmann::json;

namespace {

Error invalid(const std::string& problem) {
    return makeError(ErrorCode::InvalidInput, "invalid ChatGPT conversations.json: " + problem + "; nothing was imported");
}

bool looksLikeUuid(const std::string& id) {
    if (id.size() != 36) return false;
    for (size_t i = 0; i < id.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (id[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
}

std::optional<int64_t> secondsToMs(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_number()) return std::nullopt;
    // Times outside years 1..9999 (or not finite) are as good as missing: they cannot be shown or
    // exported, and converting them to milliseconds would overflow.
    constexpr double k_earliest = -62135596800.0, k_latest = 253402300799.0;
    const double seconds = it->get<double>();
    if (!(seconds >= k_earliest && seconds <= k_latest)) return std::nullopt;
    return int64_t(std::llround(seconds * 1000.0));
}

std::string stringField(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The readable text of a message's "content", by content type; empty for what has none.
std::string contentText(const json& content) {
    if (!content.is_object()) return {};
    const std::string type = stringField(content, "content_type");
    if (type == "text" || type == "multimodal_text") {
        std::string out;
        auto parts = content.find("parts");
        if (parts == content.end() || !parts->is_array()) return {};
        for (const json& part : *parts) {
            std::string piece;
            if (part.is_string()) {
                piece = part.get<std::string>();
            } else if (part.is_object()) {
                const std::string partType = stringField(part, "content_type");
                if (partType == "image_asset_pointer") piece = "[image]";
                else if (partType == "audio_transcription") piece = stringField(part, "text");
                else if (partType == "audio_asset_pointer" || partType == "real_time_user_audio_video_asset_pointer") piece = "";
                else piece = "[" + (partType.empty() ? std::string("attachment") : partType) + "]";
            }
            if (piece.empty()) continue;
            if (!out.empty()) out += "\n";
            out += piece;
        }
        return out;
    }
    if (type == "code") {
        std::string language = stringField(content, "language");
        if (language == "unknown") language.clear();
        const std::string text = stringField(content, "text");
        return text.empty() ? std::string() : "```" + language + "\n" + text + "\n```";
    }
    if (type == "execution_output" || type == "tether_quote") return stringField(content, "text");
    if (type == "tether_browsing_display") return stringField(content, "result");
    return {};  // user_editable_context, model_editable_context, system_error, thoughts, ...
}

struct Node {
    const json* value = nullptr;
    std::string parent;
    std::vector<std::string> children;
};

bool readConversation(const json& value, const std::string& place, ConversationData& data, std::string& problem) {
    if (!value.is_object()) {
        problem = place + ": expected an object";
        return false;
    }
    Conversation& c = data.conversation;
    c.id = stringField(value, "conversation_id");
    if (c.id.empty()) c.id = stringField(value, "id");
    if (c.id.empty()) {
        problem = place + ": missing \"id\" (or \"conversation_id\")";
        return false;
    }
    if (c.id.size() > detail::k_maxIdLength) {
        problem = place + ".id: longer than " + std::to_string(detail::k_maxIdLength) + " characters";
        return false;
    }
    c.title = stringField(value, "title");
    c.createdAt = secondsToMs(value, "create_time").value_or(0);
    c.updatedAt = secondsToMs(value, "update_time").value_or(c.createdAt);
    c.modelRef = stringField(value, "default_model_slug");
    c.source = "chatgpt";
    if (auto it = value.find("is_archived"); it != value.end() && it->is_boolean()) c.archived = it->get<bool>();

    auto mapping = value.find("mapping");
    if (mapping == value.end() || !mapping->is_object()) {
        problem = place + ".mapping: missing or not an object";
        return false;
    }
    std::unordered_map<std::string, Node> nodes;
    std::vector<std::string> order;  // the file's order, for a stable traversal
    for (auto it = mapping->begin(); it != mapping->end(); ++it) {
        const std::string where = place + ".mapping[\"" + it.key() + "\"]";
        if (!it->is_object()) {
            problem = where + ": expected an object";
            return false;
        }
        Node node;
        node.value = &*it;
        if (auto parent = it->find("parent"); parent != it->end() && !parent->is_null()) {
            if (!parent->is_string()) {
                problem = where + ".parent: expected a node id or null";
                return false;
            }
            node.parent = parent->get<std::string>();
        }
        if (auto children = it->find("children"); children != it->end()) {
            if (!children->is_array()) {
                problem = where + ".children: expected an array";
                return false;
            }
            for (const json& child : *children) {
                if (!child.is_string()) {
                    problem = where + ".children: expected node ids";
                    return false;
                }
                node.children.push_back(child.get<std::string>());
            }
        }
        if (auto message = it->find("message"); message != it->end() && !message->is_null() && !message->is_object()) {
            problem = where + ".message: expected an object or null";
            return false;
        }
        order.push_back(it.key());
        nodes.emplace(it.key(), std::move(node));
    }

    // Depth first from the roots, parents before children, skipping nodes that carry nothing.
    std::unordered_map<std::string, std::string> keptId;  // node id -> our message id of it or its nearest kept ancestor
    std::unordered_set<std::string> visited, usedIds;
    // Iterative, with an explicit stack: long conversations are thousands of nodes deep.
    std::vector<std::pair<std::string, std::string>> pending;  // node id, nearest kept ancestor
    auto visit = [&](const std::string& key, const std::string& keptParent) {
        if (!visited.insert(key).second) return;  // a malformed cycle or a shared child
        auto found = nodes.find(key);
        if (found == nodes.end()) return;
        const json& node = *found->second.value;
        std::string here = keptParent;
        auto message = node.find("message");
        if (message != node.end() && message->is_object()) {
            const json& m = *message;
            std::string role;
            if (auto author = m.find("author"); author != m.end() && author->is_object()) role = stringField(*author, "role");
            bool hidden = false;
            if (auto metadata = m.find("metadata"); metadata != m.end() && metadata->is_object()) {
                auto flag = metadata->find("is_visually_hidden_from_conversation");
                hidden = flag != metadata->end() && flag->is_boolean() && flag->get<bool>();
            }
            std::string text;
            if (auto content = m.find("content"); content != m.end()) text = contentText(*content);
            auto parsedRole = roleFromName(role);
            if (parsedRole && !hidden && !text.empty()) {
                Message kept;
                std::string nodeId = stringField(m, "id");
                if (nodeId.empty()) nodeId = key;
                kept.id = looksLikeUuid(nodeId) && !usedIds.count(nodeId) ? nodeId : newUuid();
                usedIds.insert(kept.id);
                kept.conversationId = c.id;
                kept.parentId = keptParent;
                kept.role = *parsedRole;
                kept.content = text;
                kept.createdAt = secondsToMs(m, "create_time").value_or(c.createdAt);
                if (kept.role == Role::Assistant) {
                    if (auto metadata = m.find("metadata"); metadata != m.end() && metadata->is_object()) {
                        kept.reply.modelFile = stringField(*metadata, "model_slug");
                        if (auto details = metadata->find("finish_details");
                            details != metadata->end() && details->is_object()) {
                            const std::string type = stringField(*details, "type");
                            if (type == "stop") kept.finishReason = FinishReason::Stop;
                            else if (type == "max_tokens") kept.finishReason = FinishReason::Length;
                            else if (type == "interrupted") kept.finishReason = FinishReason::Cancelled;
                        }
                    }
                }
                here = kept.id;
                data.messages.push_back(std::move(kept));
            }
        }
        keptId[key] = here;
        const auto& children = found->second.children;
        for (auto child = children.rbegin(); child != children.rend(); ++child) pending.emplace_back(*child, here);
    };
    size_t roots = 0;
    for (const std::string& key : order) {
        const Node& node = nodes[key];
        if (!node.parent.empty() && nodes.count(node.parent)) continue;
        ++roots;
        pending.emplace_back(key, std::string());
        while (!pending.empty()) {
            auto [next, keptParent] = std::move(pending.back());
            pending.pop_back();
            visit(next, keptParent);
        }
    }

    // Every node naming another as its parent (a cycle) leaves nothing to start from: importing
    // that as an empty conversation would report success and lose every message.
    if (roots == 0 && !nodes.empty()) {
        problem = place + ".mapping: the message tree has no root (every node names a parent, so the parent links "
                          "form a cycle); the file is damaged, nothing was imported";
        return false;
    }

    const std::string current = stringField(value, "current_node");
    if (auto it = keptId.find(current); it != keptId.end() && !it->second.empty()) {
        c.selectedLeafId = it->second;
    } else if (!data.messages.empty()) {
        c.selectedLeafId = data.messages.back().id;
    }
    return true;
}

}  // namespace

Result<ImportReport> importChatGpt(Database& database, std::string_view text, const ImportProgress& progress) {
    auto parsed = detail::parseJsonText(text);
    if (!parsed) return invalid(parsed.error().message);
    if (!parsed->is_array()) return invalid("the top level must be an array of conversations");
    std::vector<ConversationData> conversations;
    std::unordered_set<std::string> ids;
    for (size_t i = 0; i < parsed->size(); ++i) {
        ConversationData data;
        std::string problem;
        if (!readConversation((*parsed)[i], "[" + std::to_string(i) + "]", data, problem)) return invalid(problem);
        if (!ids.insert(data.conversation.id).second) continue;  // the same conversation twice in one file
        conversations.push_back(std::move(data));
    }
    return detail::writeImported(database, conversations, true, progress);
}

}  // namespace confidant::storage
