// Reference fp32 operations. Sums run in index order, as llama2.c's do.
#include "reference/reference_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace confidant::inference::reference {

std::vector<float> dequantizeTensor(const GgufTensorInfo& t) {
    std::vector<float> out(t.elementCount);
    traitsOf(t.type).dequantize(t.data, out.data(), t.elementCount);
    return out;
}

void embed(const GgufTensorInfo& table, std::span<const TokenId> tokens, float* dst) {
    const size_t d = table.dims[0];
    const size_t bytesPerRow = rowBytes(table.type, d);
    const auto dequantize = traitsOf(table.type).dequantize;
    for (size_t r = 0; r < tokens.size(); ++r)
        dequantize(table.data + size_t(tokens[r]) * bytesPerRow, dst + r * d, d);
}

void rmsNorm(const float* x, const float* weight, float* dst, size_t rows, size_t cols, float eps) {
    for (size_t r = 0; r < rows; ++r) {
        const float* in = x + r * cols;
        float sumSquares = 0.0f;
        for (size_t i = 0; i < cols; ++i) sumSquares += in[i] * in[i];
        const float scale = 1.0f / std::sqrt(sumSquares / float(cols) + eps);
        for (size_t i = 0; i < cols; ++i) dst[r * cols + i] = weight[i] * (scale * in[i]);
    }
}

void matMul(const GgufTensorInfo& w, const float* bias, const float* x, size_t rows, float* dst, ThreadPool& pool) {
    const size_t inDim = w.dims[0];
    const size_t outDim = w.rows();
    const size_t bytesPerRow = rowBytes(w.type, inDim);
    const auto dequantize = traitsOf(w.type).dequantize;
    pool.parallelFor(outDim, [&](size_t begin, size_t end) {
        std::vector<float> row(inDim);
        for (size_t i = begin; i < end; ++i) {
            dequantize(w.data + i * bytesPerRow, row.data(), inDim);
            for (size_t r = 0; r < rows; ++r) {
                const float* in = x + r * inDim;
                float sum = 0.0f;
                for (size_t j = 0; j < inDim; ++j) sum += row[j] * in[j];
                dst[r * outDim + i] = bias ? sum + bias[i] : sum;
            }
        }
    });
}

void rope(float* x, size_t rows, uint32_t startPosition, const RopeParams& p, const float* freqFactors) {
    const size_t width = size_t(p.headCount) * p.headDim;
    const uint32_t pairs = p.dimensions / 2;
    for (size_t r = 0; r < rows; ++r) {
        const float position = float(startPosition + r);
        for (uint32_t h = 0; h < p.headCount; ++h) {
            float* head = x + r * width + size_t(h) * p.headDim;
            for (uint32_t i = 0; i < pairs; ++i) {
                float frequency = 1.0f / std::pow(p.freqBase, float(2 * i) / float(p.dimensions));
                if (freqFactors) frequency /= freqFactors[i];
                const float angle = position * frequency;
                const float c = std::cos(angle), s = std::sin(angle);
                // Adjacent pairs rotate (2i, 2i+1); NeoX rotates (i, i + dimensions/2).
                const size_t a = p.style == RopeStyle::AdjacentPairs ? 2 * i : i;
                const size_t b = p.style == RopeStyle::AdjacentPairs ? 2 * i + 1 : i + pairs;
                const float x0 = head[a], x1 = head[b];
                head[a] = x0 * c - x1 * s;
                head[b] = x0 * s + x1 * c;
            }
        }
    }
}

void storeKv(KvLayer& cache, size_t kvDim, const float* k, const float* v, size_t rows, uint32_t startPosition) {
    std::memcpy(cache.keys.data() + size_t(startPosition) * kvDim, k, rows * kvDim * sizeof(float));
    std::memcpy(cache.values.data() + size_t(startPosition) * kvDim, v, rows * kvDim * sizeof(float));
}

void attention(const float* q, size_t rows, uint32_t startPosition, const KvLayer& cache, const AttentionParams& p,
               float* dst, ThreadPool& pool) {
    const size_t qWidth = size_t(p.headCount) * p.headDim;
    const size_t kvDim = size_t(p.headCountKv) * p.headDim;
    const uint32_t group = p.headCount / p.headCountKv;
    pool.parallelFor(rows * p.headCount, [&](size_t begin, size_t end) {
        std::vector<float> scores;
        for (size_t job = begin; job < end; ++job) {
            const size_t r = job / p.headCount;
            const uint32_t h = uint32_t(job % p.headCount);
            const size_t end = startPosition + r + 1;  // causal: this position and all before it
            const size_t first = p.slidingWindow && end > p.slidingWindow ? end - p.slidingWindow : 0;
            const size_t length = end - first;
            const float* query = q + r * qWidth + size_t(h) * p.headDim;
            const size_t kvOffset = size_t(h / group) * p.headDim;
            scores.resize(length);
            float maxScore = -INFINITY;
            for (size_t t = 0; t < length; ++t) {
                const float* key = cache.keys.data() + (first + t) * kvDim + kvOffset;
                float dot = 0.0f;
                for (uint32_t i = 0; i < p.headDim; ++i) dot += query[i] * key[i];
                scores[t] = dot * p.scale;
                if (p.softCap > 0.0f) scores[t] = p.softCap * std::tanh(scores[t] / p.softCap);
                maxScore = std::max(maxScore, scores[t]);
            }
            float sum = 0.0f;
            for (size_t t = 0; t < length; ++t) {
                scores[t] = std::exp(scores[t] - maxScore);
                sum += scores[t];
            }
            float* out = dst + r * qWidth + size_t(h) * p.headDim;
            std::fill(out, out + p.headDim, 0.0f);
            for (size_t t = 0; t < length; ++t) {
                const float weight = scores[t] / sum;
                const float* value = cache.values.data() + (first + t) * kvDim + kvOffset;
                for (uint32_t i = 0; i < p.headDim; ++i) out[i] += weight * value[i];
            }
        }
    });
}

void swiGlu(const float* gate, const float* up, float* dst, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        const float g = gate[i];
        dst[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

void geGlu(const float* gate, const float* up, float* dst, size_t count) {
    constexpr float k_sqrt2OverPi = 0.7978845608028654f;
    for (size_t i = 0; i < count; ++i) {
        const float g = gate[i];
        dst[i] = 0.5f * g * (1.0f + std::tanh(k_sqrt2OverPi * (g + 0.044715f * g * g * g))) * up[i];
    }
}

void add(const float* a, const float* b, float* dst, size_t count) {
    for (size_t i = 0; i < count; ++i) dst[i] = a[i] + b[i];
}

void scale(const float* a, float factor, float* dst, size_t count) {
    for (size_t i = 0; i < count; ++i) dst[i] = a[i] * factor;
}

void softCap(const float* a, float cap, float* dst, size_t count) {
    for (size_t i = 0; i < count; ++i) dst[i] = cap * std::tanh(a[i] / cap);
}

}  // namespace confidant::inference::reference
