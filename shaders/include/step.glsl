// The per-step inputs every replayed command buffer reads: the position of the batch's first token
// and the token ids. The host rewrites this buffer before each submit (binding 5 of every kernel).
layout(std430, binding = 5) readonly buffer Step {
    uint startPosition;
    uint tokens[];
} step;
