// The AVX2 (+FMA, F16C) kernels. Compiled for baseline x86-64 like the rest of the binary: every
// function here carries a target attribute (not per-file -mavx2, which would let the compiler put
// AVX2 code into inline functions shared with baseline files), and none runs before machineIsa()
// has seen the features. Integer products use maddubs (unsigned x signed bytes -> pairs of int16)
// and madd (int16 pairs -> int32): weights are made unsigned, or their sign moved onto the
// activation, so that the unsigned operand is always the weight and no pair sum saturates.
#include "cpu/kernels/kernel_table.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstring>

#include "quants/quants.h"

#define CONFIDANT_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace confidant::inference::cpu::kernels {
namespace {

using quants::BlockQ8_K;

CONFIDANT_AVX2 inline float horizontalSum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

CONFIDANT_AVX2 inline float loadHalf(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, sizeof h);
    return _cvtsh_ss(h);
}

CONFIDANT_AVX2 inline __m256i loadBytes(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// 16 bytes of nibbles -> 32 bytes: low nibbles (elements 0..15) in the low lane, high nibbles
// (16..31) in the high lane, as Q4_0 and IQ4_NL order a block.
CONFIDANT_AVX2 inline __m256i splitNibbles16(const uint8_t* p) {
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(q, 4), q);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

// ---- weights in blocks of 32 against ActivationBlock32 ---------------------------------------
// Each weight type gives its block as 32 signed bytes and an fp32 scale; the product of a block
// pair is maddubs(|w|, sign(a, w)) summed to int32, scaled by both block scales.

struct Q4_0Blocks {
    static constexpr size_t k_bytes = sizeof(quants::BlockQ4_0);
    CONFIDANT_AVX2 static __m256i values(const uint8_t* block) {
        return _mm256_sub_epi8(splitNibbles16(block + 2), _mm256_set1_epi8(8));
    }
};

struct Q8_0Blocks {
    static constexpr size_t k_bytes = sizeof(quants::BlockQ8_0);
    CONFIDANT_AVX2 static __m256i values(const uint8_t* block) { return loadBytes(block + 2); }
};

struct IQ4_NLBlocks {
    static constexpr size_t k_bytes = sizeof(quants::BlockIQ4_NL);
    CONFIDANT_AVX2 static __m256i values(const uint8_t* block) {
        const __m128i table = _mm_loadu_si128(reinterpret_cast<const __m128i*>(quants::k_iq4nlValues));
        return _mm256_shuffle_epi8(_mm256_set_m128i(table, table), splitNibbles16(block + 2));
    }
};

// R weight rows x T activation rows, all blocks of the row: the weights of a block are unpacked
// once for T tokens, each activation block is loaded once for R rows.
template <class W, int R, int T>
CONFIDANT_AVX2 void tileBlocks32(const uint8_t* w, size_t rowBytes, const ActivationBlock32* a, size_t blocks,
                                 float* y, size_t ldy) {
    __m256 acc[R][T];
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    for (size_t b = 0; b < blocks; ++b) {
        __m256i magnitude[R], sign[R];
        __m256 scale[R];
        for (int r = 0; r < R; ++r) {
            const uint8_t* block = w + size_t(r) * rowBytes + b * W::k_bytes;
            sign[r] = W::values(block);
            magnitude[r] = _mm256_sign_epi8(sign[r], sign[r]);
            scale[r] = _mm256_set1_ps(loadHalf(block));
        }
        for (int t = 0; t < T; ++t) {
            const ActivationBlock32& ab = a[size_t(t) * blocks + b];
            const __m256i q = loadBytes(ab.qs);
            const __m256 d = _mm256_set1_ps(ab.d);
            for (int r = 0; r < R; ++r) {
                const __m256i pairs = _mm256_maddubs_epi16(magnitude[r], _mm256_sign_epi8(q, sign[r]));
                const __m256 sums = _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, ones));
                acc[r][t] = _mm256_fmadd_ps(sums, _mm256_mul_ps(scale[r], d), acc[r][t]);
            }
        }
    }
    for (int t = 0; t < T; ++t)
        for (int r = 0; r < R; ++r) y[size_t(t) * ldy + size_t(r)] = horizontalSum(acc[r][t]);
}

