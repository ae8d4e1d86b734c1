// The local OpenAI-compatible server (`confidant-cli serve`): GET /health, GET /v1/models,
// POST /v1/chat/completions and POST /v1/completions over one ModelService, behind a bearer
// token, on loopback unless told otherwise. Built on cpp-httplib.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "net/model_service.h"
#include "net/openai_wire.h"
#include "net/request_queue.h"

namespace httplib {
class Server;
}

namespace confidant::net {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 8080;                    // 0: any free port (see OpenAiServer::bind)
    std::string apiKey;                 // required; requests without it get 401
    std::string allowedOrigin;          // CORS for this origin only ("*" for any); empty: no CORS
    size_t maxBodyBytes = 1u << 20;     // larger bodies get 413
    size_t queueLimit = 4;              // requests waiting behind the running one; more get 429
    int retryAfterSeconds = 1;          // the Retry-After of a 429
    RequestLimits limits;
};

class OpenAiServer {
public:
    OpenAiServer(ModelService& service, ServerOptions options);
    ~OpenAiServer();

    // Binds the address; returns the port (the chosen one when options.port is 0).
    Result<int> bind();
    // Serves until stop(); call after bind().
    void run();
    void stop();

private:
    void setUpRoutes();
    ModelService& m_service;
    ServerOptions m_options;
    RequestQueue m_queue;
    std::unique_ptr<httplib::Server> m_http;
    int64_t m_startedAt = 0;
    std::atomic<uint64_t> m_nextId{0};
};

}  // namespace confidant::net
