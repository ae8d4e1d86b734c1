// The fast CPU backend: executes a Graph as a list of steps that every thread of a persistent pool
// walks together. A step is split into chunks claimed from an atomic counter; the thread that
// finishes a step's last chunk advances one progress counter, which the others wait on (spin, then
// futex). There is no barrier that waits for a particular thread, so a thread that loses its core
// to another process delays at most the chunk it holds. A MatMul is two steps: quantize the
// activations (the kernels' block format, once for consecutive products of the same input), then
// multiply weight-row chunks. The KV cache is fp16; attention is an online softmax over key tiles.
#include "cpu/cpu_backend.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

#include "checked_math.h"
#include "cpu/attention.h"
#include "cpu/worker_pool.h"
#include "memory_check.h"
#include "reference/reference_ops.h"

namespace confidant::inference::cpu {
namespace {

using kernels::Isa;
using kernels::PreparedMatrix;

constexpr size_t k_elementChunk = 16384;  // floats per chunk of element-wise steps

// Read-only after construction, shared by the backend and its contexts.
struct Weights {
    std::shared_ptr<const Model> model;
    Isa isa = Isa::Scalar;
    bool avx2 = false;  // AVX2+FMA+F16C for attention and the KV stores
    unsigned threads = 1;
    bool nativeGraph = true;  // false: some op kind is not executed here (the reference runs it)
    std::unordered_map<const GgufTensorInfo*, std::unique_ptr<PreparedMatrix>> matrices;
    std::unordered_map<const GgufTensorInfo*, std::vector<float>> small;  // norms, biases, RoPE factors

    const float* smallTensor(const GgufTensorInfo* t) const {
        if (!t) return nullptr;
        auto it = small.find(t);
        return it == small.end() ? nullptr : it->second.data();
    }
};

enum class StepKind : uint8_t { Op, Quantize, Multiply };

struct Step {
    StepKind kind = StepKind::Op;
    uint32_t op = 0;
    uint32_t chunks = 1;
    uint32_t chunkSize = 1;  // rows, elements or (row, KV head) pairs per chunk
    const PreparedMatrix* matrix = nullptr;
    std::atomic<uint32_t> next{0};
    std::atomic<uint32_t> done{0};
};

// What a graph of one batch size needs: its steps and activation buffers, built on first use.
struct Plan {
    size_t opCount = 0;
    std::vector<float*> activations;
    std::vector<float> arena;
    std::unique_ptr<Step[]> steps;
    size_t stepCount = 0;
    std::unordered_map<uint32_t, std::vector<float>> ropeFrequencies;  // per Rope op index
};

uint32_t chunksOf(size_t count, size_t size) { return uint32_t((count + size - 1) / size); }

class FastContext final : public BackendContext {
public:
    FastContext(std::shared_ptr<const Weights> weights, uint32_t contextLength)
        : m_weights(std::move(weights)), m_pool(m_weights->threads), m_contextLength(contextLength) {
        const ModelConfig& c = m_weights->model->config();
        const size_t perLayer = size_t(contextLength) * c.kvDim();
        m_keys.resize(c.blockCount);
        m_values.resize(c.blockCount);
        // Uninitialised: pages are touched (and become resident) only as positions are stored.
        for (uint32_t l = 0; l < c.blockCount; ++l) {
            m_keys[l].reset(new uint16_t[perLayer]);
            m_values[l].reset(new uint16_t[perLayer]);
        }
        const uint32_t group = c.headCountKv ? c.headCount / c.headCountKv : 1;
        m_scratchFloats = attentionScratchFloats(group, c.headDim);
        m_scratch.assign(size_t(m_pool.size()) * m_scratchFloats, 0.0f);
    }

    uint32_t contextLength() const override { return m_contextLength; }

