// See openai_wire.h. Parsing never throws out of here: nlohmann::json's exceptions become errors.
#include "net/openai_wire.h"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace confidant::net {

using nlohmann::json;

namespace {

ApiError badField(std::string param, std::string message) {
    return ApiError{400, "invalid_request_error", std::move(message), std::move(param), ""};
}

const char* typeName(const json& v) {
    switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "a number";
    }
}

// Message content is a string, or an array of parts of which only text parts are supported.
std::optional<std::string> contentText(const json& content, std::string& problem) {
    if (content.is_null()) return std::string();
    if (content.is_string()) return content.get<std::string>();
    if (!content.is_array()) {
        problem = std::string("must be a string or an array of text parts, not ") + typeName(content);
        return std::nullopt;
    }
    std::string text;
    for (const auto& part : content) {
        if (!part.is_object() || !part.contains("type") || part["type"] != "text" || !part.contains("text") ||
            !part["text"].is_string()) {
            problem = "has a part that is not {\"type\": \"text\", \"text\": \"...\"}: only text is supported";
            return std::nullopt;
        }
        text += part["text"].get<std::string>();
    }
    return text;
}

std::optional<ApiError> readNumber(const json& body, const char* name, double min, double max,
                                   std::optional<double>& out) {
    if (!body.contains(name) || body[name].is_null()) return std::nullopt;
    const json& v = body[name];
    if (!v.is_number()) return badField(name, std::string("'") + name + "' must be a number, not " + typeName(v));
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < min || d > max)
        return badField(name, std::string("'") + name + "' must be between " + json(min).dump() + " and " +
                                  json(max).dump());
    out = d;
    return std::nullopt;
}

std::variant<CompletionRequest, ApiError> parseBody(const json& body, bool chat, const RequestLimits& limits) {
    if (!body.is_object()) return badField("", std::string("the request body must be a JSON object, not ") + typeName(body));
    CompletionRequest r;
    if (!body.contains("model") || !body["model"].is_string())
        return badField("model", "'model' is required and must be a string (see GET /v1/models)");
    r.model = body["model"].get<std::string>();

    if (chat) {
        if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty())
            return badField("messages", "'messages' is required and must be a non-empty array");
        if (body["messages"].size() > limits.maxMessages)
            return badField("messages", "'messages' has " + std::to_string(body["messages"].size()) +
                                            " entries; at most " + std::to_string(limits.maxMessages) + " are accepted");
        size_t index = 0;
        for (const auto& m : body["messages"]) {
            const std::string where = "messages[" + std::to_string(index++) + "]";
            if (!m.is_object()) return badField(where, where + " must be an object");
            if (!m.contains("role") || !m["role"].is_string()) return badField(where + ".role", where + ".role must be a string");
            const std::string role = m["role"].get<std::string>();
            if (role != "system" && role != "user" && role != "assistant" && role != "developer" && role != "tool")
                return badField(where + ".role", where + ".role '" + role +
                                                     "' is not one of system, developer, user, assistant, tool");
            std::string problem;
            auto text = contentText(m.contains("content") ? m["content"] : json(), problem);
            if (!text) return badField(where + ".content", where + ".content " + problem);
            r.messages.push_back({role == "developer" ? "system" : role, std::move(*text)});
        }
    } else {
        if (!body.contains("prompt")) return badField("prompt", "'prompt' is required");
        const json& p = body["prompt"];
        if (p.is_string()) r.prompt = p.get<std::string>();
        else if (p.is_array() && p.size() == 1 && p[0].is_string()) r.prompt = p[0].get<std::string>();
        else return badField("prompt", "'prompt' must be a string (or an array of one string)");
    }

    for (const char* name : {"max_tokens", "max_completion_tokens"}) {
        if (!body.contains(name) || body[name].is_null()) continue;
        const json& v = body[name];
        if (!v.is_number_integer() || v.get<int64_t>() < 1)
            return badField(name, std::string("'") + name + "' must be a positive integer");
        if (v.get<int64_t>() > int64_t(limits.maxTokens))
            return badField(name, std::string("'") + name + "' is " + v.dump() + "; this server allows at most " +
                                      std::to_string(limits.maxTokens));
        r.maxTokens = uint32_t(v.get<int64_t>());
    }
    if (auto e = readNumber(body, "temperature", 0.0, 2.0, r.temperature)) return *e;
    if (auto e = readNumber(body, "top_p", 0.0, 1.0, r.topP)) return *e;
    if (body.contains("seed") && !body["seed"].is_null()) {
        if (!body["seed"].is_number_integer()) return badField("seed", "'seed' must be an integer");
        r.seed = body["seed"].is_number_unsigned() ? body["seed"].get<uint64_t>() : uint64_t(body["seed"].get<int64_t>());
    }
    if (body.contains("n") && !body["n"].is_null() && body["n"] != 1)
        return badField("n", "'n' must be 1: this server generates one choice per request");
    if (body.contains("stop") && !body["stop"].is_null()) {
        const json& s = body["stop"];
        if (s.is_string()) r.stop.push_back(s.get<std::string>());
        else if (s.is_array()) {
            for (const auto& e : s) {
                if (!e.is_string()) return badField("stop", "'stop' must be a string or an array of strings");
                r.stop.push_back(e.get<std::string>());
            }
        } else return badField("stop", "'stop' must be a string or an array of strings");
        if (r.stop.size() > limits.maxStopSequences)
            return badField("stop", "'stop' has " + std::to_string(r.stop.size()) + " sequences; at most " +
                                        std::to_string(limits.maxStopSequences) + " are accepted");
        for (const auto& s2 : r.stop)
            if (s2.empty()) return badField("stop", "'stop' sequences must not be empty");
    }
    if (body.contains("stream") && !body["stream"].is_null()) {
        if (!body["stream"].is_boolean()) return badField("stream", "'stream' must be a boolean");
        r.stream = body["stream"].get<bool>();
    }
    if (body.contains("stream_options") && !body["stream_options"].is_null()) {
        const json& o = body["stream_options"];
        if (!o.is_object()) return badField("stream_options", "'stream_options' must be an object");
        if (!r.stream) return badField("stream_options", "'stream_options' is only allowed when 'stream' is true");
        if (o.contains("include_usage")) {
            if (!o["include_usage"].is_boolean())
                return badField("stream_options.include_usage", "'stream_options.include_usage' must be a boolean");
            r.includeUsage = o["include_usage"].get<bool>();
        }
    }
    return r;
}

