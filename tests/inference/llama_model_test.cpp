// The llama forward pass on the CPU reference backend: stories260K reproduces llama2.c's golden
// greedy output byte for byte, sessions reuse and truncate their cache correctly, and broken
// model files are refused with messages that name the problem.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "backend.h"
#include "generator.h"
#include "gguf_writer.h"
#include "model.h"
#include "session.h"
#include "test_data.h"

namespace confidant::inference {
namespace {

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::vector<TokenId> readIds(const std::filesystem::path& path) {
    std::istringstream in(readFile(path));
    std::vector<TokenId> ids;
    long long id;
    while (in >> id) ids.push_back(TokenId(id));
    return ids;
}

class StoriesModel : public ::testing::Test {
protected:
    void SetUp() override {
        CONFIDANT_TESTDATA_FILE(path, "models/stories260K.gguf");
        auto loaded = Model::load(path.string());
        ASSERT_TRUE(loaded) << loaded.error().message;
        model = *loaded;
        backend = createReferenceBackend(model, 2);
    }

    std::vector<TokenId> greedy(Session& session, std::vector<TokenId> prompt, uint32_t n) {
        Sampler sampler(SamplerSettings{.temperature = 0.0f});
        std::vector<TokenId> out;
        auto stats = generate(session, sampler, {.prompt = prompt, .maxTokens = n, .onToken = [&](TokenId id) {
                                                     out.push_back(id);
                                                     return true;
                                                 }});
        EXPECT_TRUE(stats) << stats.error().message;
        return out;
    }

    std::shared_ptr<const Model> model;
    std::unique_ptr<Backend> backend;
};

TEST_F(StoriesModel, ConfigMatchesTheFile) {
    const ModelConfig& c = model->config();
    EXPECT_EQ(c.architecture, "llama");
    EXPECT_EQ(c.embeddingLength, 64u);
    EXPECT_EQ(c.blockCount, 5u);
    EXPECT_EQ(c.headCount, 8u);
    EXPECT_EQ(c.headCountKv, 4u);
    EXPECT_EQ(c.feedForwardLength, 172u);
    EXPECT_EQ(c.vocabSize, 512u);
    ASSERT_NE(model->weights().output, nullptr);
    EXPECT_EQ(model->weights().output->name, "output.weight");
}

TEST_F(StoriesModel, GreedyReproducesLlama2cGoldenOutput) {
    CONFIDANT_TESTDATA_FILE(textPath, "models/stories260K.greedy-200.txt");
    CONFIDANT_TESTDATA_FILE(idsPath, "models/stories260K.greedy-200.ids");
    auto session = Session::create(model, *backend, 512);
    ASSERT_TRUE(session);
    const auto ids = greedy(*session, {model->tokenizer().vocabulary().bos}, 200);
    EXPECT_EQ(ids, readIds(idsPath));
    std::string text;
    TokenId previous = model->tokenizer().vocabulary().bos;
    for (TokenId id : ids) {
        text += model->tokenizer().tokenText(id, previous);
        previous = id;
    }
    EXPECT_EQ(text, readFile(textPath));
}

TEST_F(StoriesModel, BatchedPromptGivesTheSameLogitsAsOneTokenAtATime) {
    const auto prompt = model->tokenizer().encode("Once upon a time, there was a little dog", {.addBos = true});
    ASSERT_GT(prompt.size(), 8u);
    auto batched = Session::create(model, *backend, 128, 64);
    auto single = Session::create(model, *backend, 128, 1);
    ASSERT_TRUE(batched && single);
    ASSERT_TRUE(batched->feed(prompt));
    ASSERT_TRUE(single->feed(prompt));
    double maxDiff = 0;
    for (size_t i = 0; i < batched->logits().size(); ++i)
        maxDiff = std::max(maxDiff, double(std::abs(batched->logits()[i] - single->logits()[i])));
    EXPECT_LT(maxDiff, 1e-4);
}

TEST_F(StoriesModel, TruncatingReusesThePrefix) {
    const auto prompt = model->tokenizer().encode("Lily and Tom went to the park", {.addBos = true});
    auto session = Session::create(model, *backend, 256);
    ASSERT_TRUE(session);
    const auto first = greedy(*session, prompt, 20);
    // Continuing from the same prompt after a reply reuses all but the last prompt token.
    Sampler sampler(SamplerSettings{.temperature = 0.0f});
    std::vector<TokenId> again;
    auto stats = generate(*session, sampler, {.prompt = prompt, .maxTokens = 20, .onToken = [&](TokenId id) {
                                                  again.push_back(id);
                                                  return true;
                                              }});
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->reusedPromptTokens, prompt.size() - 1);
    EXPECT_EQ(again, first);
    // A fresh session gives the same continuation.
    auto fresh = Session::create(model, *backend, 256);
    ASSERT_TRUE(fresh);
    EXPECT_EQ(greedy(*fresh, prompt, 20), first);
}

TEST_F(StoriesModel, StopsAtTheContextLimitAndOnCancel) {
    auto session = Session::create(model, *backend, 16);
    ASSERT_TRUE(session);
    Sampler sampler(SamplerSettings{.temperature = 0.0f});
    const std::vector<TokenId> bos{1};
    auto full = generate(*session, sampler, {.prompt = bos, .maxTokens = 100});
    ASSERT_TRUE(full);
    EXPECT_EQ(full->finishReason, FinishReason::ContextFull);
    EXPECT_EQ(session->position(), 16u);

    std::atomic<bool> cancel{false};
    session->reset();
    uint32_t seen = 0;
    auto cancelled = generate(*session, sampler, {.prompt = bos, .maxTokens = 100, .onToken = [&](TokenId) {
                                                      if (++seen == 3) cancel = true;
                                                      return true;
                                                  },
                                                  .cancel = &cancel});
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->finishReason, FinishReason::Cancelled);
    EXPECT_EQ(cancelled->generatedTokens, 3u);

