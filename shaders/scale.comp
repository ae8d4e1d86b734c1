// dst = a * factor, or with cap > 0 the soft cap dst = cap * tanh(a / cap) (gemma2's logits).
#version 450

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push {
    uint count;
    float factor;
    float cap;
} pc;

layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) writeonly buffer Dst { float dst[]; };

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.count) return;
    dst[i] = pc.cap > 0.0 ? pc.cap * tanh(a[i] / pc.cap) : a[i] * pc.factor;
}