    Result<void> evaluate(const Graph& graph, const StepInput& input, std::span<float> logits) override {
        if (input.tokens.size() != graph.tokenCount)
            return makeError("internal error: a graph for " + std::to_string(graph.tokenCount) + " tokens was given " +
                             std::to_string(input.tokens.size()));
        if (size_t(input.startPosition) + input.tokens.size() > m_contextLength)
            return makeError("the context window of " + std::to_string(m_contextLength) + " tokens is full");
        for (TokenId t : input.tokens)
            if (t < 0 || uint32_t(t) >= m_weights->model->config().vocabSize)
                return makeError("token id " + std::to_string(t) + " is outside the vocabulary");
        auto plan = planFor(graph);
        if (!plan) return plan.error();
        m_graph = &graph;
        m_plan = *plan;
        m_input = input;
        for (size_t s = 0; s < m_plan->stepCount; ++s) {
            m_plan->steps[s].next.store(0, std::memory_order_relaxed);
            m_plan->steps[s].done.store(0, std::memory_order_relaxed);
        }
        m_progress.reset();
        m_pool.run(&FastContext::runTask, this);
        const float* out = m_plan->activations[size_t(graph.logits)];
        const ActivationDesc& desc = graph.activations[size_t(graph.logits)];
        if (logits.size() != size_t(desc.rows) * desc.cols)
            return makeError("internal error: logits buffer has the wrong size");
        std::copy_n(out, logits.size(), logits.begin());
        return {};
    }

private:
    static void runTask(void* self, unsigned thread) { static_cast<FastContext*>(self)->run(thread); }

    void run(unsigned thread) {
        Plan& plan = *m_plan;
        for (size_t s = 0; s < plan.stepCount; ++s) {
            Step& step = plan.steps[s];
            m_progress.waitAtLeast(uint32_t(s));
            for (;;) {
                const uint32_t chunk = step.next.fetch_add(1, std::memory_order_relaxed);
                if (chunk >= step.chunks) break;
                execute(step, chunk, thread);
                if (step.done.fetch_add(1, std::memory_order_acq_rel) + 1 == step.chunks) m_progress.add(1);
            }
        }
    }

    Result<Plan*> planFor(const Graph& graph) {
        Plan& plan = m_plans[graph.tokenCount];
        if (plan.steps && plan.opCount == graph.ops.size() && plan.activations.size() == graph.activations.size())
            return &plan;
        plan = Plan{};
        size_t total = 0;
        std::vector<size_t> offsets;
        for (const auto& desc : graph.activations) {
            offsets.push_back(total);
            total += (size_t(desc.rows) * desc.cols + 15) & ~size_t(15);  // 64-byte multiples
        }
        plan.arena.assign(total, 0.0f);
        for (size_t offset : offsets) plan.activations.push_back(plan.arena.data() + offset);

        struct Quantized {
            ActivationId a = k_noActivation;
            TensorType type{};
            uint64_t n = 0;
        } quantized;
        const unsigned threads = m_pool.size();
        std::vector<std::pair<StepKind, std::array<uint32_t, 3>>> list;  // kind, {op, chunks, chunkSize}
        std::vector<const PreparedMatrix*> matrices;
        auto addStep = [&](StepKind kind, uint32_t op, uint32_t chunks, uint32_t chunkSize, const PreparedMatrix* m) {
            list.push_back({kind, {op, std::max(chunks, 1u), std::max(chunkSize, 1u)}});
            matrices.push_back(m);
        };
        for (uint32_t i = 0; i < graph.ops.size(); ++i) {
            const Op& op = graph.ops[i];
            const ActivationDesc& aDesc = graph.activations[size_t(op.a >= 0 ? op.a : op.dst)];
            const size_t rows = aDesc.rows, elements = rows * aDesc.cols;
            switch (op.kind) {
                case OpKind::MatMul: {
                    auto it = m_weights->matrices.find(op.weight);
                    if (it == m_weights->matrices.end())
                        return makeError("internal error: matrix '" + op.weight->name + "' was not prepared");
                    const PreparedMatrix* m = it->second.get();
                    if (size_t(aDesc.cols) != m->columns())
                        return makeError("internal error: '" + op.weight->name + "' does not fit its input");
                    const size_t bytes = rows * m->activationRowBytes();
                    if (m_quantized.size() < bytes) m_quantized.resize(bytes);
                    if (!(quantized.a == op.a && quantized.type == op.weight->type && quantized.n == op.weight->dims[0])) {
                        const size_t perChunk = std::max<size_t>(1, (rows + threads * 2 - 1) / (threads * 2));
                        addStep(StepKind::Quantize, i, chunksOf(rows, perChunk), uint32_t(perChunk), m);
                        quantized = {op.a, op.weight->type, op.weight->dims[0]};
                    }
                    const size_t g = std::max<size_t>(1, m->rowGranularity());
                    size_t perChunk = (m->rows() + threads * 8 - 1) / (threads * 8);
                    perChunk = std::max(g, (perChunk + g - 1) / g * g);
                    addStep(StepKind::Multiply, i, chunksOf(m->rows(), perChunk), uint32_t(perChunk), m);
                    break;
                }
                case OpKind::Embed:
                case OpKind::RmsNorm:
                case OpKind::HeadRmsNorm:
                case OpKind::StoreKv:
                case OpKind::Rope: addStep(StepKind::Op, i, uint32_t(rows), 1, nullptr); break;
                case OpKind::Attention:
                    addStep(StepKind::Op, i, uint32_t(rows * op.attention.headCountKv), 1, nullptr);
                    break;
                case OpKind::SwiGlu:
                case OpKind::GeGlu:
                case OpKind::Add:
                case OpKind::Scale:
                case OpKind::SoftCap:
                    addStep(StepKind::Op, i, chunksOf(elements, k_elementChunk), uint32_t(k_elementChunk), nullptr);
                    break;
                case OpKind::LastRow: addStep(StepKind::Op, i, 1, 1, nullptr); break;
                default: return makeError(std::string("internal error: op kind ") + opKindName(op.kind) + " reached the fast CPU backend");
            }
            if (op.kind == OpKind::Rope) {
                auto& f = plan.ropeFrequencies[i];
                const float* factors = m_weights->smallTensor(op.rope.freqFactors);
                for (uint32_t p = 0; p < op.rope.dimensions / 2; ++p) {
                    float frequency = 1.0f / std::pow(op.rope.freqBase, float(2 * p) / float(op.rope.dimensions));
                    if (factors) frequency /= factors[p];
                    f.push_back(frequency);
                }
            }
            if (op.dst >= 0 && op.dst == quantized.a) quantized = {};
        }
        plan.stepCount = list.size();
        plan.steps.reset(new Step[list.size()]);
        for (size_t s = 0; s < list.size(); ++s) {
            plan.steps[s].kind = list[s].first;
            plan.steps[s].op = list[s].second[0];
            plan.steps[s].chunks = list[s].second[1];
            plan.steps[s].chunkSize = list[s].second[2];
            plan.steps[s].matrix = matrices[s];
        }
        plan.opCount = graph.ops.size();
        return &plan;
    }