// ---- F32 / F16 / BF16 weights against fp32 activations --------------------------------------

struct F32Values {
    static constexpr size_t k_bytes = 4;
    CONFIDANT_AVX2 static __m256 load8(const uint8_t* p) { return _mm256_loadu_ps(reinterpret_cast<const float*>(p)); }
    CONFIDANT_AVX2 static float load1(const uint8_t* p) {
        float f;
        std::memcpy(&f, p, sizeof f);
        return f;
    }
};

struct F16Values {
    static constexpr size_t k_bytes = 2;
    CONFIDANT_AVX2 static __m256 load8(const uint8_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    CONFIDANT_AVX2 static float load1(const uint8_t* p) { return loadHalf(p); }
};

struct BF16Values {
    static constexpr size_t k_bytes = 2;
    CONFIDANT_AVX2 static __m256 load8(const uint8_t* p) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
    }
    CONFIDANT_AVX2 static float load1(const uint8_t* p) {
        uint16_t h;
        std::memcpy(&h, p, sizeof h);
        const uint32_t bits = uint32_t(h) << 16;
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
    }
};

template <class V, int R, int T>
CONFIDANT_AVX2 void tileFloat(const uint8_t* w, size_t rowBytes, const float* a, size_t n, float* y, size_t ldy) {
    __m256 acc[R][T];
    for (int r = 0; r < R; ++r)
        for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
    const size_t vectorEnd = n / 8 * 8;
    for (size_t j = 0; j < vectorEnd; j += 8) {
        __m256 wv[R];
        for (int r = 0; r < R; ++r) wv[r] = V::load8(w + size_t(r) * rowBytes + j * V::k_bytes);
        for (int t = 0; t < T; ++t) {
            const __m256 x = _mm256_loadu_ps(a + size_t(t) * n + j);
            for (int r = 0; r < R; ++r) acc[r][t] = _mm256_fmadd_ps(wv[r], x, acc[r][t]);
        }
    }
    for (int t = 0; t < T; ++t) {
        for (int r = 0; r < R; ++r) {
            float sum = horizontalSum(acc[r][t]);
            for (size_t j = vectorEnd; j < n; ++j)
                sum += V::load1(w + size_t(r) * rowBytes + j * V::k_bytes) * a[size_t(t) * n + j];
            y[size_t(t) * ldy + size_t(r)] = sum;
        }
    }
}

// ---- K-quants against Q8_K -------------------------------------------------------------------

// Q4_K/Q5_K's 12 packed bytes -> 8 scales and 8 minimums, four at a time in 32-bit words.
struct ScaleMin {
    uint32_t scales[2];
    uint32_t mins[2];
};

inline ScaleMin unpackScaleMin(const uint8_t* packed) {
    uint32_t u[3];
    std::memcpy(u, packed, sizeof u);
    ScaleMin r;
    r.scales[0] = u[0] & 0x3F3F3F3Fu;
    r.mins[0] = u[1] & 0x3F3F3F3Fu;
    r.scales[1] = (u[2] & 0x0F0F0F0Fu) | (((u[0] >> 6) & 0x03030303u) << 4);
    r.mins[1] = ((u[2] >> 4) & 0x0F0F0F0Fu) | (((u[1] >> 6) & 0x03030303u) << 4);
    return r;
}

// The eight 4- or 5-bit values' byte vectors of one Q4_K/Q5_K super-block: v[2j] holds elements
// 64j..64j+31, v[2j+1] elements 64j+32..64j+63 (sub-blocks 2j and 2j+1).
template <bool FifthBit>
CONFIDANT_AVX2 inline void unpackK45(const uint8_t* qs, const uint8_t* qh, __m256i v[8]) {
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    const __m256i high = FifthBit ? loadBytes(qh) : _mm256_setzero_si256();
    for (int j = 0; j < 4; ++j) {
        const __m256i q = loadBytes(qs + 32 * j);
        v[2 * j] = _mm256_and_si256(q, low4);
        v[2 * j + 1] = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
        if constexpr (FifthBit) {
            const __m256i bit = _mm256_set1_epi8(1);
            const __m256i b0 = _mm256_and_si256(_mm256_srli_epi16(high, 2 * j), bit);
            const __m256i b1 = _mm256_and_si256(_mm256_srli_epi16(high, 2 * j + 1), bit);
            v[2 * j] = _mm256_or_si256(v[2 * j], _mm256_slli_epi16(b0, 4));
            v[2 * j + 1] = _mm256_or_si256(v[2 * j + 1], _mm256_slli_epi16(b1, 4));
        }
    }
}

