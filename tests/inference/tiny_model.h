// Builds small llama/qwen2/phi3 GGUF models in memory with seeded random F32 weights and a
// minimal sentencepiece vocabulary, for tests that compare architectures and backends.
#pragma once

#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gguf_file.h"
#include "gguf_writer.h"
#include "model.h"

namespace confidant::testing {

struct TinyModelSpec {
    std::string architecture = "llama";
    uint32_t embedding = 64, layers = 2, heads = 4, kvHeads = 2, feedForward = 96, vocab = 300, context = 128;
    uint64_t seed = 1;
};

// Weights by GGUF name, row-major [rows][rowLength], generated from the spec's seed so that
// models of different architectures can share them.
using TinyWeights = std::map<std::string, std::vector<float>>;

inline TinyWeights tinyLlamaWeights(const TinyModelSpec& s) {
    std::mt19937_64 rng(s.seed);
    std::normal_distribution<float> normal(0.0f, 0.08f);
    const auto random = [&](size_t n, float mean = 0.0f) {
        std::vector<float> v(n);
        for (auto& x : v) x = mean + normal(rng);
        return v;
    };
    const uint32_t headDim = s.embedding / s.heads, kvDim = s.kvHeads * headDim;
    TinyWeights w;
    w["token_embd.weight"] = random(size_t(s.vocab) * s.embedding);
    w["output_norm.weight"] = random(s.embedding, 1.0f);
    w["output.weight"] = random(size_t(s.vocab) * s.embedding);
    for (uint32_t l = 0; l < s.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w[p + "attn_norm.weight"] = random(s.embedding, 1.0f);
        w[p + "attn_q.weight"] = random(size_t(s.embedding) * s.embedding);
        w[p + "attn_k.weight"] = random(size_t(kvDim) * s.embedding);
        w[p + "attn_v.weight"] = random(size_t(kvDim) * s.embedding);
        w[p + "attn_output.weight"] = random(size_t(s.embedding) * s.embedding);
        w[p + "ffn_norm.weight"] = random(s.embedding, 1.0f);
        w[p + "ffn_gate.weight"] = random(size_t(s.feedForward) * s.embedding);
        w[p + "ffn_up.weight"] = random(size_t(s.feedForward) * s.embedding);
        w[p + "ffn_down.weight"] = random(size_t(s.embedding) * s.feedForward);
    }
    return w;
}

// Shape of a weight in ggml order, from its name.
inline std::vector<uint64_t> tinyShape(const TinyModelSpec& s, const std::string& name, size_t elements) {
    const uint64_t d = s.embedding;
    if (name.find("norm") != std::string::npos || name.find(".bias") != std::string::npos ||
        name.find("rope_freqs") != std::string::npos)
        return {elements};
    if (name.find("ffn_down") != std::string::npos) return {s.feedForward, d};
    return {d, elements / d};
}

inline void addTinyVocabulary(inference::GgufWriter& w, uint32_t vocab) {
    std::vector<std::string> tokens{"<unk>", "<s>", "</s>"};
    std::vector<inference::GgufValue> types{inference::ggufInt32(2), inference::ggufInt32(3), inference::ggufInt32(3)};
    char byteName[8];
    for (int b = 0; b < 256; ++b) {
        std::snprintf(byteName, sizeof byteName, "<0x%02X>", b);
        tokens.push_back(byteName);
        types.push_back(inference::ggufInt32(6));
    }
    for (uint32_t i = 0; tokens.size() < vocab; ++i) {
        tokens.push_back("\xE2\x96\x81" + std::string(1, char('a' + i % 26)) + (i >= 26 ? std::to_string(i) : ""));
        types.push_back(inference::ggufInt32(1));
    }
    std::vector<inference::GgufValue> scores;
    for (size_t i = 0; i < tokens.size(); ++i) scores.push_back(inference::ggufFloat32(-float(i)));
    w.set("tokenizer.ggml.model", inference::ggufString("llama"));
    w.set("tokenizer.ggml.tokens", inference::ggufStringArray(tokens));
    w.set("tokenizer.ggml.scores", inference::ggufArray(inference::GgufType::Float32, scores));
    w.set("tokenizer.ggml.token_type", inference::ggufArray(inference::GgufType::Int32, types));
    w.set("tokenizer.ggml.bos_token_id", inference::ggufUInt32(1));
    w.set("tokenizer.ggml.eos_token_id", inference::ggufUInt32(2));
    w.set("tokenizer.ggml.unknown_token_id", inference::ggufUInt32(0));
}

// Writes the model; `extraMetadata` may add or override keys. Tensors are stored as F32 unless
// `convert` maps them to other bytes (e.g. a quantized type).
inline std::vector<uint8_t> tinyModelBytes(const TinyModelSpec& s, const TinyWeights& weights,
                                           const std::function<void(inference::GgufWriter&)>& extraMetadata = {}) {
    using namespace inference;
    GgufWriter w;
    const std::string a = s.architecture + ".";
    w.set("general.architecture", ggufString(s.architecture));
    w.set(a + "embedding_length", ggufUInt32(s.embedding));
    w.set(a + "block_count", ggufUInt32(s.layers));
    w.set(a + "feed_forward_length", ggufUInt32(s.feedForward));
    w.set(a + "attention.head_count", ggufUInt32(s.heads));
    w.set(a + "attention.head_count_kv", ggufUInt32(s.kvHeads));
    w.set(a + "context_length", ggufUInt32(s.context));
    w.set(a + "attention.layer_norm_rms_epsilon", ggufFloat32(1e-5f));
    w.set(a + "rope.freq_base", ggufFloat32(10000.0f));
    addTinyVocabulary(w, s.vocab);
    if (extraMetadata) extraMetadata(w);
    for (const auto& [name, values] : weights) {
        std::vector<uint8_t> bytes(values.size() * sizeof(float));
        std::memcpy(bytes.data(), values.data(), bytes.size());
        w.addTensor(name, TensorType::F32, tinyShape(s, name, values.size()), std::move(bytes));
    }
    return w.toBytes();
}

// Loads a model from bytes that the caller keeps alive.
inline std::shared_ptr<const inference::Model> loadTinyModel(const std::vector<uint8_t>& bytes) {
    auto file = inference::GgufFile::fromMemory(bytes.data(), bytes.size());
    if (!file) return nullptr;
    auto model = inference::Model::fromGguf(*file);
    return model ? *model : nullptr;
}

}  // namespace confidant::testing