    void execute(const Step& step, uint32_t chunk, unsigned thread) {
        const Graph& graph = *m_graph;
        const Op& op = graph.ops[step.op];
        Plan& plan = *m_plan;
        float* dst = op.dst >= 0 ? plan.activations[size_t(op.dst)] : nullptr;
        const float* a = op.a >= 0 ? plan.activations[size_t(op.a)] : nullptr;
        const float* b = op.b >= 0 ? plan.activations[size_t(op.b)] : nullptr;
        const ActivationDesc& aDesc = graph.activations[size_t(op.a >= 0 ? op.a : op.dst)];
        const size_t cols = aDesc.cols, rows = aDesc.rows;
        const size_t begin = size_t(chunk) * step.chunkSize;
        const size_t elements = rows * cols;
        const size_t end = std::min(elements, begin + step.chunkSize);
        switch (step.kind) {
            case StepKind::Quantize:
                step.matrix->quantizeActivations(a, begin, std::min(rows, begin + step.chunkSize), m_quantized.data());
                return;
            case StepKind::Multiply: {
                const size_t outRows = step.matrix->rows();
                const size_t rowEnd = std::min(outRows, begin + step.chunkSize);
                step.matrix->multiply(begin, rowEnd, m_quantized.data(), rows, dst, outRows);
                if (const float* bias = m_weights->smallTensor(op.bias))
                    for (size_t t = 0; t < rows; ++t)
                        for (size_t i = begin; i < rowEnd; ++i) dst[t * outRows + i] += bias[i];
                return;
            }
            case StepKind::Op: break;
        }
        switch (op.kind) {
            case OpKind::Embed:
                reference::embed(*op.weight, m_input.tokens.subspan(chunk, 1), dst + size_t(chunk) * op.weight->dims[0]);
                break;
            case OpKind::RmsNorm:
                reference::rmsNorm(a + chunk * cols, m_weights->smallTensor(op.weight), dst + chunk * cols, 1, cols,
                                   op.epsilon);
                break;
            case OpKind::HeadRmsNorm: {
                const size_t headDim = op.weight->elementCount;
                reference::rmsNorm(a + chunk * cols, m_weights->smallTensor(op.weight), dst + chunk * cols, cols / headDim,
                                   headDim, op.epsilon);
                break;
            }
            case OpKind::Rope: rope(op, plan.ropeFrequencies[step.op], dst + chunk * cols, m_input.startPosition + chunk); break;
            case OpKind::StoreKv: {
                const size_t position = size_t(m_input.startPosition) + chunk;
                storeHalves(a + chunk * cols, m_keys[op.layer].get() + position * cols, cols, m_weights->avx2);
                storeHalves(b + chunk * cols, m_values[op.layer].get() + position * cols, cols, m_weights->avx2);
                break;
            }
            case OpKind::Attention: attention(op, a, dst, chunk, thread); break;
            case OpKind::SwiGlu: reference::swiGlu(a + begin, b + begin, dst + begin, end - begin); break;
            case OpKind::GeGlu: reference::geGlu(a + begin, b + begin, dst + begin, end - begin); break;
            case OpKind::Add: reference::add(a + begin, b + begin, dst + begin, end - begin); break;
            case OpKind::Scale: reference::scale(a + begin, op.scalar, dst + begin, end - begin); break;
            case OpKind::SoftCap: reference::softCap(a + begin, op.scalar, dst + begin, end - begin); break;
            case OpKind::LastRow: std::copy_n(a + (rows - 1) * cols, cols, dst); break;
            default: break;  // unreachable: planFor refuses kinds it does not know
        }
    }

