// dst[r] = x[r] * weight / sqrt(mean(x[r]^2) + eps): one workgroup per row, partial sums of squares
// reduced through shared memory.
#version 450

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push {
    uint cols;
    float epsilon;
} pc;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Weight { float weight[]; };
layout(std430, binding = 2) writeonly buffer Dst { float dst[]; };

shared float sums[gl_WorkGroupSize.x];

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint base = gl_WorkGroupID.x * pc.cols;
    float s = 0.0;
    for (uint i = lid; i < pc.cols; i += gl_WorkGroupSize.x) s += x[base + i] * x[base + i];
    sums[lid] = s;
    barrier();
    for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
        if (lid < stride) sums[lid] += sums[lid + stride];
        barrier();
    }
    const float scale = 1.0 / sqrt(sums[0] / float(pc.cols) + pc.epsilon);
    for (uint i = lid; i < pc.cols; i += gl_WorkGroupSize.x) dst[base + i] = weight[i] * (scale * x[base + i]);
}
