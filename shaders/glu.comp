// dst = act(gate) * up, element-wise: the gated feed-forward activation. Compiled per activation:
// GLU_SILU (SwiGLU: llama, qwen2, phi3) and GLU_GELU (GeGLU with tanh-approximated GELU: gemma2).
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
#if defined(GLU_SILU)
    dst[i] = g / (1.0 + exp(-g)) * up[i];
#elif defined(GLU_GELU)
    const float k_sqrt2OverPi = 0.7978845608028654;
    dst[i] = 0.5 * g * (1.0 + tanh(k_sqrt2OverPi * (g + 0.044715 * g * g * g))) * up[i];
#else
#error "glu.comp needs GLU_SILU or GLU_GELU"
#endif
}
