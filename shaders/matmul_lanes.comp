// dst[t][rowOffset + r] = dot(weight row r of this chunk, x[t]) (+ bias), as matmul.comp, shaped
// for CPU drivers (lavapipe): one workgroup is one subgroup, each invocation (a SIMD lane) owns one
// row, and a workgroup covers TILE tokens.
// Why a kernel of its own: CPU drivers fetch a storage-buffer value lane by lane, so an activation
// that every lane needs costs as many fetches as lanes. Here each lane fetches different
// activations of the current 32-element piece and the subgroup shares them by shuffles, which CPU
// drivers compile to register moves: one fetch per activation per subgroup instead of per lane.
// Needs rows whose length is a multiple of 4 (the host uses matmul.comp for others).
#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_shuffle : require
#extension GL_EXT_control_flow_attributes : require

layout(local_size_x_id = 0) in;                // the subgroup size
layout(constant_id = 1) const uint LANES = 8;  // the subgroup size again, as a constant for unrolling
layout(constant_id = 2) const uint TILE = 16;  // tokens per workgroup; TILE * 8 a multiple of LANES

layout(push_constant) uniform Push {
    uint inDim;
    uint outDim;
    uint rowsInChunk;
    uint rowOffset;
    uint tokenCount;
    uint rowStride;
    uint scaleOffset;
    uint hasBias;
} pc;

#include "weights.glsl"

layout(std430, binding = 1) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer X4 { vec4 x4[]; };
layout(std430, binding = 2) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };

// A piece of one token is 8 quads; the tile's quads of a piece are spread over the lanes, ROUNDS each.
const uint ROUNDS = (TILE * 8 + LANES - 1) / LANES;

// Quad `quad` (0..7) of token t's current piece, from the lane that fetched it.
vec4 shared4(vec4 fetched[ROUNDS], uint t, uint quad) {
    const uint index = t * 8 + quad;
    return subgroupShuffle(fetched[index / LANES], index % LANES);
}

void main() {
    const uint lane = gl_SubgroupInvocationID;
    const uint row = gl_WorkGroupID.x * LANES + lane;
    // Lanes past the last row compute on the last row and store nothing: every lane must take part
    // in the shuffles.
    const uint readRow = min(row, pc.rowsInChunk - 1);
    const uint t0 = gl_WorkGroupID.y * TILE;
    const uint tokens = min(TILE, pc.tokenCount - t0);
    const uint quadsPerToken = pc.inDim >> 2;
    const uint fullBlocks = pc.inDim / k_blockSize;
    const uint blocksPerRow = (pc.inDim + k_blockSize - 1) / k_blockSize;

    float acc[TILE];
    [[unroll]] for (uint t = 0; t < TILE; ++t) acc[t] = 0.0;

    for (uint b = 0; b < fullBlocks; ++b) {
        vec4 fetched[ROUNDS];
        [[unroll]] for (uint r = 0; r < ROUNDS; ++r) {
            const uint index = r * LANES + lane;
            const uint token = min(t0 + index / 8, pc.tokenCount - 1);  // a partial tile re-reads the last token
            fetched[r] = x4[token * quadsPerToken + b * 8 + index % 8];
        }
        const BlockHeader header = blockHeader(readRow, b, blocksPerRow);
        if (TILE == 1) {
            // One token: apply the piece's scale and offset once to dot products of raw quants (the
            // offset times the piece's sum of activations) instead of to every weight.
            vec2 raw = vec2(0.0), sums = vec2(0.0);
            [[unroll]] for (uint i = 0; i < 4; ++i) {
                vec4 first, second;
                uvec2 offsets;
                loadRaw(header, i, first, second, offsets);
                const vec4 xa = shared4(fetched, 0, offsets.x >> 2), xc = shared4(fetched, 0, offsets.y >> 2);
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
                [[unroll]] for (uint t = 0; t < TILE; ++t)
                    acc[t] += dot(first, shared4(fetched, t, offsets.x >> 2)) +
                              dot(second, shared4(fetched, t, offsets.y >> 2));
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
