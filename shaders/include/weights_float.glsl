// F32, F16 and BF16 rows (included by weights.glsl): each row zero-padded to `rowStride`, a
// multiple of 32 elements; F16/BF16 hold two elements per word, the lower one in the low half.

// bf16 is the top half of an fp32.
vec2 unpackBf16x2(uint v) { return vec2(uintBitsToFloat(v << 16), uintBitsToFloat(v & 0xFFFF0000u)); }

#if defined(TYPE_F16)
vec2 unpackPair(uint v) { return unpackHalf2x16(v); }
#elif defined(TYPE_BF16)
vec2 unpackPair(uint v) { return unpackBf16x2(v); }
#endif

BlockHeader blockHeader(uint row, uint b, uint blocksPerRow) {
    BlockHeader h;
    h.base = row * pc.rowStride + b * k_blockSize;
    h.aux = 0;
    h.scale = vec2(1.0);
    h.offset = vec2(0.0);
    return h;
}

// Eight values of a piece as two quads: elements [offsets.x, +4) and [offsets.y, +4). Parts i < 4
// together cover the piece; parts 0-1 use scale/offset index 0 and parts 2-3 index 1. Working in
// registers of four (no arrays) keeps the SIMD lanes of CPU drivers in vector registers.
void loadRaw(BlockHeader h, uint i, out vec4 first, out vec4 second, out uvec2 offsets) {
    offsets = uvec2(8 * i, 8 * i + 4);
#if defined(TYPE_F32)
    const uint base = h.base + 8 * i;
    first = vec4(w[base], w[base + 1], w[base + 2], w[base + 3]);
    second = vec4(w[base + 4], w[base + 5], w[base + 6], w[base + 7]);
#else
    const uint base = (h.base + 8 * i) >> 1;
    first = vec4(unpackPair(w[base]), unpackPair(w[base + 1]));
    second = vec4(unpackPair(w[base + 2]), unpackPair(w[base + 3]));
#endif
}

// Element `index` of the chunk, counted over padded rows.
float floatWeightAt(uint index) {
#if defined(TYPE_F32)
    return w[index];
#else
    const vec2 pair = unpackPair(w[index >> 1]);
    return (index & 1u) == 0u ? pair.x : pair.y;
#endif
}
