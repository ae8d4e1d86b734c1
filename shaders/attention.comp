// Causal attention of one query head of one batch row over the fp16 KV cache [first, start+row]
// (first = 0, or the start of a sliding window), with optionally soft-capped scores (gemma2):
// scores and their softmax go through a scratch row, then each invocation sums a slice of the
// output dimensions. One workgroup per (head, row); heads share KV heads in groups (GQA).
#version 450
#extension GL_GOOGLE_include_directive : require

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint MAX_HEAD_DIM = 256;

layout(push_constant) uniform Push {
    uint headCount;
    uint headCountKv;
    uint headDim;
    uint scoreStride;  // context length: scratch floats per (row, head)
    float scale;
    float softCap;          // > 0: score = softCap * tanh(score / softCap)
    uint slidingWindow;     // > 0: only the last slidingWindow positions are seen
} pc;

#include "step.glsl"

layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer KCache { uint kCache[]; };
layout(std430, binding = 2) readonly buffer VCache { uint vCache[]; };
layout(std430, binding = 3) coherent buffer Scores { float scores[]; };
layout(std430, binding = 4) writeonly buffer Dst { float dst[]; };

shared float query[MAX_HEAD_DIM];
shared float reduction[gl_WorkGroupSize.x];

float reduceMax(float value) {
    const uint lid = gl_LocalInvocationID.x;
    reduction[lid] = value;
    barrier();
    for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
        if (lid < stride) reduction[lid] = max(reduction[lid], reduction[lid + stride]);
        barrier();
    }
    const float result = reduction[0];
    barrier();
    return result;
}

float reduceSum(float value) {
    const uint lid = gl_LocalInvocationID.x;
    reduction[lid] = value;
    barrier();
    for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
        if (lid < stride) reduction[lid] += reduction[lid + stride];
        barrier();
    }
    const float result = reduction[0];
    barrier();
    return result;
}

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint head = gl_WorkGroupID.x;
    const uint row = gl_WorkGroupID.y;
    const uint end = step.startPosition + row + 1;
    const uint first = pc.slidingWindow > 0 && end > pc.slidingWindow ? end - pc.slidingWindow : 0;
    const uint qBase = (row * pc.headCount + head) * pc.headDim;
    const uint kvDim = pc.headCountKv * pc.headDim;
    const uint kvOffset = (head / (pc.headCount / pc.headCountKv)) * pc.headDim;  // even
    const uint scoreBase = (row * pc.headCount + head) * pc.scoreStride;

    for (uint d = lid; d < pc.headDim; d += gl_WorkGroupSize.x) query[d] = q[qBase + d];
    barrier();

    float localMax = -1.0 / 0.0;
    for (uint t = first + lid; t < end; t += gl_WorkGroupSize.x) {
        const uint keyBase = (t * kvDim + kvOffset) >> 1;
        float dotProduct = 0.0;
        for (uint d = 0; d < pc.headDim; d += 2) {
            const vec2 k = unpackHalf2x16(kCache[keyBase + (d >> 1)]);
            dotProduct += query[d] * k.x + query[d + 1] * k.y;
        }
        float score = dotProduct * pc.scale;
        if (pc.softCap > 0.0) score = pc.softCap * tanh(score / pc.softCap);
        scores[scoreBase + t] = score;
        localMax = max(localMax, score);
    }
    const float maxScore = reduceMax(localMax);

    float localSum = 0.0;
    for (uint t = first + lid; t < end; t += gl_WorkGroupSize.x) {
        const float p = exp(scores[scoreBase + t] - maxScore);
        scores[scoreBase + t] = p;
        localSum += p;
    }
    const float sum = reduceSum(localSum);
    memoryBarrierBuffer();
    barrier();

    const float inverse = 1.0 / sum;
    for (uint d = lid; d < pc.headDim; d += gl_WorkGroupSize.x) {
        const uint valueIndex = kvOffset + d;
        float acc = 0.0;
        for (uint t = first; t < end; ++t) {
            const vec2 v = unpackHalf2x16(vCache[(t * kvDim + valueIndex) >> 1]);
            acc += scores[scoreBase + t] * ((valueIndex & 1u) == 0u ? v.x : v.y);
        }
        dst[qBase + d] = acc * inverse;
    }
}
