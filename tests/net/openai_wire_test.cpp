// The wire format: requests refused with the field named, replies and chunks as OpenAI writes them,
// the reasoning fields of vLLM/Ollama and llama.cpp, stop sequences across tokens, the queue.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "net/model_service.h"
#include "net/openai_wire.h"
#include "net/request_queue.h"
#include "net/stop_sequences.h"

namespace confidant::net {
namespace {

using nlohmann::json;

ApiError refused(const std::string& body, bool chat = true) {
    auto r = parseCompletionRequest(body, chat, RequestLimits{.maxTokens = 100});
    EXPECT_TRUE(std::holds_alternative<ApiError>(r)) << body;
    return std::holds_alternative<ApiError>(r) ? std::get<ApiError>(r) : ApiError{};
}

TEST(OpenAiWire, ParsesAFullChatRequest) {
    auto r = parseCompletionRequest(
        R"({"model":"m","messages":[{"role":"developer","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi "},{"type":"text","text":"there"}]}],
            "max_tokens":5,"temperature":0.5,"top_p":0.9,"seed":42,"stop":["\n","END"],"stream":true,"stream_options":{"include_usage":true}})",
        true, {});
    ASSERT_TRUE(std::holds_alternative<CompletionRequest>(r));
    const auto& c = std::get<CompletionRequest>(r);
    EXPECT_EQ(c.model, "m");
    ASSERT_EQ(c.messages.size(), 2u);
    EXPECT_EQ(c.messages[0].role, "system");
    EXPECT_EQ(c.messages[1].content, "hi there");
    EXPECT_EQ(c.maxTokens, 5u);
    EXPECT_DOUBLE_EQ(*c.temperature, 0.5);
    EXPECT_EQ(c.seed, 42u);
    EXPECT_EQ(c.stop, (std::vector<std::string>{"\n", "END"}));
    EXPECT_TRUE(c.stream);
    EXPECT_TRUE(c.includeUsage);
}

TEST(OpenAiWire, RefusesBadRequestsNamingTheField) {
    EXPECT_EQ(refused("{not json").message, "the request body is not valid JSON");
    EXPECT_EQ(refused("[1,2]").param, "");
    EXPECT_EQ(refused(R"({"messages":[]})").param, "model");
    EXPECT_EQ(refused(R"({"model":"m"})").param, "messages");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})").param, "messages[0].role");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":7}]})").param, "messages[0].content");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]})").param,
              "messages[0].content");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":"5"})").param, "max_tokens");
    const ApiError tooMany = refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":101})");
    EXPECT_EQ(tooMany.param, "max_tokens");
    EXPECT_NE(tooMany.message.find("at most 100"), std::string::npos);
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":3})").param, "temperature");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"top_p":"high"})").param, "top_p");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":[1]})").param, "stop");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]})").param, "stop");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"})").param, "stream");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":2})").param, "n");
    EXPECT_EQ(refused(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}})").param,
              "stream_options");
    EXPECT_EQ(refused(R"({"model":"m"})", false).param, "prompt");
    // The error object is OpenAI's shape.
    const json e = json::parse(apiErrorJson(refused(R"({"model":5})")));
    EXPECT_EQ(e["error"]["type"], "invalid_request_error");
    EXPECT_EQ(e["error"]["param"], "model");
    EXPECT_TRUE(e["error"]["code"].is_null());
}

TEST(OpenAiWire, ChunksAndRepliesHaveOpenAisShape) {
    const ReplyIds ids{"chatcmpl-1", "stories", 1700000000};
    json first = json::parse(chatChunkJson(ids, "assistant", "", std::nullopt, true));
    EXPECT_EQ(first["object"], "chat.completion.chunk");
    EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
    EXPECT_TRUE(first["choices"][0]["finish_reason"].is_null());
    EXPECT_TRUE(first.contains("usage") && first["usage"].is_null());
    json last = json::parse(chatChunkJson(ids, std::nullopt, "", "length", false));
    EXPECT_EQ(last["choices"][0]["finish_reason"], "length");
    EXPECT_FALSE(last.contains("usage"));
    json usage = json::parse(usageChunkJson(ids, true, {7, 3}));
    EXPECT_TRUE(usage["choices"].empty());
    EXPECT_EQ(usage["usage"]["total_tokens"], 10);
    json full = json::parse(chatCompletionJson(ids, "hi", "stop", {4, 1}));
    EXPECT_EQ(full["choices"][0]["message"]["content"], "hi");
    EXPECT_EQ(full["usage"]["prompt_tokens"], 4);
    // A lone byte of a broken character must not make an invalid JSON document.
    EXPECT_NO_THROW(json::parse(chatChunkJson(ids, std::nullopt, "\xE6\x97", std::nullopt, false)));
}

