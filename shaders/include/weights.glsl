// Reading weight rows in the layouts the host repacks them into at upload (vulkan/weight_store.cpp),
// one variant per tensor type (TYPE_F32, TYPE_F16, TYPE_Q4_0, TYPE_Q8_0, TYPE_Q6_K). Binding 0 holds one chunk
// of rows. Float rows are zero-padded to a multiple of 32 elements (`rowStride`); quantized rows
// keep their 32-weight blocks, with the quants of all blocks first and the fp16 scales (two per
// word) from word `scaleOffset` on, so that every load is an aligned 32-bit word. Q6_K keeps its
// 256-weight super-blocks of 52 words but regrouped per 32-element piece j (b = 8 * block + j):
// words 6j..6j+3 hold the low nibbles of elements 8i..8i+7 (nibble n = element 8i+n), words
// 6j+4..6j+5 the high two bits of elements 16m..16m+15 (bits 2n), words 48..51 the int8
// sub-scales; `d` moves to the scales region. Q4_K (TYPE_Q4_K) becomes 37 words per super-block:
// words 4j..4j+3 the nibbles of piece j (nibble n of word i = element 8i+n), words 32..33 the
// 6-bit scales as bytes, 34..35 the mins, 36 dmin; `d` goes to the scales region.
// Expects the push-constant fields pc.rowStride (float types) and pc.scaleOffset (quantized types).

#if !defined(TYPE_F32) && !defined(TYPE_F16) && !defined(TYPE_Q4_0) && !defined(TYPE_Q8_0) && !defined(TYPE_Q6_K) && \
    !defined(TYPE_Q4_K)
#error "define one of TYPE_F32, TYPE_F16, TYPE_Q4_0, TYPE_Q8_0, TYPE_Q6_K, TYPE_Q4_K"
#endif

#if defined(TYPE_F32)
layout(std430, binding = 0) readonly buffer Weights { float w[]; };
#else
layout(std430, binding = 0) readonly buffer Weights { uint w[]; };
#endif

const uint k_blockSize = 32;

#if defined(TYPE_Q4_0) || defined(TYPE_Q8_0) || defined(TYPE_Q6_K) || defined(TYPE_Q4_K)
float blockScale(uint block) {
    const vec2 pair = unpackHalf2x16(w[pc.scaleOffset + (block >> 1)]);
    return (block & 1u) == 0u ? pair.x : pair.y;
}
#endif

// What the parts of one block share, loaded once per block: where its data starts, and the affine
// map from raw quants to weights: w = raw * scale + offset (index 0 for elements 0..15 of Q6_K
// pieces and all others, 1 for elements 16..31 of Q6_K pieces).
struct BlockHeader {
    uint base;  // first word (float types: first element) of the block's data
    vec2 scale;
    vec2 offset;
};

#if defined(TYPE_Q4_0) || defined(TYPE_Q6_K) || defined(TYPE_Q4_K)
#define WEIGHTS_HAVE_OFFSET 1  // kernels may fold `offset` into a sum of activations
#endif

BlockHeader blockHeader(uint row, uint b, uint blocksPerRow) {
    BlockHeader h;
    h.offset = vec2(0.0);
#if defined(TYPE_F32) || defined(TYPE_F16)
    h.base = row * pc.rowStride + b * k_blockSize;
    h.scale = vec2(1.0);
#elif defined(TYPE_Q4_0)
    const uint block = row * blocksPerRow + b;
    h.base = block * 4;
    h.scale = vec2(blockScale(block));
    h.offset = -8.0 * h.scale;
#elif defined(TYPE_Q8_0)
    const uint block = row * blocksPerRow + b;
    h.base = block * 8;
    h.scale = vec2(blockScale(block));
#elif defined(TYPE_Q6_K)
    const uint block = row * (blocksPerRow >> 3) + (b >> 3);
    const uint j = b & 7u;
    const float d = blockScale(block);
    const uint scaleWord = w[block * 52 + 48 + (j >> 1)];
    h.scale = d * vec2(float(int(scaleWord << (24 - 16 * (j & 1u))) >> 24), float(int(scaleWord << (16 - 16 * (j & 1u))) >> 24));
    h.offset = -32.0 * h.scale;
    h.base = block * 52 + 6 * j;
#elif defined(TYPE_Q4_K)
    const uint block = row * (blocksPerRow >> 3) + (b >> 3);
    const uint j = b & 7u, base = block * 37;
    const uint shift = 8 * (j & 3u);
    h.scale = vec2(blockScale(block) * float((w[base + 32 + (j >> 2)] >> shift) & 0xFFu));
    h.offset = vec2(-unpackHalf2x16(w[base + 36]).x * float((w[base + 34 + (j >> 2)] >> shift) & 0xFFu));
    h.base = base + 4 * j;
#endif
    return h;
}

