// The llama-style decoder as an op list. It covers llama (Llama 1/2/3, TinyLlama, Mistral,
// llama2.c models), qwen2 (Q/K/V biases, NeoX RoPE), qwen3 (per-head Q/K RMS norms before RoPE,
// NeoX RoPE) and phi3 (fused tensors, presented as views by ModelWeights; NeoX RoPE) — they differ
// only in what the config and weights say:
//   x = embed(tokens)
//   per layer: h = x + Wo·attention(rope(Wq·norm(x)), rope(Wk·norm(x)), Wv·norm(x))
//              x = h + Wdown·(silu(Wgate·norm(h)) * Wup·norm(h))
//   logits = Woutput·norm(x[last])
#include <cmath>

#include "model.h"

namespace confidant::inference {

Graph buildLlamaGraph(const ModelConfig& c, const ModelWeights& w, uint32_t n) {
    Graph g;
    g.tokenCount = n;
    const uint32_t d = c.embeddingLength;
    const ActivationId x = g.addActivation("x", n, d);          // residual stream
    const ActivationId xn = g.addActivation("x_norm", n, d);
    const ActivationId q = g.addActivation("q", n, c.qDim());
    const ActivationId k = g.addActivation("k", n, c.kvDim());
    const ActivationId v = g.addActivation("v", n, c.kvDim());
    const ActivationId att = g.addActivation("attention", n, c.qDim());
    const ActivationId proj = g.addActivation("projection", n, d);
    const ActivationId gate = g.addActivation("ffn_gate", n, c.feedForwardLength);
    const ActivationId up = g.addActivation("ffn_up", n, c.feedForwardLength);
    const ActivationId last = g.addActivation("last", 1, d);
    const ActivationId lastNorm = g.addActivation("last_norm", 1, d);
    g.logits = g.addActivation("logits", 1, c.vocabSize);

    const RopeParams rope{c.ropeStyle, 0, c.headDim, c.ropeDimensionCount, c.ropeFreqBase, w.ropeFreqs};
    RopeParams ropeQ = rope, ropeK = rope;
    ropeQ.headCount = c.headCount;
    ropeK.headCount = c.headCountKv;
    const AttentionParams attention{c.headCount, c.headCountKv, c.headDim, 1.0f / std::sqrt(float(c.headDim))};

    g.ops.push_back({.kind = OpKind::Embed, .dst = x, .weight = w.tokenEmbedding});
    for (uint32_t l = 0; l < c.blockCount; ++l) {
        const LayerWeights& lw = w.layers[l];
        g.ops.push_back({.kind = OpKind::RmsNorm, .dst = xn, .a = x, .weight = lw.attentionNorm, .epsilon = c.rmsEpsilon});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = q, .a = xn, .weight = lw.wq, .bias = lw.bq});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = k, .a = xn, .weight = lw.wk, .bias = lw.bk});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = v, .a = xn, .weight = lw.wv, .bias = lw.bv});
        if (lw.qNorm) {  // qwen3: each head of Q and K RMS-normalized before RoPE
            g.ops.push_back({.kind = OpKind::HeadRmsNorm, .dst = q, .a = q, .weight = lw.qNorm, .epsilon = c.rmsEpsilon});
            g.ops.push_back({.kind = OpKind::HeadRmsNorm, .dst = k, .a = k, .weight = lw.kNorm, .epsilon = c.rmsEpsilon});
        }
        g.ops.push_back({.kind = OpKind::Rope, .dst = q, .a = q, .rope = ropeQ});
        g.ops.push_back({.kind = OpKind::Rope, .dst = k, .a = k, .rope = ropeK});
        g.ops.push_back({.kind = OpKind::StoreKv, .a = k, .b = v, .layer = l});
        g.ops.push_back({.kind = OpKind::Attention, .dst = att, .a = q, .layer = l, .attention = attention});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = proj, .a = att, .weight = lw.wo});
        g.ops.push_back({.kind = OpKind::Add, .dst = x, .a = x, .b = proj});
        g.ops.push_back({.kind = OpKind::RmsNorm, .dst = xn, .a = x, .weight = lw.ffnNorm, .epsilon = c.rmsEpsilon});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = gate, .a = xn, .weight = lw.ffnGate});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = up, .a = xn, .weight = lw.ffnUp});
        g.ops.push_back({.kind = OpKind::SwiGlu, .dst = gate, .a = gate, .b = up});
        g.ops.push_back({.kind = OpKind::MatMul, .dst = proj, .a = gate, .weight = lw.ffnDown});
        g.ops.push_back({.kind = OpKind::Add, .dst = x, .a = x, .b = proj});
    }
    g.ops.push_back({.kind = OpKind::LastRow, .dst = last, .a = x});
    g.ops.push_back({.kind = OpKind::RmsNorm, .dst = lastNorm, .a = last, .weight = w.outputNorm, .epsilon = c.rmsEpsilon});
    g.ops.push_back({.kind = OpKind::MatMul, .dst = g.logits, .a = lastNorm, .weight = w.output});
    return g;
}

}  // namespace confidant::inference
