// Reading weight rows in the layouts the host repacks them into at upload (vulkan/weight_store.cpp),
// one variant per tensor type (TYPE_F32, TYPE_F16, TYPE_Q4_0, TYPE_Q8_0, TYPE_Q6_K). Binding 0 holds one chunk
// of rows. Float rows are zero-padded to a multiple of 32 elements (`rowStride`); quantized rows
// keep their 32-weight blocks, with the quants of all blocks first and the fp16 scales (two per
// word) from word `scaleOffset` on, so that every load is an aligned 32-bit word. Q6_K keeps its
// 256-weight super-blocks (ql, qh, int8 sub-scales: 52 words) and moves only `d` to the scales;
// kernels still walk it in 32-element pieces (b), eight per super-block.
// Expects the push-constant fields pc.rowStride (float types) and pc.scaleOffset (quantized types).

#if defined(TYPE_F32)
layout(std430, binding = 0) readonly buffer Weights { float w[]; };
#else
layout(std430, binding = 0) readonly buffer Weights { uint w[]; };
#endif

const uint k_blockSize = 32;

#if defined(TYPE_Q4_0) || defined(TYPE_Q8_0) || defined(TYPE_Q6_K)
float blockScale(uint block) {
    const vec2 pair = unpackHalf2x16(w[pc.scaleOffset + (block >> 1)]);
    return (block & 1u) == 0u ? pair.x : pair.y;
}
#endif

// Elements [b*32, b*32+32) of row `row` of the chunk (b < blocks per row).
void loadBlock(uint row, uint b, uint blocksPerRow, out float v[32]) {
#if defined(TYPE_F32)
    const uint base = row * pc.rowStride + b * k_blockSize;
    for (uint k = 0; k < 32; ++k) v[k] = w[base + k];
#elif defined(TYPE_F16)
    const uint base = (row * pc.rowStride + b * k_blockSize) >> 1;
    for (uint k = 0; k < 16; ++k) {
        const vec2 pair = unpackHalf2x16(w[base + k]);
        v[2 * k] = pair.x;
        v[2 * k + 1] = pair.y;
    }
#elif defined(TYPE_Q4_0)
    const uint block = row * blocksPerRow + b;
    const float d = blockScale(block);
    for (uint i = 0; i < 4; ++i) {
        const uint q = w[block * 4 + i];
        for (uint c = 0; c < 4; ++c) {
            v[i * 4 + c] = d * (float((q >> (8 * c)) & 0xFu) - 8.0);
            v[i * 4 + c + 16] = d * (float((q >> (8 * c + 4)) & 0xFu) - 8.0);
        }
    }
#elif defined(TYPE_Q8_0)
    const uint block = row * blocksPerRow + b;
    const float d = blockScale(block);
    for (uint i = 0; i < 8; ++i) {
        const int q = int(w[block * 8 + i]);
        for (uint c = 0; c < 4; ++c) v[i * 4 + c] = d * float((q << (24 - 8 * c)) >> 24);
    }
#elif defined(TYPE_Q6_K)
    // Piece j of super-block `block` holds elements e = 128h + 32k + l (h = j/4, k = j%4, l < 32).
    const uint block = row * (blocksPerRow >> 3) + (b >> 3);
    const uint j = b & 7u, h = j >> 2, k = j & 3u;
    const uint base = block * 52;
    const float d = blockScale(block);
    const uint scaleWord = w[base + 48 + (j >> 1)];
    const float scaleLow = d * float(int(scaleWord << (24 - 16 * (j & 1u))) >> 24);
    const float scaleHigh = d * float(int(scaleWord << (16 - 16 * (j & 1u))) >> 24);
    const uint lowShift = k < 2 ? 0 : 4;
    for (uint i = 0; i < 8; ++i) {
        const uint low = w[base + 16 * h + 8 * (k & 1u) + i];
        const uint high = w[base + 32 + 8 * h + i];
        for (uint c = 0; c < 4; ++c) {
            const uint q = ((low >> (8 * c + lowShift)) & 0xFu) | (((high >> (8 * c + 2 * k)) & 3u) << 4);
            v[i * 4 + c] = (i < 4 ? scaleLow : scaleHigh) * (float(q) - 32.0);
        }
    }
#else
#error "define one of TYPE_F32, TYPE_F16, TYPE_Q4_0, TYPE_Q8_0, TYPE_Q6_K"
#endif
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
    const uint inBlock = e % 256, h = inBlock / 128, k = (inBlock % 128) / 32, l = inBlock % 32;
    const uint base = block * 52;
    const uint lowByte = 64 * h + l + 32 * (k & 1u), highByte = 32 * h + l, scaleByte = inBlock / 16;
    const uint low = (w[base + (lowByte >> 2)] >> (8 * (lowByte & 3u) + (k < 2 ? 0 : 4))) & 0xFu;
    const uint high = (w[base + 32 + (highByte >> 2)] >> (8 * (highByte & 3u) + 2 * k)) & 3u;
    const int scale = int(w[base + 48 + (scaleByte >> 2)] << (24 - 8 * (scaleByte & 3u))) >> 24;
    return blockScale(block) * float(scale) * (float(low | (high << 4)) - 32.0);
#endif
}
