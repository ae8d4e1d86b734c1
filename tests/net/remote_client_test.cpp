// The remote client against scripted servers replaying the byte streams of vLLM, llama.cpp's
// server and Ollama (shapes from their documentation and source), split into small pieces, and
// through every failure: unreachable, TLS, 401/403, 404, 429/503 with Retry-After, connect and
// between-chunk timeouts, a stream cut mid-reply, an error inside the stream, cancellation.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "net/remote_client.h"
#include "scripted_server.h"

namespace confidant::net {
namespace {

using testing::chunked;
using testing::responseHead;
using testing::Script;
using testing::ScriptedServer;
using testing::splitSmall;

CompletionRequest hello(const std::string& model = "m") {
    CompletionRequest r;
    r.model = model;
    r.messages = {{"user", "Hello"}};
    r.maxTokens = 16;
    return r;
}

std::string sse(const std::string& eol, const std::vector<std::string>& datas) {
    std::string out;
    for (const auto& d : datas) out += (d.front() == ':' ? d : "data: " + d) + eol + eol;
    return out;
}

// vLLM 0.6+ (OpenAI-compatible server): role chunk, deltas with "reasoning" (reasoning parsers),
// "usage": null on each chunk when include_usage is set, a usage-only chunk, [DONE].
const std::vector<std::string> k_vllm = {
    R"({"id":"chatcmpl-b4f","object":"chat.completion.chunk","created":1730000000,"model":"meta-llama/Llama-3.1-405B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null})",
    R"({"id":"chatcmpl-b4f","object":"chat.completion.chunk","created":1730000000,"model":"meta-llama/Llama-3.1-405B-Instruct","choices":[{"index":0,"delta":{"reasoning":"The user greets. "},"logprobs":null,"finish_reason":null}],"usage":null})",
    R"({"id":"chatcmpl-b4f","object":"chat.completion.chunk","created":1730000000,"model":"meta-llama/Llama-3.1-405B-Instruct","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null})",
    R"({"id":"chatcmpl-b4f","object":"chat.completion.chunk","created":1730000000,"model":"meta-llama/Llama-3.1-405B-Instruct","choices":[{"index":0,"delta":{"content":" — 日本"},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":null})",
    R"({"id":"chatcmpl-b4f","object":"chat.completion.chunk","created":1730000000,"model":"meta-llama/Llama-3.1-405B-Instruct","choices":[],"usage":{"prompt_tokens":12,"total_tokens":17,"completion_tokens":5}})",
    "[DONE]"};

// llama.cpp's server (tools/server): "reasoning_content", content null beside it, finish chunk
// with empty delta, then a usage chunk with "timings", [DONE].
const std::vector<std::string> k_llamaCpp = {
    R"({"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1730000001,"id":"chatcmpl-Xq2","model":"gpt-3.5-turbo","system_fingerprint":"b4600-8a1d","object":"chat.completion.chunk"})",
    R"({"choices":[{"finish_reason":null,"index":0,"delta":{"reasoning_content":"Think."}}],"created":1730000001,"id":"chatcmpl-Xq2","model":"gpt-3.5-turbo","system_fingerprint":"b4600-8a1d","object":"chat.completion.chunk"})",
    R"({"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hello"}}],"created":1730000001,"id":"chatcmpl-Xq2","model":"gpt-3.5-turbo","system_fingerprint":"b4600-8a1d","object":"chat.completion.chunk"})",
    R"({"choices":[{"finish_reason":null,"index":0,"delta":{"content":" — 日本"}}],"created":1730000001,"id":"chatcmpl-Xq2","model":"gpt-3.5-turbo","system_fingerprint":"b4600-8a1d","object":"chat.completion.chunk"})",
    R"({"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1730000001,"id":"chatcmpl-Xq2","model":"gpt-3.5-turbo","system_fingerprint":"b4600-8a1d","object":"chat.completion.chunk"})",
    R"({"choices":[],"created":1730000001,"id":"chatcmpl-Xq2","model":"gpt-3.5-turbo","system_fingerprint":"b4600-8a1d","object":"chat.completion.chunk","usage":{"completion_tokens":5,"prompt_tokens":12,"total_tokens":17},"timings":{"prompt_n":12,"prompt_ms":30.1,"predicted_n":5,"predicted_ms":80.2}})",
    "[DONE]"};