// Q4_K (FifthBit false) or Q5_K: dot = d * sum_s sc[s] * sum(q * a) - dmin * sum_s m[s] * sum(a).
template <bool FifthBit, int T>
CONFIDANT_AVX2 void tileK45(const uint8_t* w, size_t /*rowBytes*/, const BlockQ8_K* a, size_t blocks, float* y,
                            size_t ldy) {
    using Block = std::conditional_t<FifthBit, quants::BlockQ5_K, quants::BlockQ4_K>;
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    const auto* row = reinterpret_cast<const Block*>(w);
    for (size_t b = 0; b < blocks; ++b) {
        const Block& block = row[b];
        const ScaleMin sm = unpackScaleMin(block.scales);
        __m256i values[8];
        if constexpr (FifthBit) unpackK45<true>(block.qs, block.qh, values);
        else unpackK45<false>(block.qs, nullptr, values);
        __m256i scale[8];
        uint8_t scales8[8];
        std::memcpy(scales8, sm.scales, 8);
        for (int s = 0; s < 8; ++s) scale[s] = _mm256_set1_epi16(scales8[s]);
        // Each minimum twice, against the block sums of 16: [m0 m0 m1 m1 ... m7 m7].
        const __m128i mins8 = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(sm.mins)));
        const __m256i mins = _mm256_set_m128i(_mm_unpackhi_epi16(mins8, mins8), _mm_unpacklo_epi16(mins8, mins8));
        const float d = loadHalf(reinterpret_cast<const uint8_t*>(&block.d));
        const float dmin = loadHalf(reinterpret_cast<const uint8_t*>(&block.dmin));
        for (int t = 0; t < T; ++t) {
            const BlockQ8_K& ab = a[size_t(t) * blocks + b];
            __m256i dots = _mm256_setzero_si256();
            for (int s = 0; s < 8; ++s) {
                const __m256i pairs = _mm256_maddubs_epi16(values[s], loadBytes(ab.qs + 32 * s));
                dots = _mm256_add_epi32(dots, _mm256_madd_epi16(pairs, scale[s]));
            }
            const __m256i minSums = _mm256_madd_epi16(loadBytes(ab.bsums), mins);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dots), _mm256_set1_ps(d * ab.d), acc[t]);
            acc[t] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(minSums), _mm256_set1_ps(dmin * ab.d), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) y[size_t(t) * ldy] = horizontalSum(acc[t]);
}

