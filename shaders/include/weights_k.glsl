// The K-quants (included by weights.glsl): 256-element super-blocks read as eight 32-element
// pieces j (piece b of a row: super-block b / 8, j = b % 8). Super-block layouts, in words:
//   Q2_K (21, the file's block as is): 0-3 the 16 sub-block bytes (scale low nibble, min high),
//        4-19 the 2-bit quants (element 128h + 32k + l: bits 2k of byte 32h + l), 20 (d, dmin)
//   Q3_K (28): 0-7 the high-bit mask (element 128h + 32k + l: bit 4h + k of byte l), 8-23 the low
//        two bits as Q2_K, 24-27 the 16 sub-scales unpacked to int8 (minus 32); d in the scales region
//   Q4_K (37): 4j..4j+3 the nibbles of piece j (nibble n of word i = element 8i + n), 32-33 the
//        eight 6-bit scales as bytes, 34-35 the mins, 36 dmin; d in the scales region
//   Q5_K (45): as Q4_K with five words per piece, word 5j + 4 the fifth bits of piece j (bit l =
//        element l), then scales at 40-41, mins 42-43, dmin 44
//   Q6_K (52): words 6j..6j+3 the low nibbles of piece j (nibble n of word i = element 8i + n),
//        6j+4..6j+5 the high two bits of elements 16m..16m+15 (bits 2n), 48-51 the int8 sub-scales;
//        d in the scales region
//   Q8_K (65): word 0 d as fp32, 1-64 the int8 quants (the file's block without its sums)

#if defined(TYPE_Q2_K) || defined(TYPE_Q3_K) || defined(TYPE_Q4_K) || defined(TYPE_Q5_K) || defined(TYPE_Q6_K)
#define WEIGHTS_HAVE_OFFSET 1  // kernels may fold `offset` into a sum of activations
#endif

#if defined(TYPE_Q5_K)
const uint k_pieceWords = 5;
#else
const uint k_pieceWords = 4;
#endif
const uint k_scalesAt = 8 * k_pieceWords;  // Q4_K/Q5_K: first word of the scale bytes

// The signed bytes 2j and 2j+1 of `word`, j's low bit choosing the half.
vec2 signedBytePair(uint word, uint j) {
    return vec2(float(int(word << (24 - 16 * (j & 1u))) >> 24), float(int(word << (16 - 16 * (j & 1u))) >> 24));
}

BlockHeader blockHeader(uint row, uint b, uint blocksPerRow) {
    BlockHeader h;
    const uint block = row * (blocksPerRow >> 3) + (b >> 3);
    const uint j = b & 7u;
    h.aux = 0;
    h.offset = vec2(0.0);
#if defined(TYPE_Q2_K)
    const uint base = block * 21;
    const vec2 dm = unpackHalf2x16(w[base + 20]);
    const uint shift = 16 * (j & 1u);
    const uvec2 packed = (uvec2(w[base + (j >> 1)]) >> uvec2(shift, shift + 8)) & 0xFFu;
    h.scale = dm.x * vec2(packed & 0xFu);
    h.offset = -dm.y * vec2(packed >> 4);
    h.base = base + 4 + 8 * (j >> 2);
    h.aux = 2 * (j & 3u);
#elif defined(TYPE_Q3_K)
    const uint base = block * 28;
    h.scale = blockScale(block) * signedBytePair(w[base + 24 + (j >> 1)], j);
    h.offset = -4.0 * h.scale;
    h.base = base;
    h.aux = j;
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
    const uint base = block * (8 * k_pieceWords + 5);
    const uint shift = 8 * (j & 3u);
    h.scale = vec2(blockScale(block) * float((w[base + k_scalesAt + (j >> 2)] >> shift) & 0xFFu));
    h.offset = vec2(-unpackHalf2x16(w[base + k_scalesAt + 4]).x *
                    float((w[base + k_scalesAt + 2 + (j >> 2)] >> shift) & 0xFFu));
    h.base = base + k_pieceWords * j;
#elif defined(TYPE_Q6_K)
    const uint base = block * 52;
    h.scale = blockScale(block) * signedBytePair(w[base + 48 + (j >> 1)], j);
    h.offset = -32.0 * h.scale;
    h.base = base + 6 * j;
#elif defined(TYPE_Q8_K)
    const uint base = block * 65;
    h.scale = vec2(uintBitsToFloat(w[base]));
    h.base = base + 1 + 8 * j;
#endif
    return h;
}

// Eight raw quants of a piece as two quads: elements [offsets.x, +4) and [offsets.y, +4). Parts
// i < 4 together cover the piece; parts 0-1 use scale/offset index 0 and parts 2-3 index 1.
void loadRaw(BlockHeader h, uint i, out vec4 first, out vec4 second, out uvec2 offsets) {
    offsets = uvec2(8 * i, 8 * i + 4);
#if defined(TYPE_Q2_K)
    first = vec4((uvec4(w[h.base + 2 * i]) >> (k_byteShifts + h.aux)) & 3u);
    second = vec4((uvec4(w[h.base + 2 * i + 1]) >> (k_byteShifts + h.aux)) & 3u);
#elif defined(TYPE_Q3_K)
    const uint upper = h.aux >> 2, k = h.aux & 3u;
    const uint lowAt = h.base + 8 + 8 * upper + 2 * i, maskAt = h.base + 2 * i;
    const uvec4 lowShifts = k_byteShifts + 2 * k, maskShifts = k_byteShifts + 4 * upper + k;
    first = vec4(((uvec4(w[lowAt]) >> lowShifts) & 3u) | (((uvec4(w[maskAt]) >> maskShifts) & 1u) << 2));
    second = vec4(((uvec4(w[lowAt + 1]) >> lowShifts) & 3u) | (((uvec4(w[maskAt + 1]) >> maskShifts) & 1u) << 2));
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
    const uint low = w[h.base + i];
    const uvec4 n = uvec4(0, 4, 8, 12);
    uvec4 a = (uvec4(low) >> n) & 0xFu;
    uvec4 c = (uvec4(low) >> (n + 16)) & 0xFu;
#if defined(TYPE_Q5_K)
    const uint fifth = w[h.base + 4];
    const uvec4 bits = 8 * i + uvec4(0, 1, 2, 3);
    a |= ((uvec4(fifth) >> bits) & 1u) << 4;
    c |= ((uvec4(fifth) >> (bits + 4)) & 1u) << 4;
#endif
    first = vec4(a);
    second = vec4(c);
#elif defined(TYPE_Q6_K)
    const uint low = w[h.base + i];
    const uint high = w[h.base + 4 + (i >> 1)] >> (16 * (i & 1u));
    const uvec4 n = uvec4(0, 1, 2, 3);
    first = vec4(((uvec4(low) >> (4 * n)) & 0xFu) | (((uvec4(high) >> (2 * n)) & 3u) << 4));
    second = vec4(((uvec4(low) >> (4 * n + 16)) & 0xFu) | (((uvec4(high) >> (2 * n + 8)) & 3u) << 4));
#elif defined(TYPE_Q8_K)
    first = vec4(ivec4(uvec4(w[h.base + 2 * i]) << uvec4(24, 16, 8, 0)) >> 24);
    second = vec4(ivec4(uvec4(w[h.base + 2 * i + 1]) << uvec4(24, 16, 8, 0)) >> 24);
#endif
}