// Ollama's /v1 compatibility layer: "reasoning" for thinking models, system_fingerprint
// "fp_ollama", a usage chunk when include_usage is set, [DONE].
const std::vector<std::string> k_ollama = {
    R"({"id":"chatcmpl-612","object":"chat.completion.chunk","created":1730000002,"model":"llama3.1:405b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Think."},"finish_reason":null}]})",
    R"({"id":"chatcmpl-612","object":"chat.completion.chunk","created":1730000002,"model":"llama3.1:405b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]})",
    R"({"id":"chatcmpl-612","object":"chat.completion.chunk","created":1730000002,"model":"llama3.1:405b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":" — 日本"},"finish_reason":"stop"}]})",
    R"({"id":"chatcmpl-612","object":"chat.completion.chunk","created":1730000002,"model":"llama3.1:405b","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}})",
    "[DONE]"};

RemoteReply replay(const std::vector<std::string>& pieces, Endpoint endpoint = {}, bool hang = false,
                   const std::atomic<bool>* cancel = nullptr, StreamCallbacks callbacks = {}) {
    ScriptedServer server(Script{pieces, hang});
    endpoint.baseUrl = server.baseUrl();
    RemoteClient client(endpoint);
    RemoteReply reply = client.streamChat(hello(), callbacks, cancel);
    server.stop();
    return reply;
}

std::vector<std::string> withHead(std::vector<std::string> body, int status = 200,
                                  const std::string& type = "text/event-stream", const std::vector<std::string>& headers = {}) {
    body.insert(body.begin(), responseHead(status, type, headers));
    return body;
}

TEST(RemoteClient, ReadsTheStreamsOfVllmLlamaCppAndOllamaCutIntoSmallPieces) {
    struct Case { const char* name; std::vector<std::string> datas; std::string thinking; };
    const Case cases[] = {{"vLLM", k_vllm, "The user greets. "}, {"llama.cpp", k_llamaCpp, "Think."},
                          {"Ollama", k_ollama, "Think."}};
    for (const auto& c : cases)
        for (const std::string eol : {"\n", "\r\n"})
            for (bool chunkedEncoding : {false, true}) {
                std::string body = sse(eol, c.datas);
                body.insert(0, ": keep-alive" + eol + eol);  // as SGLang and proxies send
                std::vector<std::string> pieces = splitSmall(body);
                if (chunkedEncoding) pieces = chunked(pieces);
                std::string content;
                StreamCallbacks callbacks{[&](const std::string& s) { content += s; }, nullptr};
                const RemoteReply r = replay(withHead(pieces, 200, "text/event-stream",
                                                      chunkedEncoding ? std::vector<std::string>{"Transfer-Encoding: chunked"}
                                                                      : std::vector<std::string>{}),
                                             {}, false, nullptr, callbacks);
                SCOPED_TRACE(std::string(c.name) + (eol.size() == 2 ? " CRLF" : " LF") + (chunkedEncoding ? " chunked" : ""));
                ASSERT_TRUE(r.ok()) << r.error;
                EXPECT_EQ(r.content, "Hello — 日本");
                EXPECT_EQ(content, r.content);
                EXPECT_EQ(r.thinking, c.thinking);
                EXPECT_EQ(r.finishReason, "stop");
                ASSERT_TRUE(r.usage.has_value());
                EXPECT_EQ(r.usage->promptTokens, 12u);
                EXPECT_EQ(r.usage->completionTokens, 5u);
            }
}

