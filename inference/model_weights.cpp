// Finding and validating weight tensors by their standard GGUF names.
#include "model_weights.h"

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

private:
    static Result<const GgufTensorInfo*> check(const GgufTensorInfo* t, std::vector<uint64_t> dims) {
        if (t->dims != dims)
            return makeError("tensor '" + t->name + "' has shape " + shapeText(t->dims) + ", expected " + shapeText(dims));
        if (!traitsOf(t->type).dequantize)
            return makeError("tensor '" + t->name + "' uses the tensor type " + std::string(tensorTypeName(t->type)) +
                             ", which Confidant cannot compute with yet; use a Q4_0, Q8_0, F16 or F32 file");
        return t;
    }
    const GgufFile& m_file;
};

}  // namespace

Result<ModelWeights> ModelWeights::fromGguf(const GgufFile& file, const ModelConfig& c) {
    const TensorFinder find(file);
    ModelWeights w;
    const uint64_t d = c.embeddingLength, f = c.feedForwardLength, v = c.vocabSize;

#define CONFIDANT_REQUIRE(target, name, ...)                 \
    do {                                                     \
        auto found = find.require(name, {__VA_ARGS__});      \
        if (!found) return found.error();                    \
        target = *found;                                     \
    } while (0)

    CONFIDANT_REQUIRE(w.tokenEmbedding, "token_embd.weight", d, v);
    CONFIDANT_REQUIRE(w.outputNorm, "output_norm.weight", d);
    auto output = find.optional("output.weight", {d, v});
    if (!output) return output.error();
    w.output = *output ? *output : w.tokenEmbedding;
    auto ropeFreqs = find.optional("rope_freqs.weight", {c.ropeDimensionCount / 2});
    if (!ropeFreqs) return ropeFreqs.error();
    w.ropeFreqs = *ropeFreqs;

    w.layers.resize(c.blockCount);
    for (uint32_t i = 0; i < c.blockCount; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        LayerWeights& l = w.layers[i];
        CONFIDANT_REQUIRE(l.attentionNorm, p + "attn_norm.weight", d);
        CONFIDANT_REQUIRE(l.wq, p + "attn_q.weight", d, c.qDim());
        CONFIDANT_REQUIRE(l.wk, p + "attn_k.weight", d, c.kvDim());
        CONFIDANT_REQUIRE(l.wv, p + "attn_v.weight", d, c.kvDim());
        CONFIDANT_REQUIRE(l.wo, p + "attn_output.weight", c.qDim(), d);
        CONFIDANT_REQUIRE(l.ffnNorm, p + "ffn_norm.weight", d);
        CONFIDANT_REQUIRE(l.ffnGate, p + "ffn_gate.weight", d, f);
        CONFIDANT_REQUIRE(l.ffnUp, p + "ffn_up.weight", d, f);
        CONFIDANT_REQUIRE(l.ffnDown, p + "ffn_down.weight", f, d);
    }
#undef CONFIDANT_REQUIRE
    return w;
}

}  // namespace confidant::inference
