// The reference implementation of every graph operation: plain fp32 loops written for reading.
// These functions are the oracle the Vulkan kernels are checked against, op by op.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "reference/thread_pool.h"
#include "graph.h"
#include "vocabulary.h"

namespace confidant::inference::reference {

// All rows of a tensor as fp32, [rows x rowLength].
std::vector<float> dequantizeTensor(const GgufTensorInfo& tensor);

// dst[r] = row tokens[r] of the embedding table; dst is [tokens x d].
void embed(const GgufTensorInfo& table, std::span<const TokenId> tokens, float* dst);

// dst[r] = x[r] * weight / sqrt(mean(x[r]^2) + eps), for `rows` rows of `cols`.
void rmsNorm(const float* x, const float* weight, float* dst, size_t rows, size_t cols, float eps);

// dst[r][i] = dot(W[i], x[r]) (+ bias[i]); W is [outDim x inDim] in its file type, x is
// [rows x inDim], dst is [rows x outDim]. Rows of W are split across the pool's threads.
void matMul(const GgufTensorInfo& w, const float* bias, const float* x, size_t rows, float* dst, ThreadPool& pool);

// Rotates each head of x ([rows x headCount*headDim]) by the angle of its position start+r.
void rope(float* x, size_t rows, uint32_t startPosition, const RopeParams& params, const float* freqFactors);

// One layer's KV cache: [contextLength x kvDim] for keys and for values.
struct KvLayer {
    std::vector<float> keys;
    std::vector<float> values;
};

void storeKv(KvLayer& cache, size_t kvDim, const float* k, const float* v, size_t rows, uint32_t startPosition);

// dst[r] = softmax(q[r]·K[first..start+r] * scale) · V, per head, keys shared by head groups;
// first is 0, or start+r+1-slidingWindow with a window; scores are soft-capped when asked.
void attention(const float* q, size_t rows, uint32_t startPosition, const KvLayer& cache, const AttentionParams& params,
               float* dst, ThreadPool& pool);

// dst = silu(gate) * up, element-wise.
void swiGlu(const float* gate, const float* up, float* dst, size_t count);

// dst = gelu(gate) * up, element-wise, GELU in its tanh approximation.
void geGlu(const float* gate, const float* up, float* dst, size_t count);

// dst = a + b, element-wise.
void add(const float* a, const float* b, float* dst, size_t count);

// dst = a * factor, element-wise.
void scale(const float* a, float factor, float* dst, size_t count);

// dst = cap * tanh(a / cap), element-wise.
void softCap(const float* a, float cap, float* dst, size_t count);

}  // namespace confidant::inference::reference
