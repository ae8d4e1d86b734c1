// Our remote client against our own server, in one process, on stories260K: the model list, a
// streamed chat through the chat template with usage, stop sequences, seeds, and the refusals
// (key, unknown model, bad body, size limit, context) as OpenAI-style errors.
#include <gtest/gtest.h>

#include <thread>

#include "chat/chat_template.h"
#include "net/openai_server.h"
#include "net/remote_client.h"
#include "test_data.h"

namespace confidant::net {
namespace {

class ServerTest : public ::testing::Test {
protected:
    void start(ServerOptions options = {}) {
        CONFIDANT_TESTDATA_FILE(path, "models/stories260K.gguf");
        auto model = inference::Model::load(path.string());
        ASSERT_TRUE(model.ok()) << model.error().message;
        auto formatter = inference::chat::ChatFormatter::forModel((*model)->file());
        ASSERT_TRUE(formatter.ok());
        inference::SamplerSettings defaults;
        defaults.seed = 1;
        auto service = ModelService::create("stories260K", *model, inference::createCpuBackend(*model, 1), 256,
                                            std::move(*formatter), defaults);
        ASSERT_TRUE(service.ok()) << service.error().message;
        m_service = std::move(*service);
        options.port = 0;
        options.apiKey = "sk-good";
        m_server = std::make_unique<OpenAiServer>(*m_service, options);
        auto port = m_server->bind();
        ASSERT_TRUE(port.ok()) << port.error().message;
        m_url = "http://127.0.0.1:" + std::to_string(*port) + "/v1";
        m_thread = std::thread([this] { m_server->run(); });
    }
    void TearDown() override {
        if (m_server) m_server->stop();
        if (m_thread.joinable()) m_thread.join();
    }
    RemoteClient client(const std::string& key = "sk-good") const { return RemoteClient(Endpoint{.baseUrl = m_url, .apiKey = key}); }
    CompletionRequest request(uint32_t maxTokens = 40) const {
        CompletionRequest r;
        r.model = "stories260K";
        r.messages = {{"user", "Once upon a time"}};
        r.maxTokens = maxTokens;
        r.temperature = 0.0;
        return r;
    }

    std::unique_ptr<ModelService> m_service;
    std::unique_ptr<OpenAiServer> m_server;
    std::thread m_thread;
    std::string m_url;
};

TEST_F(ServerTest, ListsTheModelAndStreamsAGreedyChatWithUsage) {
    start();
    if (HasFatalFailure() || IsSkipped()) return;
    auto models = client().listModels();
    ASSERT_TRUE(models.ok()) << models.error().message;
    ASSERT_EQ(models->size(), 1u);
    EXPECT_EQ((*models)[0].id, "stories260K");

    std::string streamed;
    const RemoteReply a = client().streamChat(request(), {[&](const std::string& s) { streamed += s; }, nullptr});
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_FALSE(a.content.empty());
    EXPECT_EQ(streamed, a.content);
    EXPECT_EQ(a.finishReason, "length");
    ASSERT_TRUE(a.usage.has_value());
    EXPECT_EQ(a.usage->completionTokens, 40u);
    EXPECT_GT(a.usage->promptTokens, 4u);  // the template's markup around "Once upon a time"
    // Greedy is reproducible, and a second identical request gives the same text (the reused
    // prompt prefix in the cache must not change it).
    const RemoteReply b = client().streamChat(request(), {});
    EXPECT_EQ(b.content, a.content);
}

TEST_F(ServerTest, StopSequencesCutTheReplyAndAreNotSent) {
    start();
    if (HasFatalFailure() || IsSkipped()) return;
    const RemoteReply full = client().streamChat(request(60), {});
    ASSERT_TRUE(full.ok()) << full.error;
    ASSERT_GT(full.content.size(), 12u);
    // A stop sequence from the middle of the greedy reply: the reply ends right before it.
    const std::string stop = full.content.substr(full.content.size() / 2, 3);
    CompletionRequest r = request(60);
    r.stop = {stop};
    const RemoteReply cut = client().streamChat(r, {});
    ASSERT_TRUE(cut.ok()) << cut.error;
    EXPECT_EQ(cut.finishReason, "stop");
    EXPECT_EQ(cut.content, full.content.substr(0, full.content.find(stop)));
}

TEST_F(ServerTest, RefusalsAreOpenAiErrors) {
    start(ServerOptions{.maxBodyBytes = 2048, .limits = {.maxTokens = 100}});
    if (HasFatalFailure() || IsSkipped()) return;
    const RemoteReply wrongKey = client("sk-bad").streamChat(request(), {});
    EXPECT_EQ(wrongKey.failure, RemoteFailure::Unauthorized);
    EXPECT_NE(wrongKey.error.find("not this server's"), std::string::npos) << wrongKey.error;
    const RemoteReply noKey = client("").streamChat(request(), {});
    EXPECT_EQ(noKey.httpStatus, 401);

    CompletionRequest unknown = request();
    unknown.model = "gpt-4";
    const RemoteReply notFound = client().streamChat(unknown, {});
    EXPECT_EQ(notFound.failure, RemoteFailure::NotFound);
    EXPECT_NE(notFound.error.find("'gpt-4' does not exist"), std::string::npos) << notFound.error;

    const RemoteReply tooMany = client().streamChat(request(101), {});
    EXPECT_EQ(tooMany.httpStatus, 400);
    EXPECT_NE(tooMany.error.find("at most 100"), std::string::npos) << tooMany.error;

    CompletionRequest big = request();
    big.messages[0].content = std::string(4000, 'a');
    const RemoteReply tooLarge = client().streamChat(big, {});
    EXPECT_EQ(tooLarge.httpStatus, 413) << tooLarge.error;

    CompletionRequest longPrompt = request();
    longPrompt.messages[0].content.clear();
    for (int i = 0; i < 150; ++i) longPrompt.messages[0].content += "a b ";
    const RemoteReply overflow = client().streamChat(longPrompt, {});
    EXPECT_EQ(overflow.httpStatus, 400);
    EXPECT_NE(overflow.error.find("256-token context"), std::string::npos) << overflow.error;
}

TEST_F(ServerTest, ACancelledClientFreesTheModelForTheNext) {
    start(ServerOptions{.queueLimit = 0});
    if (HasFatalFailure() || IsSkipped()) return;
    std::atomic<bool> cancel{false};
    const RemoteReply stopped = client().streamChat(request(200), {[&](const std::string&) { cancel = true; }, nullptr}, &cancel);
    EXPECT_EQ(stopped.failure, RemoteFailure::Cancelled);
    EXPECT_FALSE(stopped.content.empty());
    // With no queue at all, the next request is only accepted once the abandoned one has ended:
    // the server must notice the closed connection (429s until then, never a hang).
    RemoteReply next;
    for (int attempt = 0; attempt < 200; ++attempt) {
        next = client().streamChat(request(5), {});
        if (next.failure != RemoteFailure::RateLimited) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(next.ok()) << next.error;
}

}  // namespace
}  // namespace confidant::net
