// Attention of the fast CPU backend over an fp16 KV cache: for one query row and one KV head, the
// query heads that share that KV head (grouped-query attention) walk the keys once, in tiles, with
// an online softmax (running maximum and sum), so that memory does not grow with the context.
#pragma once

#include <cstddef>
#include <cstdint>

namespace confidant::inference::cpu {

constexpr size_t k_keyTile = 64;  // keys scored per tile: a tile's scores stay in L1

// Floats of scratch attendGroup needs for `group` query heads of `headDim`.
size_t attentionScratchFloats(uint32_t group, uint32_t headDim);

struct AttentionSpan {
    const uint16_t* keys = nullptr;    // fp16, key of position p at keys + p * stride
    const uint16_t* values = nullptr;  // fp16, likewise
    size_t stride = 0;                 // halves between positions (the cache's kvDim)
    size_t first = 0;                  // first position attended
    size_t length = 0;                 // positions attended (>= 1)
};

// out[g] = softmax(queries[g] . K * scale, soft-capped when softCap > 0) . V for g in [0, group);
// queries and out are `group` consecutive heads of headDim floats. avx2: use AVX2+FMA+F16C
// (the caller checked the CPU has them).
void attendGroup(const float* queries, uint32_t group, uint32_t headDim, const AttentionSpan& span, float scale,
                 float softCap, float* out, float* scratch, bool avx2);

// dst[i] = fp16(src[i]), round to nearest even.
void storeHalves(const float* src, uint16_t* dst, size_t count, bool avx2);

// True when this CPU has AVX2, FMA and F16C (what the vector paths above use).
bool cpuHasAvx2Fma16();

}  // namespace confidant::inference::cpu
