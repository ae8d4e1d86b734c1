// See remote_client.h. One libcurl "multi" loop per request so that cancellation and the
// between-chunk timeout are checked every few milliseconds instead of once per second.
#include "net/remote_client.h"

#include <chrono>
#include <cstring>
#include <mutex>

#include <curl/curl.h>

#include "net/sse_parser.h"

namespace confidant::net {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t k_maxErrorBody = 64 * 1024;
constexpr size_t k_maxJsonBody = 64u << 20;

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::optional<double> parseRetryAfter(std::string value) {
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    if (value.empty()) return std::nullopt;
    if (value.find_first_not_of("0123456789") == std::string::npos) {
        if (value.size() > 9) return std::nullopt;
        return double(std::stol(value));
    }
    const time_t when = curl_getdate(value.c_str(), nullptr);  // an HTTP date
    if (when < 0) return std::nullopt;
    const double delta = double(when - std::time(nullptr));
    return delta > 0 ? delta : 0.0;
}

// One HTTP exchange: the headers we read, the error body of a failed status, and the body of a
// successful one handed to `onBody` as it arrives.
struct Exchange {
    CURL* easy = nullptr;
    long status = 0;
    std::string contentType;
    std::optional<double> retryAfter;
    std::string errorBody;
    std::function<bool(std::string_view)> onBody;  // false aborts the transfer
    const std::atomic<bool>* cancel = nullptr;
    Clock::time_point lastData = Clock::now();

    static size_t header(char* data, size_t size, size_t count, void* self) {
        auto* x = static_cast<Exchange*>(self);
        std::string line(data, size * count);
        if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a 100 Continue, say)
            x->contentType.clear();
            x->retryAfter.reset();
        }
        const size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
            if (name == "content-type") x->contentType = value;
            if (name == "retry-after") x->retryAfter = parseRetryAfter(value);
        }
        return size * count;
    }

    static size_t write(char* data, size_t size, size_t count, void* self) {
        auto* x = static_cast<Exchange*>(self);
        const size_t n = size * count;
        x->lastData = Clock::now();
        if (x->cancel && x->cancel->load()) return 0;
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
        if (x->status >= 300) {
            if (x->errorBody.size() < k_maxErrorBody) x->errorBody.append(data, std::min(n, k_maxErrorBody - x->errorBody.size()));
            return n;
        }
        return x->onBody(std::string_view(data, n)) ? n : 0;
    }
};

struct Outcome {
    CURLcode code = CURLE_OK;
    bool cancelled = false;
    bool idleTimeout = false;
    std::string curlMessage;
};

Outcome perform(Exchange& x, double idleTimeoutSeconds) {
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(x.easy, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(x.easy, CURLOPT_HEADERFUNCTION, &Exchange::header);
    curl_easy_setopt(x.easy, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(x.easy, CURLOPT_WRITEFUNCTION, &Exchange::write);
    curl_easy_setopt(x.easy, CURLOPT_WRITEDATA, &x);
    CURLM* multi = curl_multi_init();
    curl_multi_add_handle(multi, x.easy);
    Outcome outcome;
    x.lastData = Clock::now();
    int running = 1;
    while (running) {
        if (curl_multi_perform(multi, &running) != CURLM_OK) break;
        if (!running) break;
        if (x.cancel && x.cancel->load()) {
            outcome.cancelled = true;
            break;
        }
        if (secondsSince(x.lastData) > idleTimeoutSeconds) {
            outcome.idleTimeout = true;
            break;
        }
        curl_multi_poll(multi, nullptr, 0, 10, nullptr);
    }
    if (!outcome.cancelled && !outcome.idleTimeout) {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left))
            if (msg->msg == CURLMSG_DONE) outcome.code = msg->data.result;
        if (x.cancel && x.cancel->load()) outcome.cancelled = true;
    }
    curl_easy_getinfo(x.easy, CURLINFO_RESPONSE_CODE, &x.status);
    outcome.curlMessage = errorBuffer[0] ? errorBuffer : curl_easy_strerror(outcome.code);
    curl_multi_remove_handle(multi, x.easy);
    curl_multi_cleanup(multi);
    return outcome;
}

// Transport failures, from curl's result.
RemoteFailure transportFailure(CURLcode code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return RemoteFailure::Unreachable;
    case CURLE_OPERATION_TIMEDOUT:
        return RemoteFailure::Timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return RemoteFailure::Tls;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
        return RemoteFailure::Interrupted;
    default:
        return RemoteFailure::Protocol;
    }
}

RemoteFailure statusFailure(long status) {
    if (status == 401 || status == 403) return RemoteFailure::Unauthorized;
    if (status == 404) return RemoteFailure::NotFound;
    if (status == 429) return RemoteFailure::RateLimited;
    if (status == 503) return RemoteFailure::Unavailable;
    return RemoteFailure::Http;
}