TEST(RemoteClient, SendsAStreamedRequestWithUsageAndTheKey) {
    ScriptedServer server(Script{withHead({sse("\n", k_vllm)})});
    RemoteClient client(Endpoint{.baseUrl = "http://127.0.0.1:" + std::to_string(server.port()), .apiKey = "sk-test",
                                 .headers = {"X-Extra: 1"}});
    const RemoteReply r = client.streamChat(hello("llama"), {});
    ASSERT_TRUE(r.ok()) << r.error;
    const std::string request = server.lastRequest();
    EXPECT_EQ(request.rfind("POST /v1/chat/completions HTTP/1.1\r\n", 0), 0u) << request;
    EXPECT_NE(request.find("Authorization: Bearer sk-test\r\n"), std::string::npos);
    EXPECT_NE(request.find("X-Extra: 1\r\n"), std::string::npos);
    const auto body = nlohmann::json::parse(request.substr(request.find("\r\n\r\n") + 4));
    EXPECT_EQ(body["model"], "llama");
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["stream_options"]["include_usage"], true);
    EXPECT_EQ(body["max_tokens"], 16);
    EXPECT_EQ(body["messages"][0]["content"], "Hello");
}

TEST(RemoteClient, AStreamCutMidReplyKeepsThePartialText) {
    std::string body = sse("\n", {k_vllm[0], k_vllm[2]});
    body += "data: {\"choices\":[{\"delta\":{\"content\":\" wor";  // the connection drops mid-event
    // Without a length (the body ends at close) and with a chunked body that never terminates.
    const RemoteReply closed = replay(withHead({body}));
    EXPECT_EQ(closed.failure, RemoteFailure::Interrupted) << closed.error;
    EXPECT_EQ(closed.content, "Hello");
    EXPECT_NE(closed.error.find("kept"), std::string::npos) << closed.error;
    const RemoteReply cut = replay(withHead(chunked({body}, false), 200, "text/event-stream", {"Transfer-Encoding: chunked"}));
    EXPECT_EQ(cut.failure, RemoteFailure::Interrupted) << cut.error;
    EXPECT_EQ(cut.content, "Hello");
}

TEST(RemoteClient, AnErrorInsideTheStreamStopsWithWhatArrived) {
    const RemoteReply r = replay(withHead({sse("\n", {k_ollama[1], R"({"error":{"message":"model runner has unexpectedly stopped","type":"api_error","param":null,"code":null}})"})}));
    EXPECT_EQ(r.failure, RemoteFailure::ServerError);
    EXPECT_NE(r.error.find("model runner has unexpectedly stopped"), std::string::npos) << r.error;
    EXPECT_EQ(r.content, "Hello");
}

TEST(RemoteClient, HttpErrorsSayWhatToDo) {
    struct Case { int status; std::vector<std::string> headers; std::string body; RemoteFailure failure; std::string says; };
    const Case cases[] = {
        {401, {}, R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}})",
         RemoteFailure::Unauthorized, "API key"},
        {403, {}, R"({"detail":"Forbidden"})", RemoteFailure::Unauthorized, "Forbidden"},
        {404, {}, R"({"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","code":404})",
         RemoteFailure::NotFound, "does not exist"},
        {429, {"Retry-After: 7"}, R"({"error":{"message":"Rate limit reached"}})", RemoteFailure::RateLimited, "retry after 7 s"},
        {503, {"Retry-After: Wed, 21 Oct 2015 07:28:00 GMT"}, "Service Unavailable", RemoteFailure::Unavailable, "503"},
        {500, {}, "<html>boom</html>", RemoteFailure::Http, "boom"},
    };
    for (const auto& c : cases) {
        const RemoteReply r = replay({responseHead(c.status, "application/json", c.headers), c.body});
        SCOPED_TRACE(c.status);
        EXPECT_EQ(r.failure, c.failure) << r.error;
        EXPECT_EQ(r.httpStatus, c.status);
        EXPECT_NE(r.error.find(c.says), std::string::npos) << r.error;
        if (c.status == 429) EXPECT_EQ(r.retryAfterSeconds, 7.0);
        if (c.status == 503) EXPECT_EQ(r.retryAfterSeconds, 0.0);  // a date in the past: retry now
    }
}

