// Gemma 2 as an op list. Differences from llama: embeddings scaled by sqrt(d); RMSNorm after the
// attention and FFN outputs too ("post" norms; GGUF stores Gemma's norm weights with the +1
// already added); GeGLU FFN; attention scores and final logits soft-capped; queries scaled by
// 1/sqrt(query_pre_attn_scalar); even layers attend over a sliding window.
#include <cmath>

#include "model.h"

namespace confidant::inference {

Graph buildGemma2Graph(const ModelConfig& c, const ModelWeights& w, uint32_t n) {
    Graph g;
    g.tokenCount = n;
    const uint32_t d = c.embeddingLength;
    const ActivationId x = g.addActivation("x", n, d);
    const ActivationId xn = g.addActivation("x_norm", n, d);
    const ActivationId q = g.addActivation("q", n, c.qDim());
    const ActivationId k = g.addActivation("k", n, c.kvDim());
    const ActivationId v = g.addActivation("v", n, c.kvDim());
    const ActivationId att = g.addActivation("attention", n, c.qDim());
    const ActivationId proj = g.addActivation("projection", n, d);
    const ActivationId projNorm = g.addActivation("projection_norm", n, d);
    const ActivationId gate = g.addActivation("ffn_gate", n, c.feedForwardLength);
    const ActivationId up = g.addActivation("ffn_up", n, c.feedForwardLength);
    const ActivationId last = g.addActivation("last", 1, d);
    const ActivationId lastNorm = g.addActivation("last_norm", 1, d);
    const ActivationId rawLogits = g.addActivation("raw_logits", 1, c.vocabSize);
    g.logits = g.addActivation("logits", 1, c.vocabSize);

    RopeParams ropeQ{c.ropeStyle, c.headCount, c.headDim, c.ropeDimensionCount, c.ropeFreqBase, w.ropeFreqs};
    RopeParams ropeK = ropeQ;
    ropeK.headCount = c.headCountKv;
    const float queryScale = c.queryScale > 0 ? c.queryScale : 1.0f / std::sqrt(float(c.headDim));

    g.ops.push_back({.kind = OpKind::Embed, .dst = x, .weight = w.tokenEmbedding});
    g.ops.push_back({.kind = OpKind::Scale, .dst = x, .a = x, .scalar = std::sqrt(float(d))});
    for (uint32_t l = 0; l < c.blockCount; ++l) {
        const LayerWeights& lw = w.layers[l];
        const AttentionParams attention{c.headCount, c.headCountKv, c.headDim, queryScale, c.attentionSoftCap,
                                        l % 2 == 0 ? c.slidingWindow : 0};
        g.ops.push_back({.kind = OpKind::RmsNorm, .dst = xn, .a = x, .weight = lw.attentionNorm, .epsilon = c.rmsEpsilon});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = q, .a = xn, .weight = lw.wq});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = k, .a = xn, .weight = lw.wk});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = v, .a = xn, .weight = lw.wv});
        g.ops.push_back({.kind = OpKind::Rope, .dst = q, .a = q, .rope = ropeQ});
        g.ops.push_back({.kind = OpKind::Rope, .dst = k, .a = k, .rope = ropeK});
        g.ops.push_back({.kind = OpKind::StoreKv, .a = k, .b = v, .layer = l});
        g.ops.push_back({.kind = OpKind::Attention, .dst = att, .a = q, .layer = l, .attention = attention});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = proj, .a = att, .weight = lw.wo});
        g.ops.push_back({.kind = OpKind::RmsNorm, .dst = projNorm, .a = proj, .weight = lw.postAttentionNorm, .epsilon = c.rmsEpsilon});
        g.ops.push_back({.kind = OpKind::Add, .dst = x, .a = x, .b = projNorm});
        g.ops.push_back({.kind = OpKind::RmsNorm, .dst = xn, .a = x, .weight = lw.ffnNorm, .epsilon = c.rmsEpsilon});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = gate, .a = xn, .weight = lw.ffnGate});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = up, .a = xn, .weight = lw.ffnUp});
        g.ops.push_back({.kind = OpKind::GeGlu, .dst = gate, .a = gate, .b = up});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = proj, .a = gate, .weight = lw.ffnDown});
        g.ops.push_back({.kind = OpKind::RmsNorm, .dst = projNorm, .a = proj, .weight = lw.postFfnNorm, .epsilon = c.rmsEpsilon});
        g.ops.push_back({.kind = OpKind::Add, .dst = x, .a = x, .b = projNorm});
    }
    g.ops.push_back({.kind = OpKind::LastRow, .dst = last, .a = x});
    g.ops.push_back({.kind = OpKind::RmsNorm, .dst = lastNorm, .a = last, .weight = w.outputNorm, .epsilon = c.rmsEpsilon});
    g.ops.push_back({.kind = OpKind::MatMul, .dst = rawLogits, .a = lastNorm, .weight = w.output});
    if (c.finalSoftCap > 0)
        g.ops.push_back({.kind = OpKind::SoftCap, .dst = g.logits, .a = rawLogits, .scalar = c.finalSoftCap});
    else
        g.ops.push_back({.kind = OpKind::Scale, .dst = g.logits, .a = rawLogits, .scalar = 1.0f});
    return g;
}

}  // namespace confidant::inference
