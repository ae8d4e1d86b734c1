// A loaded model: its mapped GGUF file, hyperparameters, weights and tokenizer. Immutable after
// load, so that sessions on several threads may share it.
#pragma once

#include <memory>
#include <string>

#include "gguf_file.h"
#include "graph.h"
#include "model_config.h"
#include "model_weights.h"
#include "result.h"
#include "tokenizer.h"

namespace confidant::inference {

class Model {
public:
    static Result<std::shared_ptr<const Model>> load(const std::string& path);
    static Result<std::shared_ptr<const Model>> fromGguf(std::shared_ptr<const GgufFile> file);

    const GgufFile& file() const { return *m_file; }
    const ModelConfig& config() const { return m_config; }
    const ModelWeights& weights() const { return m_weights; }
    const Tokenizer& tokenizer() const { return *m_tokenizer; }

    // The forward pass for a batch of `tokenCount` consecutive tokens; logits of the last one.
    Graph buildGraph(uint32_t tokenCount) const;

private:
    Model() = default;
    std::shared_ptr<const GgufFile> m_file;
    ModelConfig m_config;
    ModelWeights m_weights;
    std::unique_ptr<Tokenizer> m_tokenizer;
};

// Per-architecture graph builders (architectures/*.cpp).
Graph buildLlamaGraph(const ModelConfig& config, const ModelWeights& weights, uint32_t tokenCount);
Graph buildGemma2Graph(const ModelConfig& config, const ModelWeights& weights, uint32_t tokenCount);

}  // namespace confidant::inference
