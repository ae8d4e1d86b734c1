// The weight tensors of a transformer, found by their GGUF names and checked for shape and type.
#pragma once

#include <vector>

#include "gguf_file.h"
#include "model_config.h"
#include "result.h"

namespace confidant::inference {

// Each pointer refers to a tensor of the GgufFile (mapped, immutable). Shapes in ggml order
// [row length, rows]; d = embeddingLength, f = feedForwardLength, v = vocabSize.
struct LayerWeights {
    const GgufTensorInfo* attentionNorm = nullptr;  // [d]
    const GgufTensorInfo* wq = nullptr;             // [d, qDim]
    const GgufTensorInfo* wk = nullptr;             // [d, kvDim]
    const GgufTensorInfo* wv = nullptr;             // [d, kvDim]
    const GgufTensorInfo* wo = nullptr;             // [qDim, d]
    const GgufTensorInfo* ffnNorm = nullptr;        // [d]
    const GgufTensorInfo* ffnGate = nullptr;        // [d, f]
    const GgufTensorInfo* ffnUp = nullptr;          // [d, f]
    const GgufTensorInfo* ffnDown = nullptr;        // [f, d]
};

struct ModelWeights {
    const GgufTensorInfo* tokenEmbedding = nullptr;  // [d, v]
    const GgufTensorInfo* outputNorm = nullptr;      // [d]
    const GgufTensorInfo* output = nullptr;          // [d, v]; the embedding when tied
    const GgufTensorInfo* ropeFreqs = nullptr;       // [headDim/2], optional (Llama 3.1)
    std::vector<LayerWeights> layers;

    static Result<ModelWeights> fromGguf(const GgufFile& file, const ModelConfig& config);
};

}  // namespace confidant::inference
