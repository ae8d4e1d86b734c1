// Rotates each head of x in place by the angle of its position startPosition + row. The cos/sin
// table ([position][pair] as vec2) is computed on the host with the reference's exact math.
#version 450
#extension GL_GOOGLE_include_directive : require

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push {
    uint rows;
    uint headCount;
    uint headDim;
    uint pairs;   // rotated dimensions / 2
    uint neox;    // 0: rotate (2i, 2i+1); 1: rotate (i, i + pairs)
} pc;

#include "step.glsl"

layout(std430, binding = 0) buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Table { vec2 cosSin[]; };

void main() {
    const uint id = gl_GlobalInvocationID.x;
    const uint perRow = pc.headCount * pc.pairs;
    if (id >= pc.rows * perRow) return;
    const uint row = id / perRow;
    const uint head = (id % perRow) / pc.pairs;
    const uint i = id % pc.pairs;
    const vec2 cs = cosSin[(step.startPosition + row) * pc.pairs + i];
    const uint base = row * pc.headCount * pc.headDim + head * pc.headDim;
    const uint a = base + (pc.neox != 0u ? i : 2 * i);
    const uint b = base + (pc.neox != 0u ? i + pc.pairs : 2 * i + 1);
    const float x0 = x[a], x1 = x[b];
    x[a] = x0 * cs.x - x1 * cs.y;
    x[b] = x0 * cs.y + x1 * cs.x;
}
