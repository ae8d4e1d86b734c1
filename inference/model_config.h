// Hyperparameters of a transformer model, read from the GGUF metadata of its architecture.
#pragma once

#include <cstdint>
#include <string>

#include "gguf_file.h"
#include "result.h"

namespace confidant::inference {

// The transformer families Confidant runs; each has its graph builder in architectures/.
enum class Architecture {
    Llama,  // Llama 1/2/3/3.1/3.2, TinyLlama, Mistral, llama2.c models
    Qwen2,  // Q/K/V biases, NeoX RoPE
    Phi3,   // fused QKV and gate/up tensors, NeoX RoPE
    Gemma2, // scaled embeddings, post-norms, GeGLU, soft-capped scores and logits, sliding window
    Qwen3,  // per-head RMS norms on Q and K before RoPE, no biases, NeoX RoPE
};

enum class RopeStyle {
    AdjacentPairs,  // rotate (x[2i], x[2i+1]): llama's convention
    NeoX,           // rotate (x[i], x[i + d/2]): qwen2, phi3, gemma
};

struct ModelConfig {
    std::string architecture;       // general.architecture
    Architecture family = Architecture::Llama;
    std::string name;               // general.name, if any
    uint32_t vocabSize = 0;
    uint32_t embeddingLength = 0;   // d_model
    uint32_t blockCount = 0;        // layers
    uint32_t feedForwardLength = 0; // FFN hidden size
    uint32_t headCount = 0;
    uint32_t headCountKv = 0;
    uint32_t headDim = 0;           // per head, for Q and K and V
    uint32_t contextLength = 0;     // what the model was trained for
    uint32_t ropeDimensionCount = 0;
    float ropeFreqBase = 10000.0f;
    RopeStyle ropeStyle = RopeStyle::AdjacentPairs;
    float rmsEpsilon = 1e-5f;

    // RoPE frequency scaling from metadata (used when the file has no rope_freqs tensor).
    std::string ropeScalingType;      // "", "none", "linear", "llama3"
    float ropeScalingFactor = 1.0f;
    float ropeLowFreqFactor = 1.0f;   // llama3 scaling
    float ropeHighFreqFactor = 4.0f;  // llama3 scaling
    uint32_t ropeOriginalContext = 0; // llama3 scaling

    // gemma2 only (0: off).
    float attentionSoftCap = 0.0f;
    float finalSoftCap = 0.0f;
    uint32_t slidingWindow = 0;       // on even layers
    float queryScale = 0.0f;          // multiplies q·k; 0 means 1/sqrt(headDim)

    uint32_t qDim() const { return headCount * headDim; }
    uint32_t kvDim() const { return headCountKv * headDim; }

    // Reads `<arch>.*` keys; the Error names the missing or inconsistent key.
    static Result<ModelConfig> fromGguf(const GgufFile& file);
};

}  // namespace confidant::inference
