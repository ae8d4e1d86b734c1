// Reading weight rows in the layouts the host repacks them into at upload (vulkan/weight_store.cpp),
// one variant per tensor type (TYPE_F32, TYPE_Q4_K, ...). Binding 0 holds one chunk of rows. A
// row is read in pieces of 32 elements: blockHeader() loads what a piece shares (its scales) once,
// loadRaw() its quants eight at a time. The per-type layouts and readers live in weights_float.glsl
// (F32, F16, BF16), weights_blocks.glsl (the 32-element block types) and weights_k.glsl (the
// 256-element K-quants). Types whose blocks carry one fp16 scale `d` move it to a scales region
// (two per word, from word `scaleOffset` on) so that every other load is an aligned 32-bit word.
// Expects the push-constant fields pc.rowStride (float types) and pc.scaleOffset (scaled types).

#if defined(TYPE_F32) || defined(TYPE_F16) || defined(TYPE_BF16)
#define WEIGHTS_FLOAT 1
#elif defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1) || defined(TYPE_Q8_0) || \
    defined(TYPE_IQ4_NL)
#define WEIGHTS_BLOCKS 1
#elif defined(TYPE_Q2_K) || defined(TYPE_Q3_K) || defined(TYPE_Q4_K) || defined(TYPE_Q5_K) || defined(TYPE_Q6_K) || \
    defined(TYPE_Q8_K)
#define WEIGHTS_K 1
#else
#error "define one TYPE_* weight type (the variants of shaders/CMakeLists.txt)"
#endif

#if defined(TYPE_F32)
layout(std430, binding = 0) readonly buffer Weights { float w[]; };
#else
layout(std430, binding = 0) readonly buffer Weights { uint w[]; };
layout(std430, binding = 0) readonly buffer Weights4 { uvec4 w4[]; };  // the same words, for 16-byte aligned pieces
#endif

const uint k_blockSize = 32;

#if !defined(WEIGHTS_FLOAT)
// The fp16 scale of file block `block` from the scales region.
float blockScale(uint block) {
    const vec2 pair = unpackHalf2x16(w[pc.scaleOffset + (block >> 1)]);
    return (block & 1u) == 0u ? pair.x : pair.y;
}
#endif

// What the parts of one 32-element piece share, loaded once per piece: where its data starts, and
// the affine map from raw quants to weights, w = raw * scale + offset (index 0 for elements 0..15
// of the piece, 1 for elements 16..31; the two differ only for types with 16-element sub-blocks).
struct BlockHeader {
    uint base;  // first word (float types: first element) of the piece's data
    uint aux;   // type-specific: where in the words the piece's quants sit
    vec2 scale;
    vec2 offset;
    // Q4_0, IQ4_NL (quants0) and Q8_0 (both): the piece's quant words, fetched in one or two loads
    // (CPU drivers fetch each load lane by lane; one wide load costs little more than one word).
    uvec4 quants0, quants1;
};

// Selects lanes of a 32-bit word: byte n of a word in lane n.
const uvec4 k_byteShifts = uvec4(0, 8, 16, 24);

#if defined(WEIGHTS_FLOAT)
#include "weights_float.glsl"
#elif defined(WEIGHTS_BLOCKS)
#include "weights_blocks.glsl"
#else
#include "weights_k.glsl"
#endif

// As loadRaw, as weights.
void loadParts(BlockHeader h, uint i, out vec4 first, out vec4 second, out uvec2 offsets) {
    loadRaw(h, i, first, second, offsets);
    const float scale = i < 2 ? h.scale.x : h.scale.y;
    const float offset = i < 2 ? h.offset.x : h.offset.y;
    first = first * scale + offset;
    second = second * scale + offset;
}

// One element (e < the row's length) of row `row` of the chunk.
float weightAt(uint row, uint e, uint blocksPerRow) {
#if defined(WEIGHTS_FLOAT)
    return floatWeightAt(row * pc.rowStride + e);
#else
    // Quantized rows hold whole pieces: find the part whose quads hold the element.
    const BlockHeader h = blockHeader(row, e / k_blockSize, blocksPerRow);
    const uint l = e % k_blockSize;
    float value = 0.0;
    for (uint i = 0; i < 4; ++i) {
        vec4 first, second;
        uvec2 offsets;
        loadParts(h, i, first, second, offsets);
        if (l - offsets.x < 4u) value = first[l - offsets.x];
        if (l - offsets.y < 4u) value = second[l - offsets.y];
    }
    return value;
#endif
}
