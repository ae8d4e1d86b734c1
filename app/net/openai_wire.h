// The OpenAI chat-completions wire format, both ways: the server parses requests and writes
// replies and stream chunks; the remote client writes requests and reads replies and chunks as
// vLLM, llama.cpp's server, Ollama and hosted providers send them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "chat/chat_template.h"
#include "result.h"

namespace confidant::net {

using inference::chat::ChatMessage;

// An error in the OpenAI shape: {"error": {"message", "type", "param", "code"}}.
struct ApiError {
    int httpStatus = 400;
    std::string type = "invalid_request_error";
    std::string message;
    std::string param;  // the offending field, or empty
    std::string code;   // e.g. "model_not_found", or empty
};
std::string apiErrorJson(const ApiError& error);

struct Usage {
    uint64_t promptTokens = 0;
    uint64_t completionTokens = 0;
};

// POST /v1/chat/completions and /v1/completions (prompt instead of messages).
struct CompletionRequest {
    std::string model;
    std::vector<ChatMessage> messages;  // chat
    std::string prompt;                 // completions
    std::optional<uint32_t> maxTokens;
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<uint64_t> seed;
    std::vector<std::string> stop;
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage
};

struct RequestLimits {
    uint32_t maxTokens = 4096;      // a larger max_tokens is refused, not silently cut
    size_t maxMessages = 4096;
    size_t maxStopSequences = 4;    // as OpenAI
};

// Parses a request body; every failure is an ApiError naming the field and what is wrong.
// `chat` chooses between chat completions (messages) and completions (prompt).
std::variant<CompletionRequest, ApiError> parseCompletionRequest(std::string_view body, bool chat,
                                                                 const RequestLimits& limits);

// The client's request body (always streamed, usage included).
std::string chatRequestJson(const CompletionRequest& request);

// Server replies.
struct ReplyIds {
    std::string id;       // "chatcmpl-..." or "cmpl-..."
    std::string model;
    int64_t created = 0;  // Unix seconds
};
std::string chatCompletionJson(const ReplyIds& ids, const std::string& content, const std::string& finishReason,
                               const Usage& usage);
std::string textCompletionJson(const ReplyIds& ids, const std::string& text, const std::string& finishReason,
                               const Usage& usage);
// One chunk of a streamed chat reply: a role-only first chunk (role set), a content delta, or the
// final chunk (finishReason set). `usage` adds "usage": null to every chunk, as OpenAI does when
// include_usage is set.
std::string chatChunkJson(const ReplyIds& ids, const std::optional<std::string>& role, const std::string& content,
                          const std::optional<std::string>& finishReason, bool usageNull);
std::string textChunkJson(const ReplyIds& ids, const std::string& text, const std::optional<std::string>& finishReason,
                          bool usageNull);
// The usage-only last chunk (empty choices), chat or text.
std::string usageChunkJson(const ReplyIds& ids, bool chat, const Usage& usage);
std::string modelListJson(const std::vector<std::string>& models, int64_t created);

// What the client reads from one stream chunk (or from a whole non-streamed reply).
struct ChunkDelta {
    std::string content;
    std::string thinking;  // delta.reasoning (vLLM, Ollama) or delta.reasoning_content (llama.cpp)
    std::optional<std::string> finishReason;
    std::optional<Usage> usage;
    std::optional<std::string> error;  // an error object inside the stream
};
Result<ChunkDelta> parseChatChunk(std::string_view json);
Result<ChunkDelta> parseChatCompletion(std::string_view json);  // a non-streamed reply
// The message of an error body ({"error": {...}}, {"error": "..."}, {"detail": ...}), or the
// body itself, cut short.
std::string errorMessageFromBody(std::string_view body);

struct RemoteModel {
    std::string id;
    std::string ownedBy;
    std::optional<uint64_t> contextLength;  // where the server reports one (vLLM: max_model_len)
};
Result<std::vector<RemoteModel>> parseModelList(std::string_view json);

}  // namespace confidant::net
