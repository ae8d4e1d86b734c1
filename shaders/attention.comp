// Causal attention over the fp16 KV cache, flash-attention style: a workgroup takes a tile of
// QUERY_TILE consecutive batch rows of one query head and walks their keys in tiles of
// gl_WorkGroupSize.x positions with an online softmax (running max and sum, rescaled outputs), so
// no score row is stored. The keys may also be split across `splits` workgroups (gl_WorkGroupID.z,
// "flash decoding" for single tokens): each then writes its partial max, sum and unnormalized
// output for attention_reduce.comp. Heads share KV heads in groups (GQA); gemma2's soft cap and
// sliding window apply per score.
#version 450
#extension GL_GOOGLE_include_directive : require

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint MAX_HEAD_DIM = 256;
layout(constant_id = 2) const uint QUERY_TILE = 1;  // at most the workgroup size

layout(push_constant) uniform Push {
    uint headCount;
    uint headCountKv;
    uint headDim;
    uint rows;
    float scale;
    float softCap;       // > 0: score = softCap * tanh(score / softCap)
    uint slidingWindow;  // > 0: only the last slidingWindow positions are seen
    uint splits;         // 1: normalized output to dst; > 1: partials (max, sum, output) to binding 3
} pc;

#include "step.glsl"

layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer KCache { uint kCache[]; };
layout(std430, binding = 2) readonly buffer VCache { uint vCache[]; };
layout(std430, binding = 3) writeonly buffer Partials { float partials[]; };
layout(std430, binding = 4) writeonly buffer Dst { float dst[]; };

const uint KEY_TILE = gl_WorkGroupSize.x;
const uint DIMS_PER_LANE = (MAX_HEAD_DIM + gl_WorkGroupSize.x - 1) / gl_WorkGroupSize.x;
const float NEG_INF = -1.0 / 0.0;

shared float queries[QUERY_TILE * MAX_HEAD_DIM];
shared float probabilities[QUERY_TILE * KEY_TILE];  // scores, then exp(score - running max)
shared float runningMax[QUERY_TILE];
shared float runningSum[QUERY_TILE];
shared float rescale[QUERY_TILE];

