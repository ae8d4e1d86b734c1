// Dispatches of the row-wise and element-wise kernels: RMSNorm, SwiGLU/GeGLU, scale/soft cap, add.
#include "vulkan/kernels.h"

namespace confidant::inference::vulkan {

void Kernels::rmsNorm(std::vector<Dispatch>& out, VkBuffer x, VkBuffer weight, VkBuffer dst, uint32_t rows,
                      uint32_t cols, float epsilon) const {
    Dispatch d;
    d.pipeline = m_rmsNorm;
    d.buffers = {x, weight, dst};
    d.setPush(RmsNormPush{cols, epsilon});
    d.groups = {rows, 1, 1};
    out.push_back(d);
}

namespace {

// One invocation per element: the shape every element-wise kernel shares.
template <typename Push>
void elementwise(std::vector<Dispatch>& out, VkPipeline pipeline, std::array<VkBuffer, k_bindingCount> buffers,
                 const Push& push, uint32_t count, uint32_t group) {
    Dispatch d;
    d.pipeline = pipeline;
    d.buffers = buffers;
    d.setPush(push);
    d.groups = {divideRoundingUp(count, group), 1, 1};
    out.push_back(d);
}

}  // namespace

void Kernels::swiGlu(std::vector<Dispatch>& out, VkBuffer gate, VkBuffer up, VkBuffer dst, uint32_t count) const {
    elementwise(out, m_swiGlu, {gate, up, dst}, CountPush{count}, count, m_config.elementwiseGroup);
}

void Kernels::geGlu(std::vector<Dispatch>& out, VkBuffer gate, VkBuffer up, VkBuffer dst, uint32_t count) const {
    elementwise(out, m_geGlu, {gate, up, dst}, CountPush{count}, count, m_config.elementwiseGroup);
}

void Kernels::scale(std::vector<Dispatch>& out, VkBuffer a, VkBuffer dst, uint32_t count, float factor, float cap) const {
    elementwise(out, m_scale, {a, dst}, ScalePush{count, factor, cap}, count, m_config.elementwiseGroup);
}

void Kernels::add(std::vector<Dispatch>& out, VkBuffer a, VkBuffer b, VkBuffer dst, uint32_t count) const {
    elementwise(out, m_add, {a, b, dst}, CountPush{count}, count, m_config.elementwiseGroup);
}

}  // namespace confidant::inference::vulkan
