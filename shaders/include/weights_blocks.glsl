// The 32-element block types (included by weights.glsl), one piece per block, in words:
//   Q4_0, IQ4_NL: 4 words of nibbles (byte j: element j low, element j + 16 high); d in the scales region
//   Q5_0:         word 0 the fifth bits (bit j: element j), words 1-4 nibbles as Q4_0; d in the scales region
//   Q4_1:         word 0 the fp16 pair (d, m), words 1-4 nibbles as Q4_0 (the file's block as is)
//   Q5_1:         word 0 (d, m), word 1 the fifth bits, words 2-5 nibbles (the file's block as is)
//   Q8_0:         8 words of int8 quants; d in the scales region

#if defined(TYPE_Q4_0) || defined(TYPE_IQ4_NL)
const uint k_blockWords = 4, k_quantsAt = 0;
#elif defined(TYPE_Q5_0) || defined(TYPE_Q4_1)
const uint k_blockWords = 5, k_quantsAt = 1;
#elif defined(TYPE_Q5_1)
const uint k_blockWords = 6, k_quantsAt = 2;
#else
const uint k_blockWords = 8, k_quantsAt = 0;
#endif

#if defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
#define WEIGHTS_HAVE_OFFSET 1  // kernels may fold `offset` into a sum of activations
#endif

#if defined(TYPE_IQ4_NL)
// IQ4_NL's non-linear code book (quants/quants.h k_iq4nlValues) as int8 bytes, four per word: one
// dynamic vector component per lookup compiles far smaller than a constant array on CPU drivers.
const uvec4 k_iq4nl = uvec4(0xBFAD9881u, 0xF6EADDCFu, 0x26190D01u, 0x71594535u);

vec4 iq4nlValues(uvec4 q) {
    const uvec4 words = uvec4(k_iq4nl[q.x >> 2], k_iq4nl[q.y >> 2], k_iq4nl[q.z >> 2], k_iq4nl[q.w >> 2]);
    return vec4(ivec4(words << (24u - 8u * (q & 3u))) >> 24);
}
#endif

BlockHeader blockHeader(uint row, uint b, uint blocksPerRow) {
    BlockHeader h;
    const uint block = row * blocksPerRow + b;
    h.base = block * k_blockWords;
    h.aux = 0;
#if defined(TYPE_Q4_0) || defined(TYPE_IQ4_NL)
    h.quants0 = w4[block];
#elif defined(TYPE_Q8_0)
    h.quants0 = w4[2 * block];
    h.quants1 = w4[2 * block + 1];
#endif
#if defined(TYPE_Q4_1) || defined(TYPE_Q5_1)
    const vec2 dm = unpackHalf2x16(w[h.base]);
    h.scale = vec2(dm.x);
    h.offset = vec2(dm.y);
#else
    const float d = blockScale(block);
    h.scale = vec2(d);
#if defined(TYPE_Q4_0)
    h.offset = vec2(-8.0 * d);
#elif defined(TYPE_Q5_0)
    h.offset = vec2(-16.0 * d);
#else
    h.offset = vec2(0.0);
#endif
#endif
    return h;
}

// Eight raw quants (IQ4_NL: code-book values) of a block as two quads: elements [offsets.x, +4)
// and [offsets.y, +4). Parts i < 4 together cover the block. Working in registers of four (no
// arrays) keeps the SIMD lanes of CPU drivers in vector registers.
void loadRaw(BlockHeader h, uint i, out vec4 first, out vec4 second, out uvec2 offsets) {
#if defined(TYPE_Q8_0)
    offsets = uvec2(8 * i, 8 * i + 4);
    const uvec4 words = i < 2 ? h.quants0 : h.quants1;
    first = vec4(ivec4(uvec4(words[(2 * i) & 3u]) << uvec4(24, 16, 8, 0)) >> 24);
    second = vec4(ivec4(uvec4(words[(2 * i + 1) & 3u]) << uvec4(24, 16, 8, 0)) >> 24);
#else
    offsets = uvec2(4 * i, 16 + 4 * i);
#if defined(TYPE_Q4_0) || defined(TYPE_IQ4_NL)
    const uint q = h.quants0[i];
#else
    const uint q = w[h.base + k_quantsAt + i];
#endif
    uvec4 low = (uvec4(q) >> k_byteShifts) & 0xFu;
    uvec4 high = (uvec4(q) >> (k_byteShifts + 4)) & 0xFu;
#if defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
    const uint fifth = w[h.base + k_quantsAt - 1];
    const uvec4 n = uvec4(0, 1, 2, 3);
    low |= ((uvec4(fifth) >> (4 * i + n)) & 1u) << 4;
    high |= ((uvec4(fifth) >> (16 + 4 * i + n)) & 1u) << 4;
#endif
#if defined(TYPE_IQ4_NL)
    first = iq4nlValues(low);
    second = iq4nlValues(high);
#else
    first = vec4(low);
    second = vec4(high);
#endif
#endif
}
