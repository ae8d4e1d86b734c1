// The weight tensors of a transformer, found by their GGUF names and checked for shape and type.
// Fused tensors (phi3's attn_qkv, gate|up) become row-range views, so that every architecture
// presents the same separate Q/K/V and gate/up matrices to the graph.
#pragma once

#include <memory>
#include <vector>

#include "gguf_file.h"
#include "model_config.h"
#include "result.h"

namespace confidant::inference {

// Each pointer refers to a tensor of the GgufFile (mapped, immutable) or to a view owned by
// ModelWeights. Shapes in ggml order [row length, rows]; d = embeddingLength,
// f = feedForwardLength, v = vocabSize.
struct LayerWeights {
    const GgufTensorInfo* attentionNorm = nullptr;  // [d]
    const GgufTensorInfo* wq = nullptr;             // [d, qDim]
    const GgufTensorInfo* wk = nullptr;             // [d, kvDim]
    const GgufTensorInfo* wv = nullptr;             // [d, kvDim]
    const GgufTensorInfo* bq = nullptr;             // [qDim], qwen2 only
    const GgufTensorInfo* bk = nullptr;             // [kvDim], qwen2 only
    const GgufTensorInfo* bv = nullptr;             // [kvDim], qwen2 only
    const GgufTensorInfo* qNorm = nullptr;          // [headDim], per-head Q norm, qwen3 only
    const GgufTensorInfo* kNorm = nullptr;          // [headDim], per-head K norm, qwen3 only
    const GgufTensorInfo* wo = nullptr;             // [qDim, d]
    const GgufTensorInfo* ffnNorm = nullptr;        // [d]
    const GgufTensorInfo* ffnGate = nullptr;        // [d, f]
    const GgufTensorInfo* ffnUp = nullptr;          // [d, f]
    const GgufTensorInfo* ffnDown = nullptr;        // [f, d]
    const GgufTensorInfo* postAttentionNorm = nullptr;  // [d], gemma2 only
    const GgufTensorInfo* postFfnNorm = nullptr;        // [d], gemma2 only
};

struct ModelWeights {
    const GgufTensorInfo* tokenEmbedding = nullptr;  // [d, v]
    const GgufTensorInfo* outputNorm = nullptr;      // [d]
    const GgufTensorInfo* output = nullptr;          // [d, v]; the embedding when tied
    const GgufTensorInfo* ropeFreqs = nullptr;       // [ropeDims/2] frequency divisors, optional
    std::vector<LayerWeights> layers;

    static Result<ModelWeights> fromGguf(const GgufFile& file, const ModelConfig& config);

private:
    struct OwnedTensor {
        GgufTensorInfo info;
        std::vector<float> storage;  // for tensors computed at load (RoPE scaling factors)
    };
    const GgufTensorInfo* rowView(const GgufTensorInfo& fused, uint64_t firstRow, uint64_t rows, const char* part);
    const GgufTensorInfo* computedVector(std::string name, std::vector<float> values);
    std::vector<std::unique_ptr<OwnedTensor>> m_owned;
};

}  // namespace confidant::inference