// Q6_K: w = d * scales[s] * (q - 32) per sub-block of 16; the -32 comes out of the block sums.
template <int T>
CONFIDANT_AVX2 void tileQ6_K(const uint8_t* w, size_t /*rowBytes*/, const BlockQ8_K* a, size_t blocks, float* y,
                             size_t ldy) {
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    const auto* row = reinterpret_cast<const quants::BlockQ6_K*>(w);
    const __m256i low4 = _mm256_set1_epi8(0x0F), two = _mm256_set1_epi8(0x03);
    for (size_t b = 0; b < blocks; ++b) {
        const quants::BlockQ6_K& block = row[b];
        // values[4h + k]: elements 128h + 32k .. +31, sub-blocks 8h + 2k (low lane) and 8h + 2k + 1.
        __m256i values[8], scale[8];
        for (int h = 0; h < 2; ++h) {
            const __m256i ql0 = loadBytes(block.ql + 64 * h), ql1 = loadBytes(block.ql + 64 * h + 32);
            const __m256i qh = loadBytes(block.qh + 32 * h);
            const __m256i low[4] = {_mm256_and_si256(ql0, low4), _mm256_and_si256(ql1, low4),
                                    _mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                                    _mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4)};
            for (int k = 0; k < 4; ++k) {
                const __m256i high = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * k), two);
                values[4 * h + k] = _mm256_or_si256(low[k], _mm256_slli_epi16(high, 4));
                const int s = 8 * h + 2 * k;
                scale[4 * h + k] = _mm256_set_m128i(_mm_set1_epi16(block.scales[s + 1]), _mm_set1_epi16(block.scales[s]));
            }
        }
        const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block.scales)));
        const float d = loadHalf(reinterpret_cast<const uint8_t*>(&block.d));
        for (int t = 0; t < T; ++t) {
            const BlockQ8_K& ab = a[size_t(t) * blocks + b];
            __m256i dots = _mm256_setzero_si256();
            for (int v = 0; v < 8; ++v) {
                const __m256i pairs = _mm256_maddubs_epi16(values[v], loadBytes(ab.qs + 32 * v));
                dots = _mm256_add_epi32(dots, _mm256_madd_epi16(pairs, scale[v]));
            }
            const __m256i offsets = _mm256_slli_epi32(_mm256_madd_epi16(loadBytes(ab.bsums), scales16), 5);
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(dots, offsets)), _mm256_set1_ps(d * ab.d),
                                     acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) y[size_t(t) * ldy] = horizontalSum(acc[t]);
}

// ---- tiling ------------------------------------------------------------------------------------

// A tile function computes R rows x T tokens: (first row, its row stride, first token's
// activations, blocks or values per row, output at row 0 token 0, output stride).
template <class Act>
using TileFn = void (*)(const uint8_t*, size_t, const Act*, size_t, float*, size_t);

constexpr int k_maxTokens = 4;

// Row tiles of R (the last rows%R rows one by one) times token tiles of up to k_maxTokens. Each
// row's result depends only on its own accumulators, so a row gets the same bits in any tile.
template <class Act, int R>
CONFIDANT_AVX2 void runTiles(const WeightView& w, size_t rowBegin, size_t rowEnd, const Act* a, size_t actStride,
                             size_t perRow, size_t tokens, float* y, size_t ldy,
                             const TileFn<Act> (&full)[k_maxTokens], const TileFn<Act> (&single)[k_maxTokens]) {
    for (size_t t0 = 0; t0 < tokens; t0 += k_maxTokens) {
        const size_t count = tokens - t0 < size_t(k_maxTokens) ? tokens - t0 : size_t(k_maxTokens);
        const Act* at = a + t0 * actStride;
        float* yt = y + t0 * ldy;
        size_t i = rowBegin;
        for (; i + R <= rowEnd; i += R) full[count - 1](w.data + i * w.rowBytes, w.rowBytes, at, perRow, yt + i, ldy);
        for (; i < rowEnd; ++i) single[count - 1](w.data + i * w.rowBytes, w.rowBytes, at, perRow, yt + i, ldy);
    }
}

template <class W>
CONFIDANT_AVX2 void multiplyBlocks32(const WeightView& w, size_t rowBegin, size_t rowEnd, const void* activations,
                                     size_t tokens, float* y, size_t ldy) {
    static constexpr TileFn<ActivationBlock32> full[k_maxTokens] = {
        tileBlocks32<W, 4, 1>, tileBlocks32<W, 4, 2>, tileBlocks32<W, 4, 3>, tileBlocks32<W, 4, 4>};
    static constexpr TileFn<ActivationBlock32> single[k_maxTokens] = {
        tileBlocks32<W, 1, 1>, tileBlocks32<W, 1, 2>, tileBlocks32<W, 1, 3>, tileBlocks32<W, 1, 4>};
    const size_t blocks = w.n / 32;
    runTiles<ActivationBlock32, 4>(w, rowBegin, rowEnd, static_cast<const ActivationBlock32*>(activations), blocks,
                                   blocks, tokens, y, ldy, full, single);
}

