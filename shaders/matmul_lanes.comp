// dst[t][rowOffset + r] = dot(weight row r of this chunk, x[t]) (+ bias), as matmul.comp, shaped
// for CPU drivers (lavapipe): one workgroup is one subgroup, each invocation (a SIMD lane) owns one
// row, and a workgroup covers TILE tokens.
// Why a kernel of its own: CPU drivers fetch a storage-buffer value lane by lane, so an activation
// that every lane needs costs as many fetches as there are lanes. Here each lane fetches different
// activations and the subgroup shares them by shuffles, which CPU drivers compile to register
// moves: one fetch per activation per subgroup instead of one per lane (5x faster prompts on
// lavapipe, measured on 1B Q8_0).
// Needs rows whose length is a multiple of 4 (the host uses matmul.comp for others).
#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x_id = 0) in;                // the subgroup size
layout(constant_id = 1) const uint LANES = 8;  // the subgroup size again, as a constant for unrolling
layout(constant_id = 2) const uint TILE = 16;  // tokens per workgroup (all computed, even past the last)

layout(push_constant) uniform Push {
    uint inDim;
    uint outDim;
    uint rowsInChunk;
    uint rowOffset;
    uint tokenCount;
    uint rowStride;
    uint scaleOffset;
    uint hasBias;
    uint firstToken;   // the first token of this dispatch's tiles (a batch may take two dispatches)
} pc;

#include "weights.glsl"

layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer X4 { vec4 x4[]; };
layout(std430, binding = 2) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

// One token: its 8 quads of a piece are spread over the lanes, PIECE_ROUNDS fetches each.
const uint PIECE_ROUNDS = (8 + LANES - 1) / LANES;
// A tile: the 2 quads per token that one part of a piece multiplies, PART_ROUNDS fetches per lane
// (fetching per part rather than per piece keeps fewer values live: measured 8% faster).
const uint PART_ROUNDS = (TILE * 2 + LANES - 1) / LANES;

void main() {
    const uint lane = gl_SubgroupInvocationID;
    const uint row = gl_WorkGroupID.x * LANES + lane;
    // Lanes past the last row compute on the last row and store nothing: every lane must take part
    // in the shuffles.
    const uint readRow = min(row, pc.rowsInChunk - 1);
    const uint t0 = pc.firstToken + gl_WorkGroupID.y * TILE;
    const uint tokens = min(TILE, pc.tokenCount - t0);
    const uint lastToken = pc.tokenCount - 1;  // partial tiles re-read it
    const uint quadsPerToken = pc.inDim >> 2;
    const uint fullBlocks = pc.inDim / k_blockSize;
    const uint blocksPerRow = (pc.inDim + k_blockSize - 1) / k_blockSize;

    float acc[TILE];
    [[unroll]] for (uint t = 0; t < TILE; ++t) acc[t] = 0.0;

    for (uint b = 0; b < fullBlocks; ++b) {
        const BlockHeader header = blockHeader(readRow, b, blocksPerRow);
        const uint pieceQuads = b * 8;
        if (TILE == 1) {
            vec4 piece[PIECE_ROUNDS];
            [[unroll]] for (uint r = 0; r < PIECE_ROUNDS; ++r)
                piece[r] = x4[t0 * quadsPerToken + pieceQuads + min(r * LANES + lane, 7u)];
            // Apply the piece's scale and offset once to dot products of raw quants (the offset
            // times the piece's sum of activations) instead of to every weight.
            vec2 raw = vec2(0.0), sums = vec2(0.0);
            [[unroll]] for (uint i = 0; i < 4; ++i) {
                vec4 first, second;
                uvec2 offsets;
                loadRaw(header, i, first, second, offsets);
                const uint qa = offsets.x >> 2, qc = offsets.y >> 2;
                const vec4 xa = subgroupShuffle(piece[qa / LANES], qa % LANES);
                const vec4 xc = subgroupShuffle(piece[qc / LANES], qc % LANES);
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
        } else {
            [[unroll]] for (uint i = 0; i < 4; ++i) {
                vec4 first, second;
                uvec2 offsets;
                loadParts(header, i, first, second, offsets);
                // Value 2t of the tile is token t's first quad, 2t + 1 its second.
                vec4 part[PART_ROUNDS];
                [[unroll]] for (uint r = 0; r < PART_ROUNDS; ++r) {
                    const uint index = r * LANES + lane;
                    const uint token = min(t0 + index / 2, lastToken);
                    const uint quad = (index & 1u) == 0u ? offsets.x >> 2 : offsets.y >> 2;
                    part[r] = x4[token * quadsPerToken + pieceQuads + quad];
                }
                [[unroll]] for (uint t = 0; t < TILE; ++t)
                    acc[t] += dot(first, subgroupShuffle(part[(2 * t) / LANES], (2 * t) % LANES)) +
                              dot(second, subgroupShuffle(part[(2 * t + 1) / LANES], (2 * t + 1) % LANES));
            }
        }
    }
    // Rows whose length is not a multiple of 32 (float types only): the rest, element by element.
    for (uint e = fullBlocks * k_blockSize; e < pc.inDim; ++e) {
        const float we = weightAt(readRow, e, blocksPerRow);
        for (uint t = 0; t < TILE; ++t)
            if (t < tokens) acc[t] += we * x[(t0 + t) * pc.inDim + e];
    }

    if (row < pc.rowsInChunk) {
        const uint outRow = pc.rowOffset + row;
        const float b = pc.hasBias != 0u ? bias[outRow] : 0.0;
        for (uint t = 0; t < TILE; ++t)
            if (t < tokens) dst[(t0 + t) * pc.outDim + outRow] = acc[t] + b;
    }
}