    // The reference's rotation with the frequencies computed once per graph.
    static void rope(const Op& op, const std::vector<float>& frequencies, float* row, uint32_t position) {
        const RopeParams& p = op.rope;
        const uint32_t pairs = p.dimensions / 2;
        for (uint32_t h = 0; h < p.headCount; ++h) {
            float* head = row + size_t(h) * p.headDim;
            for (uint32_t i = 0; i < pairs; ++i) {
                const float angle = float(position) * frequencies[i];
                const float c = std::cos(angle), s = std::sin(angle);
                const size_t x = p.style == RopeStyle::AdjacentPairs ? 2 * i : i;
                const size_t y = p.style == RopeStyle::AdjacentPairs ? 2 * i + 1 : i + pairs;
                const float x0 = head[x], x1 = head[y];
                head[x] = x0 * c - x1 * s;
                head[y] = x0 * s + x1 * c;
            }
        }
    }

    void attention(const Op& op, const float* q, float* dst, uint32_t chunk, unsigned thread) {
        const AttentionParams& p = op.attention;
        const size_t r = chunk / p.headCountKv;
        const uint32_t kvHead = chunk % p.headCountKv;
        const uint32_t group = p.headCount / p.headCountKv;
        const size_t kvDim = size_t(p.headCountKv) * p.headDim, qWidth = size_t(p.headCount) * p.headDim;
        const size_t end = size_t(m_input.startPosition) + r + 1;
        const size_t first = p.slidingWindow && end > p.slidingWindow ? end - p.slidingWindow : 0;
        AttentionSpan span;
        span.keys = m_keys[op.layer].get() + size_t(kvHead) * p.headDim;
        span.values = m_values[op.layer].get() + size_t(kvHead) * p.headDim;
        span.stride = kvDim;
        span.first = first;
        span.length = end - first;
        const size_t offset = r * qWidth + size_t(kvHead) * group * p.headDim;
        attendGroup(q + offset, group, p.headDim, span, p.scale, p.softCap, dst + offset,
                    m_scratch.data() + size_t(thread) * m_scratchFloats, m_weights->avx2);
    }

