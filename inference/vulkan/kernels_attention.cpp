// Dispatches of the attention family: RoPE, KV-cache stores, and causal attention (tiled for
// batches; split over workgroups plus a reduce pass for single tokens).
#include <algorithm>

#include "vulkan/kernels.h"

namespace confidant::inference::vulkan {

void Kernels::rope(std::vector<Dispatch>& out, VkBuffer x, VkBuffer table, uint32_t rows, const RopeParams& p) const {
    Dispatch d;
    d.pipeline = m_rope;
    d.buffers = {x, table};
    const uint32_t pairs = p.dimensions / 2;
    d.setPush(RopePush{rows, p.headCount, p.headDim, pairs, p.style == RopeStyle::NeoX ? 1u : 0u});
    d.groups = {divideRoundingUp(uint64_t(rows) * p.headCount * pairs, m_config.elementwiseGroup), 1, 1};
    out.push_back(d);
}

void Kernels::storeKv(std::vector<Dispatch>& out, VkBuffer k, VkBuffer v, VkBuffer kCache, VkBuffer vCache,
                      uint32_t rows, uint32_t kvDim) const {
    Dispatch d;
    d.pipeline = m_storeKv;
    d.buffers = {k, v, kCache, vCache};
    d.setPush(StoreKvPush{rows, kvDim});
    d.groups = {divideRoundingUp(uint64_t(rows) * kvDim / 2, m_config.elementwiseGroup), 1, 1};
    out.push_back(d);
}

void Kernels::attention(std::vector<Dispatch>& out, VkBuffer q, VkBuffer kCache, VkBuffer vCache, VkBuffer partials,
                        VkBuffer dst, uint32_t rows, const AttentionParams& p) const {
    const uint32_t splits = attentionSplitsFor(rows);
    const uint32_t queryTile = rows == 1 ? 1 : std::min(m_config.attentionQueryTile, m_config.attentionGroup);
    Dispatch d;
    d.pipeline = rows == 1 ? m_attentionDecode : m_attention;
    d.buffers = {q, kCache, vCache, partials, dst};
    d.setPush(AttentionPush{p.headCount, p.headCountKv, p.headDim, rows, p.scale, p.softCap, p.slidingWindow, splits});
    d.groups = {p.headCount, divideRoundingUp(rows, queryTile), splits};
    out.push_back(d);
    if (splits == 1) return;
    Dispatch reduce;
    reduce.pipeline = m_attentionReduce;
    reduce.buffers = {VK_NULL_HANDLE, VK_NULL_HANDLE, VK_NULL_HANDLE, partials, dst};
    reduce.setPush(AttentionReducePush{p.headCount, p.headDim, splits});
    reduce.groups = {p.headCount, rows, 1};
    out.push_back(reduce);
}

}  // namespace confidant::inference::vulkan