std::string statusAdvice(long status, const std::string& serverMessage, const std::optional<double>& retryAfter) {
    std::string advice;
    if (status == 401 || status == 403) advice = "check the endpoint's API key";
    else if (status == 404) advice = "check the model name (see its model list) and the base URL";
    else if (status == 429 || status == 503) {
        advice = retryAfter ? "the server asks to retry after " + std::to_string(long(*retryAfter)) + " s"
                            : "the server is busy; retry later";
    }
    std::string text = "the server answered HTTP " + std::to_string(status);
    if (!serverMessage.empty()) text += ": " + serverMessage;
    if (!advice.empty()) text += " (" + advice + ")";
    return text;
}

struct Headers {
    curl_slist* list = nullptr;
    ~Headers() { curl_slist_free_all(list); }
    void add(const std::string& h) { list = curl_slist_append(list, h.c_str()); }
};

CURL* newEasy(const Endpoint& endpoint, const std::string& url, Headers& headers) {
    initCurlOnce();
    CURL* easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    // Only HTTP(S), no redirects: the key must never follow a redirect to another host.
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(endpoint.connectTimeoutSeconds * 1000));
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "Confidant");
    if (!endpoint.apiKey.empty()) headers.add("Authorization: Bearer " + endpoint.apiKey);
    for (const auto& h : endpoint.headers) headers.add(h);
    return easy;
}

}  // namespace

const char* remoteFailureName(RemoteFailure failure) {
    switch (failure) {
    case RemoteFailure::None: return "none";
    case RemoteFailure::Unreachable: return "unreachable";
    case RemoteFailure::Tls: return "tls";
    case RemoteFailure::Unauthorized: return "unauthorized";
    case RemoteFailure::NotFound: return "not-found";
    case RemoteFailure::RateLimited: return "rate-limited";
    case RemoteFailure::Unavailable: return "unavailable";
    case RemoteFailure::Http: return "http";
    case RemoteFailure::Timeout: return "timeout";
    case RemoteFailure::Interrupted: return "interrupted";
    case RemoteFailure::ServerError: return "server-error";
    case RemoteFailure::Protocol: return "protocol";
    case RemoteFailure::Cancelled: return "cancelled";
    }
    return "?";
}

RemoteClient::RemoteClient(Endpoint endpoint) : m_endpoint(std::move(endpoint)) {
    while (!m_endpoint.baseUrl.empty() && m_endpoint.baseUrl.back() == '/') m_endpoint.baseUrl.pop_back();
    // A bare scheme://host[:port] gets the conventional /v1; a URL with a path is taken as given
    // (providers mount the API under other prefixes).
    const size_t scheme = m_endpoint.baseUrl.find("://");
    if (scheme != std::string::npos && m_endpoint.baseUrl.find('/', scheme + 3) == std::string::npos)
        m_endpoint.baseUrl += "/v1";
}

std::string RemoteClient::url(const std::string& path) const { return m_endpoint.baseUrl + path; }

Result<std::vector<RemoteModel>> RemoteClient::listModels(RemoteFailure* failure) const {
    Headers headers;
    Exchange x;
    x.easy = newEasy(m_endpoint, url("/models"), headers);
    curl_easy_setopt(x.easy, CURLOPT_HTTPHEADER, headers.list);
    std::string body;
    bool tooLarge = false;
    x.onBody = [&](std::string_view data) {
        if (body.size() + data.size() > k_maxJsonBody) return !(tooLarge = true);
        body.append(data);
        return true;
    };
    const Outcome outcome = perform(x, m_endpoint.idleTimeoutSeconds);
    curl_easy_cleanup(x.easy);
    const auto failed = [&](RemoteFailure f, std::string message) -> Result<std::vector<RemoteModel>> {
        if (failure) *failure = f;
        return makeError(m_endpoint.baseUrl + ": " + message);
    };
    if (outcome.idleTimeout) return failed(RemoteFailure::Timeout, "no answer within the timeout");
    if (tooLarge) return failed(RemoteFailure::Protocol, "the model list is over 64 MiB");
    if (outcome.code != CURLE_OK) return failed(transportFailure(outcome.code), outcome.curlMessage);
    if (x.status >= 300) return failed(statusFailure(x.status), statusAdvice(x.status, errorMessageFromBody(x.errorBody), x.retryAfter));
    auto models = parseModelList(body);
    if (!models) return failed(RemoteFailure::Protocol, models.error().message);
    if (failure) *failure = RemoteFailure::None;
    return models;
}

