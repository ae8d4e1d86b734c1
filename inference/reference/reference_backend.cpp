// The CPU reference backend: executes a Graph op by op with the functions of reference_ops.h. Small
// weights (norms, biases, RoPE factors) are dequantized once; matrices are read from the mapping.
#include <algorithm>
#include <map>
#include <thread>

#include "backend.h"
#include "checked_math.h"
#include "memory_check.h"
#include "reference/reference_ops.h"

namespace confidant::inference {
namespace {

using reference::KvLayer;
using reference::ThreadPool;

class CpuContext final : public BackendContext {
public:
    CpuContext(std::shared_ptr<const Model> model, unsigned threads, uint32_t contextLength)
        : m_model(std::move(model)), m_pool(threads), m_contextLength(contextLength) {
        const ModelConfig& c = m_model->config();
        m_kv.resize(c.blockCount);
        for (auto& layer : m_kv) {
            layer.keys.assign(size_t(contextLength) * c.kvDim(), 0.0f);
            layer.values.assign(size_t(contextLength) * c.kvDim(), 0.0f);
        }
    }

    uint32_t contextLength() const override { return m_contextLength; }

    Result<void> evaluate(const Graph& graph, const StepInput& input, std::span<float> logits) override {
        if (input.tokens.size() != graph.tokenCount)
            return makeError("internal error: a graph for " + std::to_string(graph.tokenCount) + " tokens was given " +
                             std::to_string(input.tokens.size()));
        if (size_t(input.startPosition) + input.tokens.size() > m_contextLength)
            return makeError("the context window of " + std::to_string(m_contextLength) + " tokens is full");
        for (TokenId t : input.tokens)
            if (t < 0 || uint32_t(t) >= m_model->config().vocabSize)
                return makeError("token id " + std::to_string(t) + " is outside the vocabulary");

        std::vector<std::vector<float>>& act = activationsFor(graph);
        const uint32_t start = input.startPosition;
        for (const Op& op : graph.ops) {
            float* dst = op.dst >= 0 ? act[size_t(op.dst)].data() : nullptr;
            const float* a = op.a >= 0 ? act[size_t(op.a)].data() : nullptr;
            const float* b = op.b >= 0 ? act[size_t(op.b)].data() : nullptr;
            const ActivationDesc& aDesc = graph.activations[size_t(op.a >= 0 ? op.a : op.dst)];
            const size_t rows = aDesc.rows;
            switch (op.kind) {
                case OpKind::Embed: reference::embed(*op.weight, input.tokens, dst); break;
                case OpKind::RmsNorm:
                    reference::rmsNorm(a, small(op.weight), dst, rows, aDesc.cols, op.epsilon);
                    break;
                case OpKind::HeadRmsNorm: {
                    const size_t headDim = op.weight->elementCount;
                    reference::rmsNorm(a, small(op.weight), dst, rows * aDesc.cols / headDim, headDim, op.epsilon);
                    break;
                }
                case OpKind::MatMul:
                    reference::matMul(*op.weight, op.bias ? small(op.bias) : nullptr, a, rows, dst, m_pool);
                    break;
                case OpKind::Rope:
                    reference::rope(dst, rows, start, op.rope, op.rope.freqFactors ? small(op.rope.freqFactors) : nullptr);
                    break;
                case OpKind::StoreKv: reference::storeKv(m_kv[op.layer], aDesc.cols, a, b, rows, start); break;
                case OpKind::Attention: reference::attention(a, rows, start, m_kv[op.layer], op.attention, dst, m_pool); break;
                case OpKind::SwiGlu: reference::swiGlu(a, b, dst, rows * aDesc.cols); break;
                case OpKind::GeGlu: reference::geGlu(a, b, dst, rows * aDesc.cols); break;
                case OpKind::Add: reference::add(a, b, dst, rows * aDesc.cols); break;
                case OpKind::Scale: reference::scale(a, op.scalar, dst, rows * aDesc.cols); break;
                case OpKind::SoftCap: reference::softCap(a, op.scalar, dst, rows * aDesc.cols); break;
                case OpKind::LastRow:
                    std::copy_n(a + (rows - 1) * aDesc.cols, aDesc.cols, dst);
                    break;
            }
        }
        const auto& out = act[size_t(graph.logits)];
        if (logits.size() != out.size()) return makeError("internal error: logits buffer has the wrong size");
        std::copy(out.begin(), out.end(), logits.begin());
        return {};
    }

private:
    // Activation buffers are allocated once per batch size, so that decoding allocates nothing.
    std::vector<std::vector<float>>& activationsFor(const Graph& graph) {
        auto& buffers = m_activations[graph.tokenCount];
        if (buffers.empty())
            for (const auto& desc : graph.activations) buffers.emplace_back(size_t(desc.rows) * desc.cols);
        return buffers;
    }

    const float* small(const GgufTensorInfo* tensor) {
        auto& cached = m_smallTensors[tensor];
        if (cached.empty()) cached = reference::dequantizeTensor(*tensor);
        return cached.data();
    }

    std::shared_ptr<const Model> m_model;
    ThreadPool m_pool;  // per context, so that contexts on different threads never share workers
    uint32_t m_contextLength;
    std::vector<KvLayer> m_kv;
    std::map<uint32_t, std::vector<std::vector<float>>> m_activations;
    std::map<const GgufTensorInfo*, std::vector<float>> m_smallTensors;
};

class CpuBackend final : public Backend {
public:
    CpuBackend(std::shared_ptr<const Model> model, unsigned threads)
        : m_model(std::move(model)), m_threads(threads ? threads : std::max(1u, std::thread::hardware_concurrency())) {}

    std::string name() const override { return "reference"; }
    std::string deviceName() const override { return "CPU reference (" + std::to_string(m_threads) + " threads)"; }
    bool supports(const Op& op) const override {
        return !op.weight || traitsOf(op.weight->type).dequantize != nullptr;
    }

    Result<std::unique_ptr<BackendContext>> createContext(uint32_t contextLength) override {
        const ModelConfig& c = m_model->config();
        if (contextLength == 0) return makeError("the context length must be at least 1");
        const auto kvBytes = checkedProduct({contextLength, c.kvDim(), c.blockCount, 2, sizeof(float)});
        const std::string what = "the KV cache of a " + std::to_string(contextLength) + "-token context";
        if (!kvBytes) return makeError(what + " has a size beyond 64 bits; choose a smaller context (--ctx)");
        if (auto room = checkMemoryFor(*kvBytes, what); !room) return room.error();
        try {
            return std::unique_ptr<BackendContext>(std::make_unique<CpuContext>(m_model, m_threads, contextLength));
        } catch (const std::bad_alloc&) {
            return makeError("not enough memory for a " + std::to_string(contextLength) + "-token context (" +
                             std::to_string(*kvBytes >> 20) + " MiB of KV cache); choose a smaller context");
        }
    }

private:
    std::shared_ptr<const Model> m_model;
    unsigned m_threads;
};

}  // namespace

std::unique_ptr<Backend> createReferenceBackend(std::shared_ptr<const Model> model, unsigned threads) {
    return std::make_unique<CpuBackend>(std::move(model), threads);
}

}  // namespace confidant::inference