json idsJson(const ReplyIds& ids, const char* object) {
    return json{{"id", ids.id}, {"object", object}, {"created", ids.created}, {"model", ids.model}};
}

json usageJson(const Usage& u) {
    return json{{"prompt_tokens", u.promptTokens},
                {"completion_tokens", u.completionTokens},
                {"total_tokens", u.promptTokens + u.completionTokens}};
}

json finishJson(const std::optional<std::string>& reason) { return reason ? json(*reason) : json(nullptr); }

std::optional<Usage> readUsage(const json& j) {
    if (!j.contains("usage") || !j["usage"].is_object()) return std::nullopt;
    const json& u = j["usage"];
    Usage usage;
    if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_unsigned()) usage.promptTokens = u["prompt_tokens"].get<uint64_t>();
    if (u.contains("completion_tokens") && u["completion_tokens"].is_number_unsigned())
        usage.completionTokens = u["completion_tokens"].get<uint64_t>();
    return usage;
}

std::string stringField(const json& j, const char* name) {
    return j.is_object() && j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
}

std::optional<std::string> errorText(const json& j) {
    if (!j.is_object() || !j.contains("error")) return std::nullopt;
    const json& e = j["error"];
    if (e.is_string()) return e.get<std::string>();
    if (e.is_object()) {
        std::string m = stringField(e, "message");
        return m.empty() ? e.dump() : m;
    }
    return e.dump();
}

}  // namespace

std::string apiErrorJson(const ApiError& error) {
    json e{{"message", error.message}, {"type", error.type}, {"param", nullptr}, {"code", nullptr}};
    if (!error.param.empty()) e["param"] = error.param;
    if (!error.code.empty()) e["code"] = error.code;
    return json{{"error", e}}.dump();
}

std::variant<CompletionRequest, ApiError> parseCompletionRequest(std::string_view body, bool chat,
                                                                 const RequestLimits& limits) {
    json parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        return ApiError{400, "invalid_request_error", "the request body is not valid JSON", "", ""};
    try {
        return parseBody(parsed, chat, limits);
    } catch (const json::exception& e) {
        return ApiError{400, "invalid_request_error", std::string("unusable request: ") + e.what(), "", ""};
    }
}

