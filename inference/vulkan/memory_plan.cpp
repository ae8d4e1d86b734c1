// Memory estimates from the graph the model builds, so that they follow the architecture.
#include "vulkan/memory_plan.h"

#include <set>

#include "vulkan/kernels.h"
#include "vulkan/weight_store.h"

namespace confidant::inference::vulkan {
namespace {

std::string mib(uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

}  // namespace

uint64_t weightBytes(const Model& model, uint64_t maxBufferRange) {
    const Graph graph = model.buildGraph(1);
    std::set<const GgufTensorInfo*> matrices, vectors;
    for (const Op& op : graph.ops) {
        if (op.kind == OpKind::Embed || op.kind == OpKind::MatMul) matrices.insert(op.weight);
        else if (op.weight) vectors.insert(op.weight);
        if (op.bias) vectors.insert(op.bias);
    }
    uint64_t total = 0;
    for (const GgufTensorInfo* t : matrices) total += deviceMatrixBytes(*t, maxBufferRange);
    for (const GgufTensorInfo* t : vectors) total += t->elementCount * 4;
    return total;
}

MemoryPlan planMemory(const Model& model, uint32_t contextLength, uint32_t maxBatch, uint64_t maxBufferRange) {
    const ModelConfig& c = model.config();
    MemoryPlan plan;
    plan.weights = weightBytes(model, maxBufferRange);
    plan.kvCache = uint64_t(contextLength) * c.kvDim() * 2 * 2 * c.blockCount;
    for (uint32_t batch : {1u, maxBatch}) {
        const Graph graph = model.buildGraph(batch);
        for (const ActivationDesc& a : graph.activations) plan.scratch += uint64_t(a.rows) * a.cols * 4;
        // Split attention's partials (decode only; no device config splits more than the default).
        if (batch == 1)
            plan.scratch += Kernels::attentionPartialBytes(1, c.headCount, c.headDim, KernelConfig{}.attentionSplits);
    }
    plan.scratch += uint64_t(contextLength) * c.ropeDimensionCount * 4;  // cos/sin table
    return plan;
}

std::string notEnoughMemoryMessage(const MemoryPlan& plan, uint32_t contextLength, uint64_t available,
                                   const std::string& deviceName) {
    return "the model needs " + mib(plan.total()) + " of device memory (weights " + mib(plan.weights) + " + KV cache " +
           mib(plan.kvCache) + " for " + std::to_string(contextLength) + " tokens + scratch " + mib(plan.scratch) +
           ") but only " + mib(available) + " are free on " + deviceName +
           "; use a smaller context (--ctx), a smaller quantization, another device (--device N) or --backend cpu";
}

}  // namespace confidant::inference::vulkan