    auto overflow = session->feed(std::vector<TokenId>(17, 5));
    ASSERT_FALSE(overflow);
    EXPECT_NE(overflow.error().message.find("context window holds 16"), std::string::npos);
}

TEST_F(StoriesModel, SeededSamplingIsReproducible) {
    const auto run = [&](uint64_t seed) {
        auto session = Session::create(model, *backend, 128);
        Sampler sampler(SamplerSettings{.temperature = 1.0f, .topK = 40, .topP = 0.9f, .minP = 0.05f, .seed = seed});
        std::vector<TokenId> out;
        auto stats = generate(*session, sampler, {.prompt = std::vector<TokenId>{1}, .maxTokens = 40,
                                                  .onToken = [&](TokenId id) { out.push_back(id); return true; }});
        EXPECT_TRUE(stats);
        return out;
    };
    const auto a = run(42), b = run(42), c = run(43);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

// Copies stories260K with `mutate` applied to its metadata and tensors.
struct Rewrite {
    std::function<void(GgufWriter&)> metadata;
    std::function<bool(const GgufTensorInfo&, GgufWriter&)> tensor;  // true: handled (or dropped)
};

Result<std::shared_ptr<const Model>> loadRewritten(const std::filesystem::path& source, const Rewrite& rewrite,
                                                   std::vector<uint8_t>& storage) {
    auto file = GgufFile::open(source.string());
    if (!file) return file.error();
    GgufWriter w;
    for (const auto& [key, value] : (*file)->metadata()) w.set(key, value);
    if (rewrite.metadata) rewrite.metadata(w);
    for (const auto& t : (*file)->tensors()) {
        if (rewrite.tensor && rewrite.tensor(t, w)) continue;
        w.addTensor(t.name, t.type, t.dims, std::vector<uint8_t>(t.data, t.data + t.byteSize));
    }
    storage = w.toBytes();
    auto parsed = GgufFile::fromMemory(storage.data(), storage.size());
    if (!parsed) return parsed.error();
    return Model::fromGguf(*parsed);
}

TEST(ModelLoading, RefusesBrokenModelsWithSpecificMessages) {
    CONFIDANT_TESTDATA_FILE(path, "models/stories260K.gguf");
    std::vector<uint8_t> bytes;
    const auto errorFor = [&](const Rewrite& r) {
        auto m = loadRewritten(path, r, bytes);
        return m ? std::string("<loaded>") : m.error().message;
    };
    EXPECT_EQ(errorFor({}), "<loaded>");
    {
        // Without output.weight the output layer is tied to the token embedding.
        auto tied = loadRewritten(path, {.tensor = [](const GgufTensorInfo& t, GgufWriter&) { return t.name == "output.weight"; }},
                                  bytes);
        ASSERT_TRUE(tied) << tied.error().message;
        EXPECT_EQ((*tied)->weights().output, (*tied)->weights().tokenEmbedding);
    }
    EXPECT_NE(errorFor({.metadata = [](GgufWriter& w) { w.set("general.architecture", ggufString("mamba")); }})
                  .find("unsupported model architecture 'mamba'"),
              std::string::npos);
    EXPECT_NE(errorFor({.tensor = [](const GgufTensorInfo& t, GgufWriter&) { return t.name == "blk.3.ffn_up.weight"; }})
                  .find("lacks the tensor 'blk.3.ffn_up.weight'"),
              std::string::npos);
    EXPECT_NE(errorFor({.tensor =
                            [](const GgufTensorInfo& t, GgufWriter& w) {
                                if (t.name != "blk.0.attn_q.weight") return false;
                                w.addTensor(t.name, t.type, {64, 32}, std::vector<uint8_t>(64 * 32 * 4));
                                return true;
                            }})
                  .find("tensor 'blk.0.attn_q.weight' has shape [64, 32], expected [64, 64]"),
              std::string::npos);
    EXPECT_NE(errorFor({.tensor =
                            [](const GgufTensorInfo& t, GgufWriter& w) {
                                if (t.name != "blk.0.attn_k.weight") return false;
                                // 64x32 weights as IQ2_XXS: a real type Confidant cannot compute with.
                                w.addTensor(t.name, TensorType::IQ2_XXS, {256, 8}, std::vector<uint8_t>(66 * 8));
                                return true;
                            }})
                  .find("shape [256, 8], expected [64, 32]"),
              std::string::npos);
    EXPECT_NE(errorFor({.metadata = [](GgufWriter& w) { w.set("llama.attention.head_count_kv", ggufUInt32(3)); }})
                  .find("not a multiple of head_count_kv"),
              std::string::npos);
    EXPECT_NE(errorFor({.metadata = [](GgufWriter& w) { w.set("llama.block_count", ggufString("five")); }})
                  .find("'llama.block_count' has type string"),
              std::string::npos);
    EXPECT_NE(errorFor({.metadata = [](GgufWriter& w) { w.set("tokenizer.ggml.model", ggufString("wordpiece")); }})
                  .find("unsupported tokenizer 'wordpiece'"),
              std::string::npos);
}

TEST(ModelLoading, RefusesUnsupportedTensorTypes) {
    // A one-layer model whose matrices are IQ2_XXS (256-element blocks, so dims of 256).
    GgufWriter w;
    w.set("general.architecture", ggufString("llama"));
    w.set("llama.embedding_length", ggufUInt32(256));
    w.set("llama.block_count", ggufUInt32(1));
    w.set("llama.feed_forward_length", ggufUInt32(256));
    w.set("llama.attention.head_count", ggufUInt32(2));
    w.set("llama.context_length", ggufUInt32(64));
    w.set("llama.attention.layer_norm_rms_epsilon", ggufFloat32(1e-5f));
    w.set("tokenizer.ggml.model", ggufString("llama"));
    const auto matrix = [&](const std::string& name, TensorType type) {
        w.addTensor(name, type, {256, 256}, std::vector<uint8_t>(type == TensorType::F32 ? 256 * 256 * 4 : 66 * 256));
    };
    const auto vector = [&](const std::string& name) { w.addTensor(name, TensorType::F32, {256}, std::vector<uint8_t>(1024)); };
    matrix("token_embd.weight", TensorType::F32);
    vector("output_norm.weight");
    vector("blk.0.attn_norm.weight");
    vector("blk.0.ffn_norm.weight");
    for (const char* name : {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"})
        matrix(std::string("blk.0.") + name + ".weight", TensorType::IQ2_XXS);
    std::vector<std::string> tokens(256, "x");
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = "t" + std::to_string(i);
    w.set("tokenizer.ggml.tokens", ggufStringArray(tokens));
    const auto bytes = w.toBytes();
    auto file = GgufFile::fromMemory(bytes.data(), bytes.size());
    ASSERT_TRUE(file) << file.error().message;
    auto model = Model::fromGguf(*file);
    ASSERT_FALSE(model);
    EXPECT_NE(model.error().message.find("tensor 'blk.0.attn_q.weight' uses the tensor type IQ2_XXS, which Confidant cannot compute with yet"),
              std::string::npos)
        << model.error().message;
}

}  // namespace
}  // namespace confidant::inference
