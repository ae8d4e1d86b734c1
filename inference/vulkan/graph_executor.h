// Runs a Graph on the device: at creation it allocates the graph's activations and scratch, turns
// every op into dispatches and records them into one command buffer, plus two short tails (copy
// the logits back, or pick their argmax on the device and copy back one id); each run() then
// writes the step's tokens and position into a small host-visible buffer, submits the body and one
// tail together and waits once.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <tuple>
#include <vector>

#include "backend.h"
#include "vulkan/kernels.h"
#include "vulkan/transfer.h"

namespace confidant::inference::vulkan {

// One conversation's fp16 KV cache: per layer, [contextLength x kvDim] halves for K and for V.
struct KvCache {
    std::vector<Buffer> keys;
    std::vector<Buffer> values;
    uint32_t contextLength = 0;
    uint32_t kvDim = 0;

    static uint64_t bytesPerLayer(uint32_t contextLength, uint32_t kvDim) { return uint64_t(contextLength) * kvDim * 2; }
    static Result<KvCache> create(const Device& device, uint32_t layers, uint32_t contextLength, uint32_t kvDim);
};

// cos/sin of every (position, pair) for each RoPE configuration, computed on the host with the
// reference's formulas so that positions rotate exactly as on the CPU.
class RopeTables {
public:
    Result<VkBuffer> table(const Device& device, Transfer& transfer, const RopeParams& params, uint32_t contextLength);

private:
    std::map<std::tuple<uint32_t, float, const GgufTensorInfo*>, Buffer> m_tables;
};

struct ExecutorResources {
    const Device& device;
    const Kernels& kernels;
    const PipelineLibrary& library;
    const WeightStore& weights;
    KvCache& cache;
    RopeTables& rope;
    Transfer& transfer;
    // Extra words after each activation, for tests that fill them with a pattern and check that
    // no kernel writes past its output.
    uint32_t guardWords = 0;
};

class GraphExecutor {
public:
    static Result<std::unique_ptr<GraphExecutor>> create(const ExecutorResources& resources, const Graph& graph);

    // Runs the recorded graph for input.tokens at input.startPosition; copies the graph's logits
    // activation (all its rows) into `logits`.
    Result<void> run(const StepInput& input, std::span<float> logits);
    // Runs the recorded graph and returns the argmax of the logits activation's last row (the lowest
    // index among equal maxima), reading back only that index.
    Result<TokenId> runArgmax(const StepInput& input);

    const Buffer& activation(ActivationId id) const { return m_activations[size_t(id)]; }
    uint32_t tokenCount() const { return m_tokenCount; }
    size_t dispatchCount() const { return m_dispatchCount; }

private:
    explicit GraphExecutor(const Device& device) : m_device(device) {}
    Result<std::vector<Dispatch>> plan(const ExecutorResources& resources, const Graph& graph);
    Result<void> record(const ExecutorResources& resources, const Graph& graph, const std::vector<Dispatch>& dispatches);
    Result<void> submit(const StepInput& input, VkCommandBuffer tail);

    const Device& m_device;
    uint32_t m_tokenCount = 0;
    uint32_t m_contextLength = 0;
    uint32_t m_vocabRows = 0;  // embedding rows: token ids must be below
    size_t m_dispatchCount = 0;
    std::vector<Buffer> m_activations;
    Buffer m_step;      // startPosition, tokens[]
    Buffer m_attentionPartials;  // split attention: per (row, head, split) max, sum, output
    Buffer m_placeholder;
    Buffer m_readback;
    Buffer m_argmax;          // the picked index on the device
    Buffer m_argmaxReadback;  // and on the host
    ActivationId m_logits = k_noActivation;
    DescriptorPoolHandle m_descriptorPool;
    CommandPoolHandle m_commandPool;
    VkCommandBuffer m_commands = VK_NULL_HANDLE;
    VkCommandBuffer m_logitsTail = VK_NULL_HANDLE;
    VkCommandBuffer m_argmaxTail = VK_NULL_HANDLE;
    FenceHandle m_fence;
};

}  // namespace confidant::inference::vulkan
