// A client for a remote OpenAI-compatible engine (vLLM, SGLang, llama.cpp's server, Ollama, a
// hosted provider): lists its models and streams a chat reply, keeping reasoning text apart from
// the answer and the partial reply when anything fails. Built on libcurl: TLS verified against
// the system's certificates, proxies from the environment (http_proxy, https_proxy, no_proxy).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/openai_wire.h"

namespace confidant::net {

struct Endpoint {
    std::string baseUrl;               // e.g. "http://gpu-box:8000/v1" ("/v1" added when missing)
    std::string apiKey;                // sent as a bearer token when not empty
    std::vector<std::string> headers;  // extra "Name: value" headers
    double connectTimeoutSeconds = 10.0;
    double idleTimeoutSeconds = 120.0;  // longest silence between two chunks (prefill included)
};

enum class RemoteFailure {
    None,
    Unreachable,   // DNS, refused, no route
    Tls,           // certificate or handshake
    Unauthorized,  // 401 / 403: the API key
    NotFound,      // 404: the model or the URL
    RateLimited,   // 429
    Unavailable,   // 503
    Http,          // any other HTTP error status
    Timeout,       // connect, or between chunks
    Interrupted,   // the stream ended before the reply did
    ServerError,   // an error object inside the stream
    Protocol,      // something that is not the OpenAI wire format
    Cancelled,
};
const char* remoteFailureName(RemoteFailure failure);

struct RemoteReply {
    std::string content;
    std::string thinking;
    std::string finishReason;      // "stop", "length", ... (empty when the reply did not finish)
    std::optional<Usage> usage;    // from the usage chunk, when the server sends one
    double timeToFirstToken = 0;   // seconds from the request to the first content or thinking
    double seconds = 0;            // the whole request
    RemoteFailure failure = RemoteFailure::None;
    std::string error;             // what went wrong and what to do, when failure != None
    int httpStatus = 0;
    std::optional<double> retryAfterSeconds;  // from Retry-After on 429 / 503

    bool ok() const { return failure == RemoteFailure::None; }
};

struct StreamCallbacks {
    std::function<void(const std::string&)> onContent;
    std::function<void(const std::string&)> onThinking;
};

class RemoteClient {
public:
    explicit RemoteClient(Endpoint endpoint);

    // GET /v1/models. On failure, `failure` says which kind.
    Result<std::vector<RemoteModel>> listModels(RemoteFailure* failure = nullptr) const;

    // POST /v1/chat/completions with stream: true and stream_options.include_usage. Returns as soon
    // as `cancel` becomes true (checked every few milliseconds), with what had arrived.
    RemoteReply streamChat(const CompletionRequest& request, const StreamCallbacks& callbacks,
                           const std::atomic<bool>* cancel = nullptr) const;

    const Endpoint& endpoint() const { return m_endpoint; }

private:
    std::string url(const std::string& path) const;
    Endpoint m_endpoint;
};

}  // namespace confidant::net