TEST(OpenAiWire, ReadsReasoningFromBothFieldNames) {
    auto vllm = parseChatChunk(R"({"choices":[{"index":0,"delta":{"reasoning":"hmm"},"finish_reason":null}]})");
    ASSERT_TRUE(vllm.ok());
    EXPECT_EQ(vllm->thinking, "hmm");
    EXPECT_EQ(vllm->content, "");
    auto llama = parseChatChunk(R"({"choices":[{"index":0,"delta":{"reasoning_content":"so","content":null}}]})");
    ASSERT_TRUE(llama.ok());
    EXPECT_EQ(llama->thinking, "so");
    auto error = parseChatChunk(R"({"error":{"message":"out of memory","type":"server_error"}})");
    ASSERT_TRUE(error.ok());
    EXPECT_EQ(error->error, "out of memory");
    EXPECT_FALSE(parseChatChunk("not json").ok());
    EXPECT_FALSE(parseChatChunk("[1]").ok());
    auto models = parseModelList(R"({"object":"list","data":[{"id":"a","max_model_len":32768},{"id":"b","meta":{"n_ctx_train":4096}},{"x":1}]})");
    ASSERT_TRUE(models.ok());
    ASSERT_EQ(models->size(), 2u);
    EXPECT_EQ((*models)[0].contextLength, 32768u);
    EXPECT_EQ((*models)[1].contextLength, 4096u);
    EXPECT_EQ(errorMessageFromBody(R"({"detail":"Not Found"})"), "Not Found");
    EXPECT_EQ(errorMessageFromBody(R"({"error":"model 'x' not found"})"), "model 'x' not found");
}

TEST(StopSequences, AStopSequenceAcrossPiecesIsNeverSent) {
    StopSequenceFilter f({"END", "\n\n"});
    std::string sent;
    for (const char* piece : {"Hello E", "N", "ough", " and E", "ND more"}) sent += f.push(piece);
    EXPECT_TRUE(f.stopped());
    sent += f.flush();
    EXPECT_EQ(sent, "Hello ENough and ");
    StopSequenceFilter g({"xyz"});
    std::string all = g.push("abcx");
    all += g.push("y");
    EXPECT_EQ(all, "abc");
    all += g.flush();
    EXPECT_EQ(all, "abcxy");
    EXPECT_FALSE(g.stopped());
}

TEST(Utf8, CompleteLengthHoldsBackAnUnfinishedCharacter) {
    EXPECT_EQ(completeUtf8Length("ab"), 2u);
    EXPECT_EQ(completeUtf8Length("a\xE6\x97"), 1u);
    EXPECT_EQ(completeUtf8Length("a\xE6\x97\xA5"), 4u);
    EXPECT_EQ(completeUtf8Length("\xF0\x9F\x98"), 0u);
    EXPECT_EQ(completeUtf8Length("\xC3\xA9"), 2u);
}

TEST(RequestQueue, OneRunsMaxWaitingWaitAndTheRestAreRefused) {
    RequestQueue queue(2);
    auto a = queue.enter();
    auto b = queue.enter();
    auto c = queue.enter();
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(queue.enter(), nullptr);
    EXPECT_EQ(queue.inFlight(), 3u);
    a->waitTurn();  // first in: runs at once
    b.reset();      // gave up while waiting
    a.reset();      // finished: c is next (b's turn is skipped)
    c->waitTurn();
    auto d = queue.enter();
    ASSERT_TRUE(d);
    c.reset();
    d->waitTurn();
    EXPECT_EQ(queue.inFlight(), 1u);
}

}  // namespace
}  // namespace confidant::net
