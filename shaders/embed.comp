// dst[t] = row tokens[t] of the embedding table, dequantized; one dispatch per chunk of rows, each
// writing only the tokens whose row lies in its chunk.
#version 450
#extension GL_GOOGLE_include_directive : require

layout(local_size_x_id = 0) in;

layout(push_constant) uniform Push {
    uint dim;          // row length
    uint rowBegin;     // first token id of this chunk
    uint rowsInChunk;
    uint tokenCount;
    uint rowStride;
    uint scaleOffset;
} pc;

#include "step.glsl"
#include "weights.glsl"

layout(std430, binding = 2) writeonly buffer Dst { float dst[]; };

void main() {
    const uint e = gl_GlobalInvocationID.x;
    const uint t = gl_WorkGroupID.y;
    if (e >= pc.dim || t >= pc.tokenCount) return;
    const uint token = step.tokens[t];
    if (token < pc.rowBegin || token - pc.rowBegin >= pc.rowsInChunk) return;
    dst[t * pc.dim + e] = weightAt(token - pc.rowBegin, e, (pc.dim + k_blockSize - 1) / k_blockSize);
}
