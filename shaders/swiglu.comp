// dst = silu(gate) * up, element-wise: the gated feed-forward activation.
#version 450

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push { uint count; } pc;

layout(std430, binding = 0) readonly buffer Gate { float gate[]; };
layout(std430, binding = 1) readonly buffer Up { float up[]; };
layout(std430, binding = 2) writeonly buffer Dst { float dst[]; };

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    const float g = gate[i];
    dst[i] = g / (1.0 + exp(-g)) * up[i];
}
