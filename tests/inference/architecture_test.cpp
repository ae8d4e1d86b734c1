// The architectures against each other: qwen2 with NeoX RoPE equals llama with adjacent-pair
// RoPE once Q/K rows are permuted the way converters do; phi3's fused tensors equal the same
// weights stored separately; Llama 3.1 RoPE scaling factors come out right.
#include <gtest/gtest.h>

#include <cmath>

#include "backend.h"
#include "session.h"
#include "tiny_model.h"

namespace confidant::inference {
namespace {

using testing::TinyModelSpec;
using testing::TinyWeights;

std::vector<float> logitsFor(const std::shared_ptr<const Model>& model, const std::vector<TokenId>& prompt) {
    auto backend = createReferenceBackend(model, 1);
    auto session = Session::create(model, *backend, 64);
    EXPECT_TRUE(session) << session.error().message;
    auto fed = session->feed(prompt);
    EXPECT_TRUE(fed) << (fed ? "" : fed.error().message);
    return {session->logits().begin(), session->logits().end()};
}

double maxDifference(const std::vector<float>& a, const std::vector<float>& b) {
    double m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

// Reorders the rows of each head so that NeoX's pairs (i, i + D/2) hold adjacent pair (2i, 2i+1).
std::vector<float> adjacentToNeoX(const std::vector<float>& w, uint32_t rowLength, uint32_t headDim) {
    std::vector<float> out(w.size());
    const size_t rows = w.size() / rowLength;
    for (size_t r = 0; r < rows; ++r) {
        const size_t head = r / headDim, j = r % headDim;
        const size_t target = head * headDim + (j % 2 == 0 ? j / 2 : j / 2 + headDim / 2);
        std::copy_n(w.begin() + ptrdiff_t(r * rowLength), rowLength, out.begin() + ptrdiff_t(target * rowLength));
    }
    return out;
}

const std::vector<TokenId> k_prompt{1, 70, 200, 33, 280, 5, 299, 150, 12};

TEST(Architectures, Qwen2WithNeoXRopeEqualsLlamaWithPermutedRows) {
    TinyModelSpec spec;
    const TinyWeights llama = tinyLlamaWeights(spec);
    const auto llamaBytes = testing::tinyModelBytes(spec, llama);
    auto llamaModel = testing::loadTinyModel(llamaBytes);
    ASSERT_NE(llamaModel, nullptr);

    TinyModelSpec qwenSpec = spec;
    qwenSpec.architecture = "qwen2";
    TinyWeights qwen = llama;
    const uint32_t headDim = spec.embedding / spec.heads;
    for (uint32_t l = 0; l < spec.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        qwen[p + "attn_q.weight"] = adjacentToNeoX(llama.at(p + "attn_q.weight"), spec.embedding, headDim);
        qwen[p + "attn_k.weight"] = adjacentToNeoX(llama.at(p + "attn_k.weight"), spec.embedding, headDim);
        qwen[p + "attn_q.bias"] = std::vector<float>(spec.embedding, 0.0f);
        qwen[p + "attn_k.bias"] = std::vector<float>(spec.kvHeads * headDim, 0.0f);
        qwen[p + "attn_v.bias"] = std::vector<float>(spec.kvHeads * headDim, 0.0f);
    }
    const auto qwenBytes = testing::tinyModelBytes(qwenSpec, qwen);
    auto qwenModel = testing::loadTinyModel(qwenBytes);
    ASSERT_NE(qwenModel, nullptr);
    EXPECT_EQ(qwenModel->config().ropeStyle, RopeStyle::NeoX);

    const auto expected = logitsFor(llamaModel, k_prompt);
    EXPECT_LT(maxDifference(logitsFor(qwenModel, k_prompt), expected), 1e-4);

    // Without the permutation the two RoPE conventions disagree: the test can tell them apart.
    TinyWeights unpermuted = llama;
    for (uint32_t l = 0; l < spec.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        unpermuted[p + "attn_q.bias"] = qwen.at(p + "attn_q.bias");
        unpermuted[p + "attn_k.bias"] = qwen.at(p + "attn_k.bias");
        unpermuted[p + "attn_v.bias"] = qwen.at(p + "attn_v.bias");
    }
    const auto unpermutedBytes = testing::tinyModelBytes(qwenSpec, unpermuted);
    EXPECT_GT(maxDifference(logitsFor(testing::loadTinyModel(unpermutedBytes), k_prompt), expected), 1e-3);
}

TEST(Architectures, Qwen2BiasesShiftTheProjections) {
    TinyModelSpec spec;
    spec.architecture = "qwen2";
    TinyWeights w = tinyLlamaWeights(spec);
    const uint32_t kvDim = spec.kvHeads * spec.embedding / spec.heads;
    for (uint32_t l = 0; l < spec.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w[p + "attn_q.bias"] = std::vector<float>(spec.embedding, 0.0f);
        w[p + "attn_k.bias"] = std::vector<float>(kvDim, 0.0f);
        w[p + "attn_v.bias"] = std::vector<float>(kvDim, 0.0f);
    }
    const auto zeroBytes = testing::tinyModelBytes(spec, w);
    // A bias must change the result, and a missing bias tensor must be named.
    TinyWeights biased = w;
    biased["blk.1.attn_v.bias"] = std::vector<float>(kvDim, 0.5f);
    const auto biasedBytes = testing::tinyModelBytes(spec, biased);
    EXPECT_GT(maxDifference(logitsFor(testing::loadTinyModel(zeroBytes), k_prompt),
                            logitsFor(testing::loadTinyModel(biasedBytes), k_prompt)),
              1e-3);

    TinyWeights missing = w;
    missing.erase("blk.0.attn_k.bias");
    const auto missingBytes = testing::tinyModelBytes(spec, missing);
    auto file = GgufFile::fromMemory(missingBytes.data(), missingBytes.size());
    ASSERT_TRUE(file);
    auto model = Model::fromGguf(*file);
    ASSERT_FALSE(model);
    EXPECT_NE(model.error().message.find("lacks the tensor 'blk.0.attn_k.bias'"), std::string::npos);
}

TEST(Architectures, Phi3FusedTensorsEqualSeparateOnes) {
    TinyModelSpec spec;
    spec.architecture = "phi3";
    const TinyWeights separate = tinyLlamaWeights(spec);
    TinyWeights fused;
    for (const auto& [name, values] : separate) {
        if (name.find("attn_q.") != std::string::npos || name.find("attn_k.") != std::string::npos ||
            name.find("attn_v.") != std::string::npos || name.find("ffn_gate.") != std::string::npos ||
            name.find("ffn_up.") != std::string::npos)
            continue;
        fused[name] = values;
    }
    for (uint32_t l = 0; l < spec.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        auto& qkv = fused[p + "attn_qkv.weight"];
        for (const char* part : {"attn_q.weight", "attn_k.weight", "attn_v.weight"})
            qkv.insert(qkv.end(), separate.at(p + part).begin(), separate.at(p + part).end());
        auto& gateUp = fused[p + "ffn_up.weight"];
        gateUp = separate.at(p + "ffn_gate.weight");
        gateUp.insert(gateUp.end(), separate.at(p + "ffn_up.weight").begin(), separate.at(p + "ffn_up.weight").end());
    }
    const auto separateBytes = testing::tinyModelBytes(spec, separate);
    const auto fusedBytes = testing::tinyModelBytes(spec, fused);
    auto fusedModel = testing::loadTinyModel(fusedBytes);
    ASSERT_NE(fusedModel, nullptr);
    EXPECT_EQ(fusedModel->weights().layers[1].wk->name, "blk.1.attn_qkv.weight[k]");
    EXPECT_EQ(maxDifference(logitsFor(testing::loadTinyModel(separateBytes), k_prompt), logitsFor(fusedModel, k_prompt)),
              0.0)
        << "the same numbers through views must give identical logits";
}

TEST(Architectures, Llama3RopeScalingFromMetadata) {
    TinyModelSpec spec;
    spec.embedding = 128;
    spec.heads = 1;
    spec.kvHeads = 1;  // head size 128, as in Llama 3.1 8B
    const TinyWeights w = tinyLlamaWeights(spec);
    const auto bytes = testing::tinyModelBytes(spec, w, [](GgufWriter& g) {
        g.set("llama.rope.freq_base", ggufFloat32(500000.0f));
        g.set("llama.rope.scaling.type", ggufString("llama3"));
        g.set("llama.rope.scaling.factor", ggufFloat32(8.0f));
        g.set("llama.rope.scaling.low_freq_factor", ggufFloat32(1.0f));
        g.set("llama.rope.scaling.high_freq_factor", ggufFloat32(4.0f));
        g.set("llama.rope.scaling.original_context_length", ggufUInt32(8192));
    });
    auto model = testing::loadTinyModel(bytes);
    ASSERT_NE(model, nullptr);
    const GgufTensorInfo* freqs = model->weights().ropeFreqs;
    ASSERT_NE(freqs, nullptr);
    ASSERT_EQ(freqs->elementCount, 64u);
    const auto* divisors = reinterpret_cast<const float*>(freqs->data);
    // High frequencies (wavelength < 8192/4) are kept, low ones (> 8192) slowed 8x, monotone between.
    EXPECT_FLOAT_EQ(divisors[0], 1.0f);
    EXPECT_FLOAT_EQ(divisors[63], 8.0f);
    for (int i = 1; i < 64; ++i) EXPECT_GE(divisors[i], divisors[i - 1]);
    // Pair 30: frequency 500000^(-60/128), wavelength ~ 2π·469 ≈ 2929 lies in the blended band.
    EXPECT_GT(divisors[30], 1.0f);
    EXPECT_LT(divisors[30], 8.0f);

    const auto unscaledBytes = testing::tinyModelBytes(spec, w, [](GgufWriter& g) { g.set("llama.rope.freq_base", ggufFloat32(500000.0f)); });
    EXPECT_GT(maxDifference(logitsFor(model, k_prompt), logitsFor(testing::loadTinyModel(unscaledBytes), k_prompt)), 1e-5);
}

TinyWeights gemma2Weights(const TinyModelSpec& spec) {
    TinyWeights w = tinyLlamaWeights(spec);
    w.erase("output.weight");  // Gemma ties its output to the embedding
    for (uint32_t l = 0; l < spec.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w[p + "post_attention_norm.weight"] = w.at(p + "attn_norm.weight");
        w[p + "post_ffw_norm.weight"] = w.at(p + "ffn_norm.weight");
    }
    return w;
}

TEST(Architectures, Gemma2RunsWithWindowsAndCaps) {
    TinyModelSpec spec;
    spec.architecture = "gemma2";
    spec.layers = 3;
    const TinyWeights w = gemma2Weights(spec);
    const auto bytes = testing::tinyModelBytes(spec, w, [](GgufWriter& g) {
        g.set("gemma2.attention.sliding_window", ggufUInt32(4));
        g.set("gemma2.attn_logit_softcapping", ggufFloat32(50.0f));
        g.set("gemma2.final_logit_softcapping", ggufFloat32(3.0f));
    });
    auto model = testing::loadTinyModel(bytes);
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->config().family, Architecture::Gemma2);
    EXPECT_EQ(model->config().slidingWindow, 4u);
    EXPECT_EQ(model->weights().output, model->weights().tokenEmbedding);

    const auto logits = logitsFor(model, k_prompt);
    for (float v : logits) ASSERT_LE(std::abs(v), 3.0f) << "final logits are soft-capped at 3";
    EXPECT_EQ(logitsFor(model, k_prompt), logits) << "deterministic";

    // Batched and token-by-token evaluation agree, windows included (the prompt is longer than 4).
    auto backend = createReferenceBackend(model, 1);
    auto single = Session::create(model, *backend, 64, 1);
    ASSERT_TRUE(single && single->feed(k_prompt));
    EXPECT_LT(maxDifference({single->logits().begin(), single->logits().end()}, logits), 1e-5);

    // The window matters: the same weights with a window wider than the prompt differ.
    const auto wideBytes = testing::tinyModelBytes(spec, w, [](GgufWriter& g) {
        g.set("gemma2.attention.sliding_window", ggufUInt32(64));
        g.set("gemma2.final_logit_softcapping", ggufFloat32(3.0f));
    });
    EXPECT_GT(maxDifference(logitsFor(testing::loadTinyModel(wideBytes), k_prompt), logits), 1e-4);

    TinyWeights missing = w;
    missing.erase("blk.2.post_ffw_norm.weight");
    const auto missingBytes = testing::tinyModelBytes(spec, missing);
    auto file = GgufFile::fromMemory(missingBytes.data(), missingBytes.size());
    ASSERT_TRUE(file);
    auto broken = Model::fromGguf(*file);
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("lacks the tensor 'blk.2.post_ffw_norm.weight'"), std::string::npos);
}

TEST(Architectures, UnknownScalingIsRefused) {
    TinyModelSpec spec;
    const auto bytes = testing::tinyModelBytes(spec, tinyLlamaWeights(spec),
                                               [](GgufWriter& g) { g.set("llama.rope.scaling.type", ggufString("yarn")); });
    auto file = GgufFile::fromMemory(bytes.data(), bytes.size());
    ASSERT_TRUE(file);
    auto model = Model::fromGguf(*file);
    ASSERT_FALSE(model);
    EXPECT_NE(model.error().message.find("unsupported RoPE scaling 'yarn'"), std::string::npos);
}

}  // namespace
}  // namespace confidant::inference
