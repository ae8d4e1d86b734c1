// dst[t][rowOffset + r] = dot(weight row r of this chunk, x[t]) (+ bias), for the rows of one chunk
// and a tile of TILE tokens per workgroup row. Weights are dequantized on the fly, once per tile.
// THREADS_PER_ROW invocations share a row (1 on CPU devices, where each SIMD lane owns a row and no
// reduction is needed; 16 on GPUs, reduced through shared memory); independent of subgroup size.
#version 450
#extension GL_GOOGLE_include_directive : require

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint THREADS_PER_ROW = 1;  // a power of two dividing the workgroup
layout(constant_id = 2) const uint TILE = 8;             // tokens per workgroup

layout(push_constant) uniform Push {
    uint inDim;        // row length
    uint outDim;       // row count of the whole matrix (dst row length)
    uint rowsInChunk;
    uint rowOffset;    // first row of this chunk
    uint tokenCount;
    uint rowStride;    // float types: padded row length
    uint scaleOffset;  // quantized types: first word of the scales
    uint hasBias;
    uint firstToken;   // the first token of this dispatch's tiles (a batch may take two dispatches)
} pc;

#include "weights.glsl"

layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer X4 { vec4 x4[]; };  // the same activations, when rows are 16-byte aligned
layout(std430, binding = 2) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

shared float partial[gl_WorkGroupSize.x * TILE];

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint rowsPerGroup = gl_WorkGroupSize.x / THREADS_PER_ROW;
    const uint part = lid % THREADS_PER_ROW;
    const uint row = gl_WorkGroupID.x * rowsPerGroup + lid / THREADS_PER_ROW;
    const uint t0 = pc.firstToken + gl_WorkGroupID.y * TILE;
    const uint tokens = min(TILE, pc.tokenCount - t0);
    const uint fullBlocks = pc.inDim / k_blockSize;
    const uint blocksPerRow = (pc.inDim + k_blockSize - 1) / k_blockSize;

    float acc[TILE];
    for (uint t = 0; t < TILE; ++t) acc[t] = 0.0;

    if (row < pc.rowsInChunk) {
        // One vector load per four activations when every row starts 16-byte aligned; element
        // loads otherwise (only float matrices with odd row lengths).
        if (TILE == 1 && (pc.inDim & 3u) == 0u) {
            // One token: apply each block's scale and offset once to dot products of raw quants
            // (the offset times the block's sum of activations) instead of to every weight.
            for (uint b = part; b < fullBlocks; b += THREADS_PER_ROW) {
                const BlockHeader header = blockHeader(row, b, blocksPerRow);
                const uint base = (t0 * pc.inDim + b * k_blockSize) >> 2;
                vec2 raw = vec2(0.0), sums = vec2(0.0);
                for (uint i = 0; i < 4; ++i) {
                    vec4 first, second;
                    uvec2 offsets;
                    loadRaw(header, i, first, second, offsets);
                    const vec4 xa = x4[base + (offsets.x >> 2)], xc = x4[base + (offsets.y >> 2)];
                    const float r = dot(first, xa) + dot(second, xc);
#if defined(WEIGHTS_HAVE_OFFSET)
                    const float xs = dot(xa + xc, vec4(1.0));
#else
                    const float xs = 0.0;
#endif
                    if (i < 2) {
                        raw.x += r;
                        sums.x += xs;
                    } else {
                        raw.y += r;
                        sums.y += xs;
                    }
                }
                acc[0] += dot(header.scale, raw) + dot(header.offset, sums);
            }
        } else if ((pc.inDim & 3u) == 0u) {
            for (uint b = part; b < fullBlocks; b += THREADS_PER_ROW) {
                const BlockHeader header = blockHeader(row, b, blocksPerRow);
                for (uint i = 0; i < 4; ++i) {
                    vec4 first, second;
                    uvec2 offsets;
                    loadParts(header, i, first, second, offsets);
                    for (uint t = 0; t < TILE; ++t) {
                        if (t < tokens) {
                            const uint base = ((t0 + t) * pc.inDim + b * k_blockSize) >> 2;
                            acc[t] += dot(first, x4[base + (offsets.x >> 2)]) + dot(second, x4[base + (offsets.y >> 2)]);
                        }
                    }
                }
            }
        } else {
            for (uint b = part; b < fullBlocks; b += THREADS_PER_ROW) {
                const BlockHeader header = blockHeader(row, b, blocksPerRow);
                for (uint i = 0; i < 4; ++i) {
                    vec4 first, second;
                    uvec2 offsets;
                    loadParts(header, i, first, second, offsets);
                    for (uint t = 0; t < TILE; ++t) {
                        if (t < tokens) {
                            const uint a = (t0 + t) * pc.inDim + b * k_blockSize + offsets.x;
                            const uint c = (t0 + t) * pc.inDim + b * k_blockSize + offsets.y;
                            acc[t] += dot(first, vec4(x[a], x[a + 1], x[a + 2], x[a + 3])) +
                                      dot(second, vec4(x[c], x[c + 1], x[c + 2], x[c + 3]));
                        }
                    }
                }
            }
        }
        // Rows whose length is not a multiple of 32 (float types only): the rest, element by element.
        if (part == 0) {
            for (uint e = fullBlocks * k_blockSize; e < pc.inDim; ++e) {
                const float we = weightAt(row, e, blocksPerRow);
                for (uint t = 0; t < TILE; ++t)
                    if (t < tokens) acc[t] += we * x[(t0 + t) * pc.inDim + e];
            }
        }
    }

    if (THREADS_PER_ROW > 1) {
        for (uint t = 0; t < TILE; ++t) partial[lid * TILE + t] = acc[t];
        barrier();
        for (uint stride = THREADS_PER_ROW / 2; stride > 0; stride >>= 1) {
            if (part < stride)
                for (uint t = 0; t < TILE; ++t) partial[lid * TILE + t] += partial[(lid + stride) * TILE + t];
            barrier();
        }
        for (uint t = 0; t < TILE; ++t) acc[t] = partial[lid * TILE + t];
    }

    if (part == 0 && row < pc.rowsInChunk) {
        const uint outRow = pc.rowOffset + row;
        const float b = pc.hasBias != 0u ? bias[outRow] : 0.0;
        for (uint t = 0; t < TILE; ++t)
            if (t < tokens) dst[(t0 + t) * pc.outDim + outRow] = acc[t] + b;
    }
}
