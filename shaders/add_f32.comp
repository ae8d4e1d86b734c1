// Element-wise sum of two fp32 vectors: dst[i] = a[i] + b[i]. The residual connection.
#version 450

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) writeonly buffer Dst { float dst[]; };

layout(push_constant) uniform Params { uint count; } params;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i < params.count) dst[i] = a[i] + b[i];
}
