// The interface every executor of a Graph implements (the CPU reference, Vulkan). A Backend is
// bound to one model; a BackendContext holds one conversation's KV cache and scratch memory.
// Thread contract: a BackendContext is used by one thread at a time; the Backend may be shared.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "graph.h"
#include "model.h"
#include "result.h"

namespace confidant::inference {

struct StepInput {
    std::span<const TokenId> tokens;  // graph.tokenCount of them
    uint32_t startPosition = 0;       // position of tokens[0] in the sequence
};

class BackendContext {
public:
    virtual ~BackendContext() = default;
    // Runs the graph for the tokens and writes the last token's logits (vocabSize floats).
    virtual Result<void> evaluate(const Graph& graph, const StepInput& input, std::span<float> logits) = 0;
    // Runs the graph and returns only the argmax of the last token's logits (greedy decoding; the
    // lowest id among equal maxima, as the Sampler picks). Backends that can pick on the device
    // override this to read back one id instead of vocabSize floats; this fallback picks on the host.
    virtual Result<TokenId> evaluateArgmax(const Graph& graph, const StepInput& input) {
        m_argmaxLogits.resize(graph.activations[size_t(graph.logits)].cols);
        if (auto done = evaluate(graph, input, m_argmaxLogits); !done) return done.error();
        return greedyArgmax(m_argmaxLogits);
    }
    virtual uint32_t contextLength() const = 0;

    // The greedy choice among `logits`: the largest, the lowest id among equals.
    static TokenId greedyArgmax(std::span<const float> logits) {
        size_t best = 0;
        for (size_t i = 1; i < logits.size(); ++i)
            if (logits[i] > logits[best]) best = i;
        return TokenId(best);
    }

private:
    std::vector<float> m_argmaxLogits;  // the host fallback's logits, reused between steps
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;        // "cpu", "vulkan"
    virtual std::string deviceName() const = 0;  // what runs it, for statistics
    virtual bool supports(const Op& op) const = 0;
    virtual Result<std::unique_ptr<BackendContext>> createContext(uint32_t contextLength) = 0;
};

// The plain fp32 reference backend (reference/): the oracle every faster backend is checked
// against, op by op and end to end. threads = 0 uses every core.
std::unique_ptr<Backend> createReferenceBackend(std::shared_ptr<const Model> model, unsigned threads = 0);

// The fast CPU backend (cpu/): what `--backend cpu` and the app's CPU choice run. name() "cpu",
// deviceName() gives the instruction-set level and threads ("CPU avx2, 2 threads"); the kernels'
// level is kernels::selectedIsa() (CONFIDANT_CPU_ISA caps it; cpu/cpu_backend.h takes it
// explicitly). threads = 0 uses the physical cores. fp16 KV cache.
std::unique_ptr<Backend> createCpuBackend(std::shared_ptr<const Model> model, unsigned threads = 0);

#if defined(CONFIDANT_HAS_VULKAN)
struct VulkanOptions {
    int deviceIndex = -1;  // -1: the best device (discrete > integrated > virtual > CPU)
};
// The Vulkan backend (vulkan/*.cpp): uploads the weights and builds its pipelines; the Error says
// why when no device can run the model (no loader, no device, missing feature, not enough memory).
Result<std::unique_ptr<Backend>> createVulkanBackend(std::shared_ptr<const Model> model, const VulkanOptions& options);
#endif

}  // namespace confidant::inference