// The first position seen by the row whose keys end (exclusively) at `end`.
uint windowStart(uint end) { return pc.slidingWindow > 0 && end > pc.slidingWindow ? end - pc.slidingWindow : 0; }

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint head = gl_WorkGroupID.x;
    const uint row0 = gl_WorkGroupID.y * QUERY_TILE;
    const uint split = gl_WorkGroupID.z;
    const uint tileRows = min(QUERY_TILE, pc.rows - row0);
    const uint kvDim = pc.headCountKv * pc.headDim;
    const uint kvOffset = (head / (pc.headCount / pc.headCountKv)) * pc.headDim;  // even

    // The keys any row of the tile sees, [lo, hi), and this split's share in whole key tiles.
    const uint lo = windowStart(step.startPosition + row0 + 1);
    const uint hi = step.startPosition + row0 + tileRows;
    const uint share = ((hi - lo + pc.splits - 1) / pc.splits + KEY_TILE - 1) / KEY_TILE * KEY_TILE;
    const uint begin = min(hi, lo + split * share);
    const uint end = min(hi, begin + share);

    for (uint i = lid; i < QUERY_TILE * pc.headDim; i += gl_WorkGroupSize.x) {
        const uint r = i / pc.headDim, d = i % pc.headDim;
        queries[r * MAX_HEAD_DIM + d] = r < tileRows ? q[((row0 + r) * pc.headCount + head) * pc.headDim + d] : 0.0;
    }
    if (lid < QUERY_TILE) {
        runningMax[lid] = NEG_INF;
        runningSum[lid] = 0.0;
    }
    float acc[QUERY_TILE * DIMS_PER_LANE];
    for (uint i = 0; i < QUERY_TILE * DIMS_PER_LANE; ++i) acc[i] = 0.0;
    barrier();

    for (uint tile = begin; tile < end; tile += KEY_TILE) {
        // Each invocation scores one key against every row of the tile.
        const uint t = tile + lid;
        float dots[QUERY_TILE];
        for (uint r = 0; r < QUERY_TILE; ++r) dots[r] = 0.0;
        if (t < end) {
            const uint keyBase = (t * kvDim + kvOffset) >> 1;
            for (uint d = 0; d < pc.headDim; d += 2) {
                const vec2 k = unpackHalf2x16(kCache[keyBase + (d >> 1)]);
                for (uint r = 0; r < QUERY_TILE; ++r)
                    dots[r] += queries[r * MAX_HEAD_DIM + d] * k.x + queries[r * MAX_HEAD_DIM + d + 1] * k.y;
            }
        }
        for (uint r = 0; r < QUERY_TILE; ++r) {
            const uint rowEnd = step.startPosition + row0 + r + 1;
            float score = dots[r] * pc.scale;
            if (pc.softCap > 0.0) score = pc.softCap * tanh(score / pc.softCap);
            const bool visible = r < tileRows && t < end && t < rowEnd && t >= windowStart(rowEnd);
            probabilities[r * KEY_TILE + lid] = visible ? score : NEG_INF;
        }
        barrier();

        // One invocation per row folds the tile into the running max and sum.
        if (lid < QUERY_TILE) {
            float tileMax = NEG_INF;
            for (uint j = 0; j < KEY_TILE; ++j) tileMax = max(tileMax, probabilities[lid * KEY_TILE + j]);
            const float newMax = max(runningMax[lid], tileMax);
            float sum = 0.0;
            for (uint j = 0; j < KEY_TILE; ++j) {
                const float score = probabilities[lid * KEY_TILE + j];
                const float p = score == NEG_INF ? 0.0 : exp(score - newMax);
                probabilities[lid * KEY_TILE + j] = p;
                sum += p;
            }
            const float factor = runningMax[lid] == NEG_INF ? 0.0 : exp(runningMax[lid] - newMax);
            rescale[lid] = factor;
            runningSum[lid] = runningSum[lid] * factor + sum;
            runningMax[lid] = newMax;
        }
        barrier();

        // Each invocation owns output dimensions lid, lid + workgroup size, ...
        const uint keys = min(KEY_TILE, end - tile);
        for (uint i = 0; i < DIMS_PER_LANE; ++i) {
            const uint d = lid + i * gl_WorkGroupSize.x;
            if (d >= pc.headDim) break;
            const uint valueIndex = kvOffset + d;
            for (uint r = 0; r < QUERY_TILE; ++r) acc[r * DIMS_PER_LANE + i] *= rescale[r];
            for (uint j = 0; j < keys; ++j) {
                const vec2 v = unpackHalf2x16(vCache[((tile + j) * kvDim + valueIndex) >> 1]);
                const float value = (valueIndex & 1u) == 0u ? v.x : v.y;
                for (uint r = 0; r < QUERY_TILE; ++r) acc[r * DIMS_PER_LANE + i] += probabilities[r * KEY_TILE + j] * value;
            }
        }
        barrier();
    }

    const uint partialStride = pc.headDim + 2;
    for (uint i = 0; i < DIMS_PER_LANE; ++i) {
        const uint d = lid + i * gl_WorkGroupSize.x;
        if (d >= pc.headDim) break;
        for (uint r = 0; r < tileRows; ++r) {
            const uint slot = (row0 + r) * pc.headCount + head;
            if (pc.splits == 1) dst[slot * pc.headDim + d] = acc[r * DIMS_PER_LANE + i] / runningSum[r];
            else partials[(slot * pc.splits + split) * partialStride + 2 + d] = acc[r * DIMS_PER_LANE + i];
        }
    }
    if (pc.splits > 1 && lid < tileRows) {
        const uint base = ((row0 + lid) * pc.headCount + head) * pc.splits + split;
        partials[base * partialStride] = runningMax[lid];
        partials[base * partialStride + 1] = runningSum[lid];
    }
}
