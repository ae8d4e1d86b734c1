// Dispatches of the weight-reading kernels: matrix products and embedding lookups, one dispatch
// per weight chunk and token range (they write disjoint parts of the output, so only the last one
// needs a barrier after it).
#include <cassert>

#include "vulkan/kernels.h"

namespace confidant::inference::vulkan {

void Kernels::matMul(std::vector<Dispatch>& out, const DeviceMatrix& w, VkBuffer bias, VkBuffer x, VkBuffer dst,
                     uint32_t tokens) const {
    const bool single = tokens == 1;
    const bool lanes = m_config.matmulLanes != 0 && w.rowLength % 4 == 0;  // matmul_lanes reads quads
    const uint32_t rowsPerGroup = lanes ? m_config.matmulLanes : m_config.matmulGroup / m_config.matmulThreadsPerRow;
    // Token ranges and their pipelines: matmul.comp skips the tokens past the last; matmul_lanes
    // computes whole tiles, so the full tiles go first and the rest in smaller ones.
    struct Part {
        VkPipeline pipeline;
        uint32_t firstToken, tokenGroups;
    };
    std::vector<Part> parts;
    if (single) {
        parts.push_back({(lanes || m_config.matmulLanes == 0 ? m_matVec : m_matVecPlain).at(w.type), 0, 1});
    } else if (!lanes) {
        const VkPipeline plain = (m_config.matmulLanes == 0 ? m_matMul : m_matMulPlain).at(w.type);
        parts.push_back({plain, 0, divideRoundingUp(tokens, m_config.matmulTile)});
    } else {
        const uint32_t fullTiles = tokens / m_config.matmulTile, rest = tokens % m_config.matmulTile;
        if (fullTiles) parts.push_back({m_matMul.at(w.type), 0, fullTiles});
        if (rest)
            parts.push_back({m_matMulTail.at(w.type), fullTiles * m_config.matmulTile,
                             divideRoundingUp(rest, m_config.matmulTailTile)});
    }
    for (const Part& part : parts)
        for (const WeightChunk& chunk : w.chunks) {
            Dispatch d;
            d.pipeline = part.pipeline;
            d.buffers = {chunk.buffer.get(), x, dst, bias};
            d.setPush(MatMulPush{w.rowLength, w.rows, chunk.rows, chunk.rowBegin, tokens, w.rowStride,
                                 chunk.scaleOffset, bias != VK_NULL_HANDLE ? 1u : 0u, part.firstToken});
            d.groups = {divideRoundingUp(chunk.rows, rowsPerGroup), part.tokenGroups, 1};
            d.barrierAfter = false;  // the dispatches write disjoint parts of dst
            out.push_back(d);
        }
    out.back().barrierAfter = true;
}

void Kernels::embed(std::vector<Dispatch>& out, const DeviceMatrix& table, VkBuffer dst, uint32_t tokens) const {
    for (const WeightChunk& chunk : table.chunks) {
        Dispatch d;
        d.pipeline = m_embed.at(table.type);
        d.buffers = {chunk.buffer.get(), VK_NULL_HANDLE, dst};
        d.setPush(EmbedPush{table.rowLength, chunk.rowBegin, chunk.rows, tokens, table.rowStride, chunk.scaleOffset});
        d.groups = {divideRoundingUp(table.rowLength, m_config.elementwiseGroup), tokens, 1};
        d.barrierAfter = false;
        out.push_back(d);
    }
    out.back().barrierAfter = true;
}

}  // namespace confidant::inference::vulkan
