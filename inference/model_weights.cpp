// Finding and validating weight tensors by their standard GGUF names, per architecture.
#include "model_weights.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace confidant::inference {
namespace {

std::string shapeText(const std::vector<uint64_t>& dims) {
    std::string s = "[";
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
    return s + "]";
}

class TensorFinder {
public:
    explicit TensorFinder(const GgufFile& file) : m_file(file) {}

    // The tensor `name` with exactly the shape `dims`, in a type Confidant can compute with.
    Result<const GgufTensorInfo*> require(const std::string& name, std::vector<uint64_t> dims) const {
        const GgufTensorInfo* t = m_file.findTensor(name);
        if (!t) return makeError("the model file lacks the tensor '" + name + "'");
        return check(t, std::move(dims));
    }
    Result<const GgufTensorInfo*> optional(const std::string& name, std::vector<uint64_t> dims) const {
        const GgufTensorInfo* t = m_file.findTensor(name);
        if (!t) return static_cast<const GgufTensorInfo*>(nullptr);
        return check(t, std::move(dims));
    }
    bool has(const std::string& name) const { return m_file.findTensor(name) != nullptr; }

private:
    static Result<const GgufTensorInfo*> check(const GgufTensorInfo* t, std::vector<uint64_t> dims) {
        if (t->dims != dims)
            return makeError("tensor '" + t->name + "' has shape " + shapeText(t->dims) + ", expected " + shapeText(dims));
        if (!traitsOf(t->type).dequantize)
            return makeError("tensor '" + t->name + "' uses the tensor type " + std::string(tensorTypeName(t->type)) +
                             ", which Confidant cannot compute with yet");
        return t;
    }
    const GgufFile& m_file;
};

// Llama 3.1's frequency-dependent RoPE scaling, as divisors of each pair's base frequency:
// long wavelengths are slowed by `factor`, short ones kept, the band between blended smoothly.
std::vector<float> llama3RopeDivisors(const ModelConfig& c) {
    const uint32_t pairs = c.ropeDimensionCount / 2;
    const float original = float(c.ropeOriginalContext ? c.ropeOriginalContext : 8192);
    const float lowWavelength = original / c.ropeLowFreqFactor;
    const float highWavelength = original / c.ropeHighFreqFactor;
    std::vector<float> divisors(pairs);
    for (uint32_t i = 0; i < pairs; ++i) {
        const float frequency = 1.0f / std::pow(c.ropeFreqBase, float(2 * i) / float(c.ropeDimensionCount));
        const float wavelength = 2.0f * std::numbers::pi_v<float> / frequency;
        if (wavelength < highWavelength) {
            divisors[i] = 1.0f;
        } else if (wavelength > lowWavelength) {
            divisors[i] = c.ropeScalingFactor;
        } else {
            const float smooth = (original / wavelength - c.ropeLowFreqFactor) / (c.ropeHighFreqFactor - c.ropeLowFreqFactor);
            const float scaled = (1.0f - smooth) * frequency / c.ropeScalingFactor + smooth * frequency;
            divisors[i] = frequency / scaled;
        }
    }
    return divisors;
}

}  // namespace

const GgufTensorInfo* ModelWeights::rowView(const GgufTensorInfo& fused, uint64_t firstRow, uint64_t rows,
                                            const char* part) {
    auto owned = std::make_unique<OwnedTensor>();
    GgufTensorInfo& v = owned->info;
    v.name = fused.name + "[" + part + "]";
    v.type = fused.type;
    v.dims = {fused.dims[0], rows};
    v.elementCount = fused.dims[0] * rows;
    const uint64_t rowSize = rowBytes(fused.type, fused.dims[0]);
    v.byteSize = rowSize * rows;
    v.offset = fused.offset + rowSize * firstRow;
    v.data = fused.data + rowSize * firstRow;
    m_owned.push_back(std::move(owned));
    return &m_owned.back()->info;
}

const GgufTensorInfo* ModelWeights::computedVector(std::string name, std::vector<float> values) {
    auto owned = std::make_unique<OwnedTensor>();
    owned->storage = std::move(values);
    GgufTensorInfo& v = owned->info;
    v.name = std::move(name);
    v.type = TensorType::F32;
    v.dims = {owned->storage.size()};
    v.elementCount = owned->storage.size();
    v.byteSize = v.elementCount * sizeof(float);
    v.data = reinterpret_cast<const uint8_t*>(owned->storage.data());
    m_owned.push_back(std::move(owned));
    return &m_owned.back()->info;
}

