// The forward pass of a model as a backend-neutral list of operations on named activations.
// A model architecture builds it once per batch size; every backend executes the same list
// (the CPU reference directly, the Vulkan backend by recording it into a command buffer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gguf_file.h"
#include "model_config.h"

namespace confidant::inference {

using ActivationId = int32_t;  // index into Graph::activations
constexpr ActivationId k_noActivation = -1;

// An fp32 matrix of `rows` x `cols`, row-major; rows are tokens of the batch (or 1).
struct ActivationDesc {
    std::string name;
    uint32_t rows = 0;
    uint32_t cols = 0;
};

enum class OpKind {
    Embed,      // dst[r] = row tokens[r] of `weight` (dequantized)
    RmsNorm,    // dst[r] = a[r] / rms(a[r]) * weight
    HeadRmsNorm,  // RmsNorm of each weight-length piece of a row: per-head Q/K norms (qwen3, gemma3)
    MatMul,     // dst[r][i] = dot(weight row i, a[r]) (+ bias[i] when `bias` is set)
    Rope,       // rotate heads of a in place by position start+r
    StoreKv,    // write a (K) and b (V) rows into the layer's cache at positions start+r
    Attention,  // dst[r] = causal attention of query a[r] over the layer's cache [0, start+r]
    SwiGlu,     // dst = silu(a) * b
    GeGlu,      // dst = gelu(a) * b, GELU in its tanh approximation (gemma2)
    Add,        // dst = a + b
    Scale,      // dst = a * scalar
    SoftCap,    // dst = scalar * tanh(a / scalar) (gemma2's final logits)
    LastRow,    // dst[0] = a[rows-1]: only the last token needs logits
};

struct RopeParams {
    RopeStyle style = RopeStyle::AdjacentPairs;
    uint32_t headCount = 0;
    uint32_t headDim = 0;
    uint32_t dimensions = 0;  // rotated dimensions per head (<= headDim)
    float freqBase = 10000.0f;
    const GgufTensorInfo* freqFactors = nullptr;  // Llama 3.1 rope_freqs: divides each frequency
};

struct AttentionParams {
    uint32_t headCount = 0;
    uint32_t headCountKv = 0;
    uint32_t headDim = 0;
    float scale = 1.0f;          // applied to q·k
    float softCap = 0.0f;        // > 0: scores become softCap * tanh(score / softCap) (gemma2)
    uint32_t slidingWindow = 0;  // > 0: a query sees only the last `slidingWindow` positions
};

struct Op {
    OpKind kind;
    ActivationId dst = k_noActivation;
    ActivationId a = k_noActivation;
    ActivationId b = k_noActivation;
    const GgufTensorInfo* weight = nullptr;  // embedding table, norm weight, or matrix
    const GgufTensorInfo* bias = nullptr;    // MatMul only, optional
    uint32_t layer = 0;                      // StoreKv, Attention
    float epsilon = 0.0f;                    // RmsNorm
    float scalar = 0.0f;                     // Scale, SoftCap
    RopeParams rope;
    AttentionParams attention;
};

struct Graph {
    uint32_t tokenCount = 0;  // batch size this graph was built for
    std::vector<ActivationDesc> activations;
    std::vector<Op> ops;
    ActivationId logits = k_noActivation;  // 1 x vocab

    ActivationId addActivation(std::string name, uint32_t rows, uint32_t cols) {
        activations.push_back({std::move(name), rows, cols});
        return ActivationId(activations.size() - 1);
    }
};

const char* opKindName(OpKind kind);

}  // namespace confidant::inference