    std::shared_ptr<const Weights> m_weights;
    WorkerPool m_pool;
    uint32_t m_contextLength;
    std::vector<std::unique_ptr<uint16_t[]>> m_keys, m_values;  // per layer, [context x kvDim] fp16
    std::map<uint32_t, Plan> m_plans;
    std::vector<uint8_t> m_quantized;  // the current product's activations in the kernels' format
    std::vector<float> m_scratch;      // attention scratch, m_scratchFloats per thread
    size_t m_scratchFloats = 0;
    Progress m_progress;  // steps completed in the current evaluation
    // The evaluation in flight, read by every thread of the pool.
    const Graph* m_graph = nullptr;
    Plan* m_plan = nullptr;
    StepInput m_input;
};

class FastBackend final : public Backend {
public:
    FastBackend(std::shared_ptr<const Model> model, const CpuBackendOptions& options) {
        auto weights = std::make_shared<Weights>();
        weights->model = model;
        weights->isa = options.isa.value_or(kernels::selectedIsa());
        weights->avx2 = weights->isa >= Isa::Avx2 && cpuHasAvx2Fma16();
        weights->threads = options.threads ? options.threads : physicalCoreCount();
        const Graph graph = model->buildGraph(1);
        for (const Op& op : graph.ops)
            if (!executesNatively(op.kind)) weights->nativeGraph = false;
        if (weights->nativeGraph) {
            for (const Op& op : graph.ops) {
                if (op.kind == OpKind::MatMul && !weights->matrices.count(op.weight))
                    weights->matrices.emplace(op.weight, kernels::prepareMatrix(*op.weight, weights->isa));
                const bool norm = op.kind == OpKind::RmsNorm || op.kind == OpKind::HeadRmsNorm;
                for (const GgufTensorInfo* t : {norm ? op.weight : nullptr, op.bias,
                                                 op.kind == OpKind::Rope ? op.rope.freqFactors : nullptr})
                    if (t && !weights->small.count(t)) weights->small.emplace(t, reference::dequantizeTensor(*t));
            }
        } else {
            m_reference = createReferenceBackend(model, weights->threads);
        }
        m_weights = std::move(weights);
    }

    std::string name() const override { return "cpu"; }
    std::string deviceName() const override {
        std::string name = "CPU " + std::string(kernels::isaName(m_weights->isa)) + ", " +
                           std::to_string(m_weights->threads) + " threads";
        if (m_reference) name += " (on the reference: the model has an op kind the fast backend lacks)";
        return name;
    }
    bool supports(const Op& op) const override {
        if (op.weight && !traitsOf(op.weight->type).dequantize) return false;
        return executesNatively(op.kind) || (m_reference && m_reference->supports(op));
    }

    Result<std::unique_ptr<BackendContext>> createContext(uint32_t contextLength) override {
        if (m_reference) return m_reference->createContext(contextLength);
        if (contextLength == 0) return makeError("the context length must be at least 1");
        const ModelConfig& c = m_weights->model->config();
        const auto kvBytes = checkedProduct({contextLength, c.kvDim(), c.blockCount, 2, sizeof(uint16_t)});
        const std::string what = "the KV cache of a " + std::to_string(contextLength) + "-token context";
        if (!kvBytes) return makeError(what + " has a size beyond 64 bits; choose a smaller context (--ctx)");
        if (auto room = checkMemoryFor(*kvBytes, what); !room) return room.error();
        try {
            return std::unique_ptr<BackendContext>(std::make_unique<FastContext>(m_weights, contextLength));
        } catch (const std::bad_alloc&) {
            return makeError("not enough memory for " + what + " (" + std::to_string(*kvBytes >> 20) +
                             " MiB); choose a smaller context");
        }
    }

private:
    std::shared_ptr<const Weights> m_weights;
    std::unique_ptr<Backend> m_reference;  // only when the graph has an op kind not executed here
};

}  // namespace

bool executesNatively(OpKind kind) {
    switch (kind) {
        case OpKind::Embed:
        case OpKind::RmsNorm:
        case OpKind::HeadRmsNorm:
        case OpKind::MatMul:
        case OpKind::Rope:
        case OpKind::StoreKv:
        case OpKind::Attention:
        case OpKind::SwiGlu:
        case OpKind::GeGlu:
        case OpKind::Add:
        case OpKind::Scale:
        case OpKind::SoftCap:
        case OpKind::LastRow: return true;
        default: return false;
    }
}

std::unique_ptr<Backend> createCpuBackend(std::shared_ptr<const Model> model, const CpuBackendOptions& options) {
    return std::make_unique<FastBackend>(std::move(model), options);
}

}  // namespace confidant::inference::cpu

namespace confidant::inference {

std::unique_ptr<Backend> createCpuBackend(std::shared_ptr<const Model> model, unsigned threads) {
    return cpu::createCpuBackend(std::move(model), cpu::CpuBackendOptions{.threads = threads});
}

}  // namespace confidant::inference
