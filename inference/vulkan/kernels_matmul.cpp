// Dispatches of the weight-reading kernels: matrix products and embedding lookups, one dispatch
// per weight chunk (chunks are independent, so only the last one needs a barrier after it).
#include <cassert>

#include "vulkan/kernels.h"

namespace confidant::inference::vulkan {

void Kernels::matMul(std::vector<Dispatch>& out, const DeviceMatrix& w, VkBuffer bias, VkBuffer x, VkBuffer dst,
                     uint32_t tokens) const {
    const bool single = tokens == 1;
    const bool lanes = m_config.matmulLanes != 0 && w.rowLength % 4 == 0;  // matmul_lanes reads quads
    const VkPipeline pipeline =
        (lanes || m_config.matmulLanes == 0 ? (single ? m_matVec : m_matMul) : (single ? m_matVecPlain : m_matMulPlain))
            .at(w.type);
    const uint32_t tile = single ? 1 : m_config.matmulTile;
    const uint32_t rowsPerGroup = lanes ? m_config.matmulLanes : m_config.matmulGroup / m_config.matmulThreadsPerRow;
    for (const WeightChunk& chunk : w.chunks) {
        Dispatch d;
        d.pipeline = pipeline;
        d.buffers = {chunk.buffer.get(), x, dst, bias};
        d.setPush(MatMulPush{w.rowLength, w.rows, chunk.rows, chunk.rowBegin, tokens, w.rowStride, chunk.scaleOffset,
                             bias != VK_NULL_HANDLE ? 1u : 0u});
        d.groups = {divideRoundingUp(chunk.rows, rowsPerGroup), divideRoundingUp(tokens, tile), 1};
        d.barrierAfter = false;
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