// Eight raw quants (float types: values) of a block as two quads: elements [offsets.x, +4) and
// [offsets.y, +4). Parts i < 4 together cover the block; parts 0-1 use scale/offset index 0 and
// parts 2-3 index 1. Working in registers of four (no arrays) keeps the SIMD lanes of CPU drivers
// in vector registers.
void loadRaw(BlockHeader h, uint i, out vec4 first, out vec4 second, out uvec2 offsets) {
    offsets = uvec2(8 * i, 8 * i + 4);
#if defined(TYPE_F32)
    const uint base = h.base + 8 * i;
    first = vec4(w[base], w[base + 1], w[base + 2], w[base + 3]);
    second = vec4(w[base + 4], w[base + 5], w[base + 6], w[base + 7]);
#elif defined(TYPE_F16)
    const uint base = (h.base + 8 * i) >> 1;
    first = vec4(unpackHalf2x16(w[base]), unpackHalf2x16(w[base + 1]));
    second = vec4(unpackHalf2x16(w[base + 2]), unpackHalf2x16(w[base + 3]));
#elif defined(TYPE_Q4_0)
    const uint q = w[h.base + i];
    const uvec4 shifts = uvec4(0, 8, 16, 24);
    first = vec4((uvec4(q) >> shifts) & 0xFu);
    second = vec4((uvec4(q) >> (shifts + 4)) & 0xFu);
    offsets = uvec2(4 * i, 16 + 4 * i);
#elif defined(TYPE_Q8_0)
    first = vec4(ivec4(uvec4(w[h.base + 2 * i]) << uvec4(24, 16, 8, 0)) >> 24);
    second = vec4(ivec4(uvec4(w[h.base + 2 * i + 1]) << uvec4(24, 16, 8, 0)) >> 24);
#elif defined(TYPE_Q6_K)
    const uint low = w[h.base + i];
    const uint high = w[h.base + 4 + (i >> 1)] >> (16 * (i & 1u));
    const uvec4 n = uvec4(0, 1, 2, 3);
    first = vec4(((uvec4(low) >> (4 * n)) & 0xFu) | (((uvec4(high) >> (2 * n)) & 3u) << 4));
    second = vec4(((uvec4(low) >> (4 * n + 16)) & 0xFu) | (((uvec4(high) >> (2 * n + 8)) & 3u) << 4));
#elif defined(TYPE_Q4_K)
    const uint low = w[h.base + i];
    const uvec4 n = uvec4(0, 4, 8, 12);
    first = vec4((uvec4(low) >> n) & 0xFu);
    second = vec4((uvec4(low) >> (n + 16)) & 0xFu);
#endif
}

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
#if defined(TYPE_F32)
    return w[row * pc.rowStride + e];
#elif defined(TYPE_F16)
    const uint index = row * pc.rowStride + e;
    const vec2 pair = unpackHalf2x16(w[index >> 1]);
    return (index & 1u) == 0u ? pair.x : pair.y;
#elif defined(TYPE_Q4_0)
    const uint block = row * blocksPerRow + e / k_blockSize;
    const uint j = e % k_blockSize;
    const uint byteIndex = j & 15u;
    const uint q = (w[block * 4 + (byteIndex >> 2)] >> (8 * (byteIndex & 3u) + (j >= 16u ? 4 : 0))) & 0xFu;
    return blockScale(block) * (float(q) - 8.0);
#elif defined(TYPE_Q8_0)
    const uint block = row * blocksPerRow + e / k_blockSize;
    const uint j = e % k_blockSize;
    const int q = (int(w[block * 8 + (j >> 2)]) << (24 - 8 * (j & 3u))) >> 24;
    return blockScale(block) * float(q);
#elif defined(TYPE_Q6_K)
    const uint block = row * (blocksPerRow >> 3) + e / 256;
    const uint inBlock = e % 256, j = inBlock / 32, l = inBlock % 32;
    const uint base = block * 52 + 6 * j;
    const uint low = (w[base + (l >> 3)] >> (4 * (l & 7u))) & 0xFu;
    const uint high = (w[base + 4 + (l >> 4)] >> (2 * (l & 15u))) & 3u;
    const uint scaleByte = inBlock / 16;
    const int scale = int(w[block * 52 + 48 + (scaleByte >> 2)] << (24 - 8 * (scaleByte & 3u))) >> 24;
    return blockScale(block) * float(scale) * (float(low | (high << 4)) - 32.0);
#elif defined(TYPE_Q4_K)
    const uint block = row * (blocksPerRow >> 3) + e / 256;
    const uint inBlock = e % 256, j = inBlock / 32, l = inBlock % 32, base = block * 37;
    const uint q = (w[base + 4 * j + (l >> 3)] >> (4 * (l & 7u))) & 0xFu;
    const uint shift = 8 * (j & 3u);
    const float scale = blockScale(block) * float((w[base + 32 + (j >> 2)] >> shift) & 0xFFu);
    const float minimum = unpackHalf2x16(w[base + 36]).x * float((w[base + 34 + (j >> 2)] >> shift) & 0xFFu);
    return scale * float(q) - minimum;
#endif
}
