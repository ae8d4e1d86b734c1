// The second pass of split ("flash decoding") attention: combines the splits' partial maxima m_s,
// sums l_s and unnormalized outputs o_s of one (row, head) as sum_s o_s e^(m_s - M) / sum_s l_s
// e^(m_s - M), M the largest m_s. Splits that saw no key carry m_s = -inf and weigh nothing.
#version 450
#extension GL_GOOGLE_include_directive : require

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push {
    uint headCount;
    uint headDim;
    uint splits;
} pc;

layout(std430, binding = 3) readonly buffer Partials { float partials[]; };
layout(std430, binding = 4) writeonly buffer Dst { float dst[]; };

const float NEG_INF = -1.0 / 0.0;

float weight(uint base, float globalMax) {
    const float m = partials[base];
    return m == NEG_INF ? 0.0 : exp(m - globalMax);
}

void main() {
    const uint slot = gl_WorkGroupID.y * pc.headCount + gl_WorkGroupID.x;
    const uint stride = pc.headDim + 2;
    const uint first = slot * pc.splits * stride;
    float globalMax = NEG_INF;
    for (uint s = 0; s < pc.splits; ++s) globalMax = max(globalMax, partials[first + s * stride]);
    float sum = 0.0;
    for (uint s = 0; s < pc.splits; ++s) sum += partials[first + s * stride + 1] * weight(first + s * stride, globalMax);
    const float inverse = 1.0 / sum;
    for (uint d = gl_LocalInvocationID.x; d < pc.headDim; d += gl_WorkGroupSize.x) {
        float acc = 0.0;
        for (uint s = 0; s < pc.splits; ++s)
            acc += partials[first + s * stride + 2 + d] * weight(first + s * stride, globalMax);
        dst[slot * pc.headDim + d] = acc * inverse;
    }
}