Result<ModelWeights> ModelWeights::fromGguf(const GgufFile& file, const ModelConfig& c) {
    const TensorFinder find(file);
    ModelWeights w;
    const uint64_t d = c.embeddingLength, f = c.feedForwardLength, v = c.vocabSize;
    const uint64_t qDim = c.qDim(), kvDim = c.kvDim();

#define CONFIDANT_TAKE(target, lookup)       \
    do {                                     \
        auto found = lookup;                 \
        if (!found) return found.error();    \
        target = *found;                     \
    } while (0)

    CONFIDANT_TAKE(w.tokenEmbedding, find.require("token_embd.weight", {d, v}));
    CONFIDANT_TAKE(w.outputNorm, find.require("output_norm.weight", {d}));
    CONFIDANT_TAKE(w.output, find.optional("output.weight", {d, v}));
    if (!w.output) w.output = w.tokenEmbedding;

    const uint64_t pairs = c.ropeDimensionCount / 2;
    CONFIDANT_TAKE(w.ropeFreqs, find.optional("rope_freqs.weight", {pairs}));
    // Phi-3's long-context variants carry two factor sets; the short one fits the contexts the
    // app uses by default (up to the original training context).
    if (!w.ropeFreqs) CONFIDANT_TAKE(w.ropeFreqs, find.optional("rope_factors_short.weight", {pairs}));
    if (!w.ropeFreqs && c.ropeScalingType == "llama3")
        w.ropeFreqs = w.computedVector("rope_freqs(llama3)", llama3RopeDivisors(c));
    if (!w.ropeFreqs && c.ropeScalingType == "linear" && c.ropeScalingFactor != 1.0f)
        w.ropeFreqs = w.computedVector("rope_freqs(linear)", std::vector<float>(pairs, c.ropeScalingFactor));

    // Layers are added as their tensors are found, so that a block_count far beyond the file's
    // tensors costs nothing before the first missing tensor is reported.
    w.layers.reserve(std::min<size_t>(c.blockCount, file.tensors().size()));
    for (uint32_t i = 0; i < c.blockCount; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        LayerWeights& l = w.layers.emplace_back();
        CONFIDANT_TAKE(l.attentionNorm, find.require(p + "attn_norm.weight", {d}));
        if (find.has(p + "attn_qkv.weight")) {
            const GgufTensorInfo* qkv = nullptr;
            CONFIDANT_TAKE(qkv, find.require(p + "attn_qkv.weight", {d, qDim + 2 * kvDim}));
            l.wq = w.rowView(*qkv, 0, qDim, "q");
            l.wk = w.rowView(*qkv, qDim, kvDim, "k");
            l.wv = w.rowView(*qkv, qDim + kvDim, kvDim, "v");
        } else {
            CONFIDANT_TAKE(l.wq, find.require(p + "attn_q.weight", {d, qDim}));
            CONFIDANT_TAKE(l.wk, find.require(p + "attn_k.weight", {d, kvDim}));
            CONFIDANT_TAKE(l.wv, find.require(p + "attn_v.weight", {d, kvDim}));
        }
        if (c.family == Architecture::Qwen2) {
            CONFIDANT_TAKE(l.bq, find.require(p + "attn_q.bias", {qDim}));
            CONFIDANT_TAKE(l.bk, find.require(p + "attn_k.bias", {kvDim}));
            CONFIDANT_TAKE(l.bv, find.require(p + "attn_v.bias", {kvDim}));
        }
        if (c.family == Architecture::Qwen3) {
            CONFIDANT_TAKE(l.qNorm, find.require(p + "attn_q_norm.weight", {c.headDim}));
            CONFIDANT_TAKE(l.kNorm, find.require(p + "attn_k_norm.weight", {c.headDim}));
        }
        CONFIDANT_TAKE(l.wo, find.require(p + "attn_output.weight", {qDim, d}));
        CONFIDANT_TAKE(l.ffnNorm, find.require(p + "ffn_norm.weight", {d}));
        if (c.family == Architecture::Phi3 && !find.has(p + "ffn_gate.weight")) {
            // Phi-3 stores [gate; up] as one matrix of 2f rows.
            const GgufTensorInfo* gateUp = nullptr;
            CONFIDANT_TAKE(gateUp, find.require(p + "ffn_up.weight", {d, 2 * f}));
            l.ffnGate = w.rowView(*gateUp, 0, f, "gate");
            l.ffnUp = w.rowView(*gateUp, f, f, "up");
        } else {
            CONFIDANT_TAKE(l.ffnGate, find.require(p + "ffn_gate.weight", {d, f}));
            CONFIDANT_TAKE(l.ffnUp, find.require(p + "ffn_up.weight", {d, f}));
        }
        CONFIDANT_TAKE(l.ffnDown, find.require(p + "ffn_down.weight", {f, d}));
        if (c.family == Architecture::Gemma2) {
            CONFIDANT_TAKE(l.postAttentionNorm, find.require(p + "post_attention_norm.weight", {d}));
            CONFIDANT_TAKE(l.postFfnNorm, find.require(p + "post_ffw_norm.weight", {d}));
        }
    }
#undef CONFIDANT_TAKE
    return w;
}

}  // namespace confidant::inference