TEST(RemoteClient, UnreachableAndTlsFailuresAreTold) {
    // A port nobody listens on.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    RemoteClient closed(Endpoint{.baseUrl = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))});
    EXPECT_EQ(closed.streamChat(hello(), {}).failure, RemoteFailure::Unreachable);
    RemoteFailure failure{};
    EXPECT_FALSE(closed.listModels(&failure).ok());
    EXPECT_EQ(failure, RemoteFailure::Unreachable);

    // https:// to a server that speaks plain HTTP: the handshake fails.
    ScriptedServer plain(Script{{"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"}, false, true});
    RemoteClient tls(Endpoint{.baseUrl = "https://127.0.0.1:" + std::to_string(plain.port())});
    const RemoteReply r = tls.streamChat(hello(), {});
    EXPECT_EQ(r.failure, RemoteFailure::Tls) << r.error;
}

TEST(RemoteClient, ConnectAndBetweenChunkTimeouts) {
    // A listener whose accept queue is full: the next connection's SYN goes unanswered.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 0), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    std::vector<int> fillers;
    for (int i = 0; i < 3; ++i) {
        const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        fillers.push_back(c);
    }
    RemoteClient slow(Endpoint{.baseUrl = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)),
                               .connectTimeoutSeconds = 0.3});
    const RemoteReply connect = slow.streamChat(hello(), {});
    EXPECT_EQ(connect.failure, RemoteFailure::Timeout) << connect.error;
    for (int c : fillers) ::close(c);
    ::close(fd);

    // The server answers, sends a little, then goes silent.
    const RemoteReply idle = replay(withHead({sse("\n", {k_vllm[0], k_vllm[2]})}), Endpoint{.idleTimeoutSeconds = 0.3}, true);
    EXPECT_EQ(idle.failure, RemoteFailure::Timeout) << idle.error;
    EXPECT_EQ(idle.content, "Hello");
    EXPECT_NE(idle.error.find("kept"), std::string::npos) << idle.error;
}

TEST(RemoteClient, CancellationReturnsAtOnceWithThePartialReply) {
    std::atomic<bool> cancel{false};
    StreamCallbacks callbacks{[&](const std::string&) { cancel = true; }, nullptr};
    // The server would stay silent for the whole (default, 120 s) idle timeout: only cancel ends it.
    const RemoteReply r = replay(withHead({sse("\n", {k_vllm[0], k_vllm[2]})}), {}, true, &cancel, callbacks);
    EXPECT_EQ(r.failure, RemoteFailure::Cancelled);
    EXPECT_EQ(r.content, "Hello");
}

TEST(RemoteClient, AServerThatIgnoresStreamingIsReadToo) {
    const RemoteReply r = replay(withHead({R"({"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Whole","reasoning_content":"hm"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}})"},
                                          200, "application/json"));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.content, "Whole");
    EXPECT_EQ(r.thinking, "hm");
    EXPECT_EQ(r.finishReason, "length");
}

TEST(RemoteClient, NotTheWireFormatIsAProtocolError) {
    const RemoteReply r = replay(withHead({"data: <html>\n\n"}));
    EXPECT_EQ(r.failure, RemoteFailure::Protocol) << r.error;
}

TEST(RemoteClient, ListsModelsWithTheirContextWhereReported) {
    ScriptedServer server(Script{withHead({R"({"object":"list","data":[{"id":"meta-llama/Llama-3.1-405B-Instruct","object":"model","owned_by":"vllm","max_model_len":131072}]})"},
                                          200, "application/json")});
    RemoteClient client(Endpoint{.baseUrl = server.baseUrl(), .apiKey = "k"});
    auto models = client.listModels();
    ASSERT_TRUE(models.ok()) << models.error().message;
    ASSERT_EQ(models->size(), 1u);
    EXPECT_EQ((*models)[0].id, "meta-llama/Llama-3.1-405B-Instruct");
    EXPECT_EQ((*models)[0].contextLength, 131072u);
    EXPECT_EQ(server.lastRequest().rfind("GET /v1/models HTTP/1.1", 0), 0u);
}

}  // namespace
}  // namespace confidant::net