template <class V>
CONFIDANT_AVX2 void multiplyFloat(const WeightView& w, size_t rowBegin, size_t rowEnd, const void* activations,
                                  size_t tokens, float* y, size_t ldy) {
    static constexpr TileFn<float> full[k_maxTokens] = {tileFloat<V, 4, 1>, tileFloat<V, 4, 2>, tileFloat<V, 4, 3>,
                                                        tileFloat<V, 4, 4>};
    static constexpr TileFn<float> single[k_maxTokens] = {tileFloat<V, 1, 1>, tileFloat<V, 1, 2>, tileFloat<V, 1, 3>,
                                                          tileFloat<V, 1, 4>};
    runTiles<float, 4>(w, rowBegin, rowEnd, static_cast<const float*>(activations), w.n, w.n, tokens, y, ldy, full,
                       single);
}

// The K-quant kernels compute one row at a time (a super-block's unpacked values fill the
// registers), for up to k_maxTokens tokens per pass.
template <TileFn<BlockQ8_K> T1, TileFn<BlockQ8_K> T2, TileFn<BlockQ8_K> T3, TileFn<BlockQ8_K> T4>
CONFIDANT_AVX2 void multiplyK(const WeightView& w, size_t rowBegin, size_t rowEnd, const void* activations,
                              size_t tokens, float* y, size_t ldy) {
    static constexpr TileFn<BlockQ8_K> tiles[k_maxTokens] = {T1, T2, T3, T4};
    const size_t blocks = w.n / quants::k_superBlock;
    runTiles<BlockQ8_K, 1>(w, rowBegin, rowEnd, static_cast<const BlockQ8_K*>(activations), blocks, blocks, tokens, y,
                           ldy, tiles, tiles);
}

constexpr KernelEntry k_q4_0{ActivationFormat::Q8Per32, multiplyBlocks32<Q4_0Blocks>, 4, "q4_0 x q8_32 avx2"};
constexpr KernelEntry k_q8_0{ActivationFormat::Q8Per32, multiplyBlocks32<Q8_0Blocks>, 4, "q8_0 x q8_32 avx2"};
constexpr KernelEntry k_iq4_nl{ActivationFormat::Q8Per32, multiplyBlocks32<IQ4_NLBlocks>, 4, "iq4_nl x q8_32 avx2"};
constexpr KernelEntry k_q4_K{ActivationFormat::Q8Per256,
                             multiplyK<tileK45<false, 1>, tileK45<false, 2>, tileK45<false, 3>, tileK45<false, 4>>, 1,
                             "q4_K x q8_K avx2"};
constexpr KernelEntry k_q5_K{ActivationFormat::Q8Per256,
                             multiplyK<tileK45<true, 1>, tileK45<true, 2>, tileK45<true, 3>, tileK45<true, 4>>, 1,
                             "q5_K x q8_K avx2"};
constexpr KernelEntry k_q6_K{ActivationFormat::Q8Per256, multiplyK<tileQ6_K<1>, tileQ6_K<2>, tileQ6_K<3>, tileQ6_K<4>>,
                             1, "q6_K x q8_K avx2"};
constexpr KernelEntry k_f32{ActivationFormat::Fp32, multiplyFloat<F32Values>, 4, "f32 x f32 avx2"};
constexpr KernelEntry k_f16{ActivationFormat::Fp32, multiplyFloat<F16Values>, 4, "f16 x f32 avx2"};
constexpr KernelEntry k_bf16{ActivationFormat::Fp32, multiplyFloat<BF16Values>, 4, "bf16 x f32 avx2"};

}  // namespace

const KernelEntry* avx2Kernel(TensorType type) {
    switch (type) {
        case TensorType::Q4_0: return &k_q4_0;
        case TensorType::Q8_0: return &k_q8_0;
        case TensorType::IQ4_NL: return &k_iq4_nl;
        case TensorType::Q4_K: return &k_q4_K;
        case TensorType::Q5_K: return &k_q5_K;
        case TensorType::Q6_K: return &k_q6_K;
        case TensorType::F32: return &k_f32;
        case TensorType::F16: return &k_f16;
        case TensorType::BF16: return &k_bf16;
        default: return nullptr;
    }
}

}  // namespace confidant::inference::cpu::kernels

#else  // not x86-64: no AVX2 kernels

namespace confidant::inference::cpu::kernels {
const KernelEntry* avx2Kernel(TensorType) { return nullptr; }
}  // namespace confidant::inference::cpu::kernels

#endif
