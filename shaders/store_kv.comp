// Writes the batch's K and V rows into the layer's fp16 cache at positions startPosition + row
// (two halves per word, so no 16-bit storage feature is needed).
#version 450
#extension GL_GOOGLE_include_directive : require

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push {
    uint rows;
    uint kvDim;  // even
} pc;

#include "step.glsl"

layout(std430, binding = 0) readonly buffer K { vec2 k[]; };
layout(std430, binding = 1) readonly buffer V { vec2 v[]; };
layout(std430, binding = 2) writeonly buffer KCache { uint kCache[]; };
layout(std430, binding = 3) writeonly buffer VCache { uint vCache[]; };

void main() {
    const uint id = gl_GlobalInvocationID.x;
    const uint pairsPerRow = pc.kvDim / 2;
    if (id >= pc.rows * pairsPerRow) return;
    const uint row = id / pairsPerRow;
    const uint target = (step.startPosition + row) * pairsPerRow + id % pairsPerRow;
    kCache[target] = packHalf2x16(k[id]);
    vCache[target] = packHalf2x16(v[id]);
}
