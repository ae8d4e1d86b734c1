// Greedy decoding on the device: the index of the largest of `count` logits starting at `offset`,
// the lowest index among equal maxima (as the CPU sampler picks), written to dst[0]. One
// workgroup: strided scans, then a tree reduction through shared memory.
#version 450

layout(local_size_x_id = 0) in;  // power of two

layout(push_constant) uniform Push {
    uint offset;
    uint count;
} pc;

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 4) writeonly buffer Dst { uint dst[]; };

shared float bestValue[gl_WorkGroupSize.x];
shared uint bestIndex[gl_WorkGroupSize.x];

void main() {
    const uint lid = gl_LocalInvocationID.x;
    float value = -1.0 / 0.0;
    uint index = 0xFFFFFFFFu;
    // Increasing indices per invocation: a strict comparison keeps the lowest of equal values.
    for (uint i = lid; i < pc.count; i += gl_WorkGroupSize.x) {
        const float v = logits[pc.offset + i];
        if (index == 0xFFFFFFFFu || v > value) {
            value = v;
            index = i;
        }
    }
    bestValue[lid] = value;
    bestIndex[lid] = index;
    barrier();
    for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
        if (lid < stride) {
            const float other = bestValue[lid + stride];
            const uint otherIndex = bestIndex[lid + stride];
            if (otherIndex != 0xFFFFFFFFu &&
                (bestIndex[lid] == 0xFFFFFFFFu || other > bestValue[lid] ||
                 (other == bestValue[lid] && otherIndex < bestIndex[lid]))) {
                bestValue[lid] = other;
                bestIndex[lid] = otherIndex;
            }
        }
        barrier();
    }
    if (lid == 0) dst[0] = bestIndex[0];
}