std::string chatRequestJson(const CompletionRequest& request) {
    json messages = json::array();
    for (const auto& m : request.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
    json body{{"model", request.model}, {"messages", messages}, {"stream", true},
              {"stream_options", {{"include_usage", true}}}};
    if (request.maxTokens) body["max_tokens"] = *request.maxTokens;
    if (request.temperature) body["temperature"] = *request.temperature;
    if (request.topP) body["top_p"] = *request.topP;
    if (request.seed) body["seed"] = *request.seed;
    if (!request.stop.empty()) body["stop"] = request.stop;
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string chatCompletionJson(const ReplyIds& ids, const std::string& content, const std::string& finishReason,
                               const Usage& usage) {
    json j = idsJson(ids, "chat.completion");
    j["choices"] = json::array({{{"index", 0},
                                 {"message", {{"role", "assistant"}, {"content", content}}},
                                 {"finish_reason", finishReason}}});
    j["usage"] = usageJson(usage);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string textCompletionJson(const ReplyIds& ids, const std::string& text, const std::string& finishReason,
                               const Usage& usage) {
    json j = idsJson(ids, "text_completion");
    j["choices"] = json::array({{{"index", 0}, {"text", text}, {"logprobs", nullptr}, {"finish_reason", finishReason}}});
    j["usage"] = usageJson(usage);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string chatChunkJson(const ReplyIds& ids, const std::optional<std::string>& role, const std::string& content,
                          const std::optional<std::string>& finishReason, bool usageNull) {
    json delta = json::object();
    if (role) {
        delta["role"] = *role;
        delta["content"] = "";
    } else if (!content.empty()) {
        delta["content"] = content;
    }
    json j = idsJson(ids, "chat.completion.chunk");
    j["choices"] = json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finishJson(finishReason)}}});
    if (usageNull) j["usage"] = nullptr;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string textChunkJson(const ReplyIds& ids, const std::string& text, const std::optional<std::string>& finishReason,
                          bool usageNull) {
    json j = idsJson(ids, "text_completion");
    j["choices"] = json::array({{{"index", 0}, {"text", text}, {"logprobs", nullptr}, {"finish_reason", finishJson(finishReason)}}});
    if (usageNull) j["usage"] = nullptr;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string usageChunkJson(const ReplyIds& ids, bool chat, const Usage& usage) {
    json j = idsJson(ids, chat ? "chat.completion.chunk" : "text_completion");
    j["choices"] = json::array();
    j["usage"] = usageJson(usage);
    return j.dump();
}

std::string modelListJson(const std::vector<std::string>& models, int64_t created) {
    json data = json::array();
    for (const auto& m : models) data.push_back({{"id", m}, {"object", "model"}, {"created", created}, {"owned_by", "confidant"}});
    return json{{"object", "list"}, {"data", data}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ChunkDelta> parseChatChunk(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return makeError("the server sent a stream chunk that is not a JSON object: " + std::string(text.substr(0, 200)));
    try {
        ChunkDelta d;
        d.error = errorText(j);
        if (d.error) return d;
        d.usage = readUsage(j);
        if (j.contains("choices") && j["choices"].is_array() && !j["choices"].empty()) {
            const json& c = j["choices"][0];
            if (c.is_object()) {
                if (c.contains("delta") && c["delta"].is_object()) {
                    const json& delta = c["delta"];
                    d.content = stringField(delta, "content");
                    d.thinking = stringField(delta, "reasoning_content");
                    if (d.thinking.empty()) d.thinking = stringField(delta, "reasoning");
                }
                if (c.contains("finish_reason") && c["finish_reason"].is_string())
                    d.finishReason = c["finish_reason"].get<std::string>();
            }
        }
        return d;
    } catch (const json::exception& e) {
        return makeError(std::string("the server sent an unusable stream chunk: ") + e.what());
    }
}

Result<ChunkDelta> parseChatCompletion(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return makeError("the server's reply is not a JSON object: " + std::string(text.substr(0, 200)));
    try {
        ChunkDelta d;
        d.error = errorText(j);
        if (d.error) return d;
        d.usage = readUsage(j);
        if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty())
            return makeError("the server's reply has no choices");
        const json& c = j["choices"][0];
        if (c.contains("message") && c["message"].is_object()) {
            d.content = stringField(c["message"], "content");
            d.thinking = stringField(c["message"], "reasoning_content");
            if (d.thinking.empty()) d.thinking = stringField(c["message"], "reasoning");
        }
        if (c.contains("finish_reason") && c["finish_reason"].is_string()) d.finishReason = c["finish_reason"].get<std::string>();
        return d;
    } catch (const json::exception& e) {
        return makeError(std::string("the server's reply is unusable: ") + e.what());
    }
}

std::string errorMessageFromBody(std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (!j.is_discarded()) {
        try {
            if (auto e = errorText(j)) return *e;
            if (j.is_object() && j.contains("detail")) return j["detail"].is_string() ? j["detail"].get<std::string>() : j["detail"].dump();
            if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
        } catch (const json::exception&) {
        }
    }
    std::string cut(body.substr(0, 300));
    while (!cut.empty() && (cut.back() == '\n' || cut.back() == '\r')) cut.pop_back();
    return cut;
}

Result<std::vector<RemoteModel>> parseModelList(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("data") || !j["data"].is_array())
        return makeError("the server's model list is not {\"data\": [...]}: " + std::string(text.substr(0, 200)));
    std::vector<RemoteModel> models;
    for (const auto& m : j["data"]) {
        if (!m.is_object() || !m.contains("id") || !m["id"].is_string()) continue;
        RemoteModel model{m["id"].get<std::string>(), stringField(m, "owned_by"), std::nullopt};
        for (const char* key : {"max_model_len", "context_length", "context_window", "max_context_length"})
            if (m.contains(key) && m[key].is_number_unsigned()) {
                model.contextLength = m[key].get<uint64_t>();
                break;
            }
        if (!model.contextLength && m.contains("meta") && m["meta"].is_object() && m["meta"].contains("n_ctx_train") &&
            m["meta"]["n_ctx_train"].is_number_unsigned())
            model.contextLength = m["meta"]["n_ctx_train"].get<uint64_t>();  // llama.cpp's server
        models.push_back(std::move(model));
    }
    return models;
}

}  // namespace confidant::net
