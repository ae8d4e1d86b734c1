#include "cpu/attention.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "cpu/kernels/matmul.h"
#include "tensor_type.h"

namespace confidant::inference::cpu {
namespace {

struct Scratch {
    float* scores;  // [group][k_keyTile]
    float* acc;     // [group][headDim]
    float* maxes;   // [group]
    float* sums;    // [group]
};

Scratch carve(float* scratch, uint32_t group, uint32_t headDim) {
    Scratch s;
    s.scores = scratch;
    s.acc = s.scores + size_t(group) * k_keyTile;
    s.maxes = s.acc + size_t(group) * headDim;
    s.sums = s.maxes + group;
    return s;
}

inline float capped(float score, float softCap) {
    return softCap > 0.0f ? softCap * std::tanh(score / softCap) : score;
}

// The online-softmax step shared by both paths: the tile's scores become weights relative to the
// new running maximum, and what was accumulated so far is rescaled to it.
inline void rescale(const Scratch& s, uint32_t group, uint32_t headDim, size_t n) {
    for (uint32_t g = 0; g < group; ++g) {
        float* scores = s.scores + size_t(g) * k_keyTile;
        float tileMax = -INFINITY;
        for (size_t t = 0; t < n; ++t) tileMax = std::max(tileMax, scores[t]);
        const float newMax = std::max(s.maxes[g], tileMax);
        const float correction = s.maxes[g] == -INFINITY ? 0.0f : std::exp(s.maxes[g] - newMax);
        float sum = s.sums[g] * correction;
        for (size_t t = 0; t < n; ++t) {
            scores[t] = std::exp(scores[t] - newMax);
            sum += scores[t];
        }
        s.sums[g] = sum;
        s.maxes[g] = newMax;
        if (correction != 1.0f) {
            float* acc = s.acc + size_t(g) * headDim;
            for (uint32_t i = 0; i < headDim; ++i) acc[i] *= correction;
        }
    }
}

void begin(const Scratch& s, uint32_t group, uint32_t headDim) {
    std::fill(s.acc, s.acc + size_t(group) * headDim, 0.0f);
    std::fill(s.maxes, s.maxes + group, -INFINITY);
    std::fill(s.sums, s.sums + group, 0.0f);
}

void finish(const Scratch& s, uint32_t group, uint32_t headDim, float* out) {
    for (uint32_t g = 0; g < group; ++g) {
        const float inverse = 1.0f / s.sums[g];
        for (uint32_t i = 0; i < headDim; ++i) out[size_t(g) * headDim + i] = s.acc[size_t(g) * headDim + i] * inverse;
    }
}

void attendScalar(const float* q, uint32_t group, uint32_t headDim, const AttentionSpan& span, float scale,
                  float softCap, float* out, const Scratch& s) {
    begin(s, group, headDim);
    for (size_t tile = 0; tile < span.length; tile += k_keyTile) {
        const size_t n = std::min(k_keyTile, span.length - tile);
        for (size_t t = 0; t < n; ++t) {
            const uint16_t* key = span.keys + (span.first + tile + t) * span.stride;
            for (uint32_t g = 0; g < group; ++g) {
                const float* query = q + size_t(g) * headDim;
                float dot = 0.0f;
                for (uint32_t i = 0; i < headDim; ++i) dot += query[i] * fp16ToFp32(key[i]);
                s.scores[size_t(g) * k_keyTile + t] = capped(dot * scale, softCap);
            }
        }
        rescale(s, group, headDim, n);
        for (size_t t = 0; t < n; ++t) {
            const uint16_t* value = span.values + (span.first + tile + t) * span.stride;
            for (uint32_t g = 0; g < group; ++g) {
                const float weight = s.scores[size_t(g) * k_keyTile + t];
                float* acc = s.acc + size_t(g) * headDim;
                for (uint32_t i = 0; i < headDim; ++i) acc[i] += weight * fp16ToFp32(value[i]);
            }
        }
    }
    finish(s, group, headDim, out);
}

__attribute__((target("avx2,fma,f16c"))) inline float horizontalSum(__m256 v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
}

__attribute__((target("avx2,fma,f16c"))) inline __m256 loadHalves(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

__attribute__((target("avx2,fma,f16c"))) void attendAvx2(const float* q, uint32_t group, uint32_t headDim,
                                                          const AttentionSpan& span, float scale, float softCap,
                                                          float* out, const Scratch& s) {
    begin(s, group, headDim);
    const uint32_t vectorEnd = headDim & ~7u;
    for (size_t tile = 0; tile < span.length; tile += k_keyTile) {
        const size_t n = std::min(k_keyTile, span.length - tile);
        for (size_t t = 0; t < n; ++t) {
            const uint16_t* key = span.keys + (span.first + tile + t) * span.stride;
            for (uint32_t g = 0; g < group; ++g) {
                const float* query = q + size_t(g) * headDim;
                __m256 sum = _mm256_setzero_ps();
                for (uint32_t i = 0; i < vectorEnd; i += 8)
                    sum = _mm256_fmadd_ps(_mm256_loadu_ps(query + i), loadHalves(key + i), sum);
                float dot = horizontalSum(sum);
                for (uint32_t i = vectorEnd; i < headDim; ++i) dot += query[i] * fp16ToFp32(key[i]);
                s.scores[size_t(g) * k_keyTile + t] = capped(dot * scale, softCap);
            }
        }
        rescale(s, group, headDim, n);
        for (size_t t = 0; t < n; ++t) {
            const uint16_t* value = span.values + (span.first + tile + t) * span.stride;
            for (uint32_t g = 0; g < group; ++g) {
                const float weight = s.scores[size_t(g) * k_keyTile + t];
                const __m256 w = _mm256_set1_ps(weight);
                float* acc = s.acc + size_t(g) * headDim;
                for (uint32_t i = 0; i < vectorEnd; i += 8)
                    _mm256_storeu_ps(acc + i, _mm256_fmadd_ps(w, loadHalves(value + i), _mm256_loadu_ps(acc + i)));
                for (uint32_t i = vectorEnd; i < headDim; ++i) acc[i] += weight * fp16ToFp32(value[i]);
            }
        }
    }
    finish(s, group, headDim, out);
}

__attribute__((target("avx2,fma,f16c"))) void storeHalvesAvx2(const float* src, uint16_t* dst, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < count; ++i) dst[i] = fp32ToFp16(src[i]);
}

}  // namespace

size_t attentionScratchFloats(uint32_t group, uint32_t headDim) {
    return size_t(group) * (k_keyTile + headDim) + 2 * size_t(group);
}

void attendGroup(const float* queries, uint32_t group, uint32_t headDim, const AttentionSpan& span, float scale,
                 float softCap, float* out, float* scratch, bool avx2) {
    const Scratch s = carve(scratch, group, headDim);
    if (avx2)
        attendAvx2(queries, group, headDim, span, scale, softCap, out, s);
    else
        attendScalar(queries, group, headDim, span, scale, softCap, out, s);
}

void storeHalves(const float* src, uint16_t* dst, size_t count, bool avx2) {
    if (avx2) {
        storeHalvesAvx2(src, dst, count);
        return;
    }
    for (size_t i = 0; i < count; ++i) dst[i] = fp32ToFp16(src[i]);
}

bool cpuHasAvx2Fma16() {
    // The kernels' detection (cpuid + xgetbv) requires AVX2 with FMA and F16C for its Avx2 level;
    // clang 14 knows no "f16c" for __builtin_cpu_supports.
    return kernels::machineIsa() >= kernels::Isa::Avx2;
}

}  // namespace confidant::inference::cpu
