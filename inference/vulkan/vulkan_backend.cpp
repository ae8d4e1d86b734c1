// The Vulkan Backend: device, pipelines and weights shared by all contexts; each context owns a KV
// cache and one recorded command buffer per batch size it has seen.
#include <map>
#include <optional>
#include <set>

#include "backend.h"
#include "vulkan/graph_executor.h"
#include "vulkan/memory_plan.h"

namespace confidant::inference {
namespace {

using namespace vulkan;

constexpr uint32_t k_maxBatch = 64;  // Session's default; larger batches only add scratch

// Everything made at load. Contexts hold it by shared_ptr, so they stay valid if the Backend goes.
struct DeviceState {
    std::shared_ptr<const Model> model;
    std::unique_ptr<Device> device;
    std::unique_ptr<PipelineLibrary> library;
    std::optional<Transfer> transfer;
    std::unique_ptr<WeightStore> weights;
    std::optional<Kernels> kernels;

    ~DeviceState() {
        // Members go in reverse order; the device must outlive them all, so release them first.
        kernels.reset();
        weights.reset();
        transfer.reset();
        library.reset();
    }

    // Free device memory, without what this process holds when the driver has no budget to say so.
    uint64_t available() const {
        const uint64_t free = device->availableDeviceMemory();
        if (device->info().memoryBudget) return free;
        const uint64_t held = weights ? weights->bytes() : 0;
        return free > held ? free - held : 0;
    }
};

// Why `op` cannot run on the device, or empty when it can.
std::string unsupportedReason(const Op& op) {
    if ((op.kind == OpKind::Embed || op.kind == OpKind::MatMul) && !isDeviceMatrixType(op.weight->type))
        return "tensor '" + op.weight->name + "' has the type " + std::string(tensorTypeName(op.weight->type)) +
               ", which the Vulkan backend cannot compute with yet (it supports " + deviceMatrixTypeNames() + ")";
    if (op.weight && (op.kind == OpKind::RmsNorm || op.kind == OpKind::HeadRmsNorm) && !traitsOf(op.weight->type).dequantize)
        return "tensor '" + op.weight->name + "' has the unsupported type " + std::string(tensorTypeName(op.weight->type));
    if (op.kind == OpKind::Attention &&
        (op.attention.headDim > k_maxHeadDim || op.attention.headDim % 2 || op.attention.headCountKv == 0 ||
         op.attention.headCount % op.attention.headCountKv))
        return "attention with " + std::to_string(op.attention.headCount) + " heads of " +
               std::to_string(op.attention.headDim) + " dimensions over " + std::to_string(op.attention.headCountKv) +
               " KV heads is not supported by the Vulkan backend (at most " + std::to_string(k_maxHeadDim) +
               " even dimensions per head)";
    if (op.kind == OpKind::Rope && (op.rope.dimensions % 2 || op.rope.dimensions > op.rope.headDim))
        return "RoPE over " + std::to_string(op.rope.dimensions) + " dimensions is not supported";
    return {};
}

class VulkanContext final : public BackendContext {
public:
    VulkanContext(std::shared_ptr<DeviceState> state, KvCache cache)
        : m_state(std::move(state)), m_cache(std::move(cache)) {}
    ~VulkanContext() override {
        m_executors.clear();
        m_rope = RopeTables();
    }

    uint32_t contextLength() const override { return m_cache.contextLength; }

    Result<void> evaluate(const Graph& graph, const StepInput& input, std::span<float> logits) override {
        auto executor = executorFor(graph);
        if (!executor) return executor.error();
        return (*executor)->run(input, logits);
    }

    Result<TokenId> evaluateArgmax(const Graph& graph, const StepInput& input) override {
        auto executor = executorFor(graph);
        if (!executor) return executor.error();
        return (*executor)->runArgmax(input);
    }

private:
    Result<GraphExecutor*> executorFor(const Graph& graph) {
        auto it = m_executors.find(graph.tokenCount);
        if (it == m_executors.end()) {
            // First use of this batch size: allocate and record once, replayed from then on.
            const ExecutorResources resources{*m_state->device, *m_state->kernels, *m_state->library, *m_state->weights,
                                              m_cache, m_rope, *m_state->transfer};
            auto executor = GraphExecutor::create(resources, graph);
            if (!executor) return executor.error();
            it = m_executors.emplace(graph.tokenCount, std::move(*executor)).first;
        }
        return it->second.get();
    }

    std::shared_ptr<DeviceState> m_state;
    KvCache m_cache;
    RopeTables m_rope;
    std::map<uint32_t, std::unique_ptr<GraphExecutor>> m_executors;
};

class VulkanBackend final : public Backend {
public:
    explicit VulkanBackend(std::shared_ptr<DeviceState> state) : m_state(std::move(state)) {}

    std::string name() const override { return "vulkan"; }
    std::string deviceName() const override { return m_state->device->info().name; }
    bool supports(const Op& op) const override { return unsupportedReason(op).empty(); }

    Result<std::unique_ptr<BackendContext>> createContext(uint32_t contextLength) override {
        if (contextLength == 0) return makeError("the context length must be at least 1");
        const Model& model = *m_state->model;
        const MemoryPlan plan = planMemory(model, contextLength, k_maxBatch, m_state->device->maxStorageBufferRange());
        const uint64_t available = m_state->available();
        if (plan.kvCache + plan.scratch > available) {
            // The weights are already on the device: report what was free before they were.
            return makeError(notEnoughMemoryMessage(plan, contextLength, available + plan.weights, deviceName()));
        }
        const ModelConfig& c = model.config();
        auto cache = KvCache::create(*m_state->device, c.blockCount, contextLength, c.kvDim());
        if (!cache) return cache.error();
        return std::unique_ptr<BackendContext>(std::make_unique<VulkanContext>(m_state, std::move(*cache)));
    }

private:
    std::shared_ptr<DeviceState> m_state;
};

}  // namespace

Result<std::unique_ptr<Backend>> createVulkanBackend(std::shared_ptr<const Model> model, const VulkanOptions& options) {
    auto state = std::make_shared<DeviceState>();
    state->model = model;
    auto device = Device::create(options.deviceIndex);
    if (!device) return device.error();
    state->device = std::move(*device);

    const Graph graph = model->buildGraph(1);
    std::set<TensorType> matrixTypes;
    for (const Op& op : graph.ops) {
        if (std::string reason = unsupportedReason(op); !reason.empty()) return makeError(reason);
        if (op.kind == OpKind::Embed || op.kind == OpKind::MatMul) matrixTypes.insert(op.weight->type);
    }

    const uint64_t weights = weightBytes(*model, state->device->maxStorageBufferRange());
    const uint64_t available = state->device->availableDeviceMemory();
    if (weights > available) {
        MemoryPlan plan;
        plan.weights = weights;
        return makeError(notEnoughMemoryMessage(plan, 0, available, state->device->info().name));
    }

    auto library = PipelineLibrary::create(*state->device);
    if (!library) return library.error();
    state->library = std::move(*library);
    auto kernels = Kernels::create(*state->library, KernelConfig::forDevice(*state->device), matrixTypes);
    if (!kernels) return kernels.error();
    state->kernels = std::move(*kernels);
    auto transfer = Transfer::create(*state->device);
    if (!transfer) return transfer.error();
    state->transfer = std::move(*transfer);

    state->weights = std::make_unique<WeightStore>(*state->device);
    if (auto added = state->weights->addWeights(graph, *state->transfer); !added) return added.error();
    state->transfer->releaseStaging();
    return std::unique_ptr<Backend>(std::make_unique<VulkanBackend>(std::move(state)));
}

}  // namespace confidant::inference
