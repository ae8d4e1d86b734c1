// See openai_server.h. Every answer, errors included, is JSON in the OpenAI shape; a streamed
// reply is generated inside httplib's content provider, so that a failed write (the client went
// away) stops the generation at the next token.
#include "net/openai_server.h"

#include <chrono>
#include <cstdio>

#include <httplib.h>

namespace confidant::net {

namespace {

void sendError(httplib::Response& res, const ApiError& error) {
    res.status = error.httpStatus;
    res.set_content(apiErrorJson(error), "application/json");
}

// Compares without an early exit, so the time taken says nothing about how much of a guess was right.
bool sameSecret(const std::string& a, const std::string& b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
    return diff == 0 && !b.empty();
}

int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string sseData(const std::string& json) { return "data: " + json + "\n\n"; }

}  // namespace

OpenAiServer::OpenAiServer(ModelService& service, ServerOptions options)
    : m_service(service), m_options(std::move(options)), m_queue(m_options.queueLimit),
      m_http(std::make_unique<httplib::Server>()), m_startedAt(unixNow()) {
    // Enough threads that a request over the queue limit is answered 429 at once instead of
    // waiting for a thread; a few more for /health and /v1/models while the queue is full.
    const size_t threads = m_options.queueLimit + 1 + 8;
    m_http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_http->set_payload_max_length(m_options.maxBodyBytes);
    m_http->set_keep_alive_timeout(5);
    m_http->set_read_timeout(30);
    m_http->set_write_timeout(30);
    setUpRoutes();
}

OpenAiServer::~OpenAiServer() { stop(); }

Result<int> OpenAiServer::bind() {
    if (m_options.apiKey.empty()) return makeError("the server needs an API key");
    int port = m_options.port;
    if (port == 0) {
        port = m_http->bind_to_any_port(m_options.host);
        if (port < 0) return makeError("cannot listen on " + m_options.host + ": no free port");
    } else if (!m_http->bind_to_port(m_options.host, port)) {
        return makeError("cannot listen on " + m_options.host + ":" + std::to_string(port) +
                         " (in use, or not an address of this machine); choose another with --port or --host");
    }
    return port;
}

void OpenAiServer::run() { m_http->listen_after_bind(); }

void OpenAiServer::stop() {
    if (m_http) m_http->stop();
}

void OpenAiServer::setUpRoutes() {
    using httplib::Request;
    using httplib::Response;
    using Handled = httplib::Server::HandlerResponse;

    m_http->set_pre_routing_handler([this](const Request& req, Response& res) {
        if (!m_options.allowedOrigin.empty() && req.has_header("Origin")) {
            const std::string origin = req.get_header_value("Origin");
            if (m_options.allowedOrigin == "*" || origin == m_options.allowedOrigin) {
                res.set_header("Access-Control-Allow-Origin", m_options.allowedOrigin == "*" ? "*" : origin);
                res.set_header("Vary", "Origin");
                if (req.method == "OPTIONS") {
                    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
                    res.set_header("Access-Control-Max-Age", "600");
                    res.status = 204;
                    return Handled::Handled;
                }
            }
        }
        if (req.path == "/health") return Handled::Unhandled;  // no secrets in it; monitors need it
        const std::string auth = req.get_header_value("Authorization");
        const std::string prefix = "Bearer ";
        if (auth.rfind(prefix, 0) != 0 || !sameSecret(auth.substr(prefix.size()), m_options.apiKey)) {
            res.set_header("WWW-Authenticate", "Bearer");
            sendError(res, {401, "invalid_request_error",
                            auth.empty() ? "no API key: send the header 'Authorization: Bearer KEY' with the key serve printed"
                                         : "the API key is not this server's: use the key serve printed (or CONFIDANT_API_KEY)",
                            "", "invalid_api_key"});
            return Handled::Handled;
        }
        return Handled::Unhandled;
    });

    m_http->set_error_handler(httplib::Server::HandlerWithResponse([this](const Request& req, Response& res) {
        if (!res.body.empty()) return Handled::Unhandled;
        if (res.status == 413)
            sendError(res, {413, "invalid_request_error",
                            "the request body is over this server's limit of " + std::to_string(m_options.maxBodyBytes) +
                                " bytes",
                            "", "request_too_large"});
        else if (res.status == 404)
            sendError(res, {404, "invalid_request_error", "no such endpoint: " + req.method + " " + req.path +
                                                              " (this server has /v1/models, /v1/chat/completions, "
                                                              "/v1/completions and /health)",
                            "", "unknown_url"});
        else
            sendError(res, {res.status, "invalid_request_error", "the request could not be served (HTTP " +
                                                                     std::to_string(res.status) + ")", "", ""});
        return Handled::Handled;
    }));
    m_http->set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
        sendError(res, {500, "server_error", "internal error while serving the request", "", ""});
    });

    // Requests running or waiting, so that a monitor (and the tests) can see the model is free.
    m_http->Get("/health", [this](const Request&, Response& res) {
        res.set_content("{\"status\":\"ok\",\"requests_in_flight\":" + std::to_string(m_queue.inFlight()) + "}",
                        "application/json");
    });
    m_http->Get("/v1/models", [this](const Request&, Response& res) {
        res.set_content(modelListJson({m_service.name()}, m_startedAt), "application/json");
    });
    const auto completions = [this](bool chat) {
        return [this, chat](const Request& req, Response& res) {
            auto parsed = parseCompletionRequest(req.body, chat, m_options.limits);
            if (auto* e = std::get_if<ApiError>(&parsed)) return sendError(res, *e);
            auto request = std::make_shared<CompletionRequest>(std::move(std::get<CompletionRequest>(parsed)));
            if (request->model != m_service.name())
                return sendError(res, {404, "invalid_request_error",
                                       "the model '" + request->model + "' does not exist here; this server has '" +
                                           m_service.name() + "' (see GET /v1/models)",
                                       "model", "model_not_found"});
            auto prepared = m_service.prepare(*request, chat);
            if (auto* e = std::get_if<ApiError>(&prepared)) return sendError(res, *e);
            auto ids = std::make_shared<std::vector<inference::TokenId>>(std::move(std::get<0>(prepared)));

            std::shared_ptr<RequestQueue::Place> place = m_queue.enter();
            if (!place) {
                res.set_header("Retry-After", std::to_string(m_options.retryAfterSeconds));
                return sendError(res, {429, "rate_limit_exceeded",
                                       "the server is busy: " + std::to_string(m_options.queueLimit) +
                                           " requests are already waiting for the model; retry after " +
                                           std::to_string(m_options.retryAfterSeconds) + " s",
                                       "", "queue_full"});
            }
            ReplyIds replyIds{std::string(chat ? "chatcmpl-" : "cmpl-") + std::to_string(m_startedAt) + "-" +
                                  std::to_string(m_nextId++),
                              m_service.name(), unixNow()};
            if (!request->stream) {
                place->waitTurn();
                auto done = m_service.complete(*request, *ids, [](const std::string&) { return true; });
                place.reset();
                if (auto* e = std::get_if<ApiError>(&done)) return sendError(res, *e);
                const Completion& c = std::get<Completion>(done);
                res.set_content(chat ? chatCompletionJson(replyIds, c.text, c.finishReason, c.usage)
                                     : textCompletionJson(replyIds, c.text, c.finishReason, c.usage),
                                "application/json");
                return;
            }
            res.set_header("Cache-Control", "no-cache");
            res.set_header("X-Accel-Buffering", "no");
            res.set_chunked_content_provider(
                "text/event-stream", [this, chat, request, ids, place, replyIds](size_t, httplib::DataSink& sink) mutable {
                    const auto write = [&sink](const std::string& text) {
                        return sink.is_writable() && sink.write(text.data(), text.size());
                    };
                    place->waitTurn();
                    const bool usage = request->includeUsage;
                    bool alive = !chat || write(sseData(chatChunkJson(replyIds, "assistant", "", std::nullopt, usage)));
                    std::variant<Completion, ApiError> done = ApiError{};
                    if (alive)
                        done = m_service.complete(*request, *ids, [&](const std::string& text) {
                            return alive = write(sseData(chat ? chatChunkJson(replyIds, std::nullopt, text, std::nullopt, usage)
                                                              : textChunkJson(replyIds, text, std::nullopt, usage)));
                        });
                    if (alive) {
                        if (auto* e = std::get_if<ApiError>(&done)) {
                            write(sseData(apiErrorJson(*e)));
                        } else {
                            const Completion& c = std::get<Completion>(done);
                            alive = write(sseData(chat ? chatChunkJson(replyIds, std::nullopt, "", c.finishReason, usage)
                                                       : textChunkJson(replyIds, "", c.finishReason, usage)));
                            if (alive && usage) alive = write(sseData(usageChunkJson(replyIds, chat, c.usage)));
                        }
                        if (alive) write("data: [DONE]\n\n");
                    }
                    place.reset();  // the next request may run while this connection closes
                    sink.done();
                    return alive;
                });
        };
    };
    m_http->Post("/v1/chat/completions", completions(true));
    m_http->Post("/v1/completions", completions(false));
}

}  // namespace confidant::net