RemoteReply RemoteClient::streamChat(const CompletionRequest& request, const StreamCallbacks& callbacks,
                                     const std::atomic<bool>* cancel) const {
    const auto start = Clock::now();
    RemoteReply reply;
    Headers headers;
    headers.add("Content-Type: application/json");
    headers.add("Accept: text/event-stream");
    Exchange x;
    x.cancel = cancel;
    x.easy = newEasy(m_endpoint, url("/chat/completions"), headers);
    curl_easy_setopt(x.easy, CURLOPT_HTTPHEADER, headers.list);
    const std::string body = chatRequestJson(request);
    curl_easy_setopt(x.easy, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(x.easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));

    SseParser parser;
    std::vector<SseEvent> events;
    std::string jsonBody;  // a server that ignored stream: true and sent one JSON reply
    bool done = false;
    bool gotAny = false;
    const auto fail = [&](RemoteFailure f, std::string message) {
        if (reply.failure == RemoteFailure::None) {
            reply.failure = f;
            reply.error = std::move(message);
        }
    };
    const auto take = [&](const ChunkDelta& d) {
        if (d.error) {
            fail(RemoteFailure::ServerError, "the server reported an error mid-reply: " + *d.error);
            return false;
        }
        if ((!d.content.empty() || !d.thinking.empty()) && !gotAny) {
            gotAny = true;
            reply.timeToFirstToken = secondsSince(start);
        }
        if (!d.thinking.empty()) {
            reply.thinking += d.thinking;
            if (callbacks.onThinking) callbacks.onThinking(d.thinking);
        }
        if (!d.content.empty()) {
            reply.content += d.content;
            if (callbacks.onContent) callbacks.onContent(d.content);
        }
        if (d.finishReason) reply.finishReason = *d.finishReason;
        if (d.usage) reply.usage = d.usage;
        return true;
    };
    x.onBody = [&](std::string_view data) {
        if (x.contentType.find("application/json") != std::string::npos) {
            if (jsonBody.size() + data.size() > k_maxJsonBody) {
                fail(RemoteFailure::Protocol, "the server's reply is over 64 MiB");
                return false;
            }
            jsonBody.append(data);
            return true;
        }
        events.clear();
        if (auto fed = parser.feed(data, events); !fed) {
            fail(RemoteFailure::Protocol, fed.error().message);
            return false;
        }
        for (const auto& e : events) {
            if (done) break;
            if (e.data == "[DONE]") {
                done = true;
                break;
            }
            if (e.event == "error") {
                fail(RemoteFailure::ServerError, "the server reported an error mid-reply: " + errorMessageFromBody(e.data));
                return false;
            }
            auto d = parseChatChunk(e.data);
            if (!d) {
                fail(RemoteFailure::Protocol, d.error().message);
                return false;
            }
            if (!take(*d)) return false;
        }
        return true;
    };
    const Outcome outcome = perform(x, m_endpoint.idleTimeoutSeconds);
    curl_easy_cleanup(x.easy);
    reply.httpStatus = int(x.status);
    reply.seconds = secondsSince(start);
    const std::string kept = reply.content.empty() ? "" : " (the " + std::to_string(reply.content.size()) +
                                                              " bytes of reply received are kept)";

    if (outcome.cancelled) fail(RemoteFailure::Cancelled, "stopped");
    else if (outcome.idleTimeout)
        fail(RemoteFailure::Timeout, "the server sent nothing for " + std::to_string(int(m_endpoint.idleTimeoutSeconds)) +
                                         " s" + kept);
    else if (x.status >= 300) {
        reply.retryAfterSeconds = x.retryAfter;
        fail(statusFailure(x.status), statusAdvice(x.status, errorMessageFromBody(x.errorBody), x.retryAfter));
    } else if (outcome.code != CURLE_OK && reply.failure == RemoteFailure::None) {
        RemoteFailure f = transportFailure(outcome.code);
        if (f == RemoteFailure::Interrupted && !gotAny && reply.finishReason.empty() && x.status == 0)
            f = RemoteFailure::Unreachable;
        if (f == RemoteFailure::Timeout && x.status == 0) fail(f, "could not connect within the connect timeout: " + outcome.curlMessage);
        else if (f == RemoteFailure::Interrupted) fail(f, "the connection was cut mid-reply: " + outcome.curlMessage + kept);
        else fail(f, outcome.curlMessage);
    } else if (reply.failure == RemoteFailure::None) {
        if (!jsonBody.empty()) {
            auto d = parseChatCompletion(jsonBody);
            if (!d) fail(RemoteFailure::Protocol, d.error().message);
            else take(*d);
        } else if (!done && reply.finishReason.empty()) {
            fail(RemoteFailure::Interrupted, "the stream ended before the reply was complete" + kept);
        }
    }
    return reply;
}

}  // namespace confidant::net
