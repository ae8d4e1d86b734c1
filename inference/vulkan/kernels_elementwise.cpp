// Dispatches of the row-wise and element-wise kernels: RMSNorm, SwiGLU, residual add.
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

void Kernels::swiGlu(std::vector<Dispatch>& out, VkBuffer gate, VkBuffer up, VkBuffer dst, uint32_t count) const {
    Dispatch d;
    d.pipeline = m_swiGlu;
    d.buffers = {gate, up, dst};
    d.setPush(CountPush{count});
    d.groups = {divideRoundingUp(count, m_config.elementwiseGroup), 1, 1};
    out.push_back(d);
}

void Kernels::geGlu(std::vector<Dispatch>& out, VkBuffer gate, VkBuffer up, VkBuffer dst, uint32_t count) const {
    Dispatch d;
    d.pipeline = m_geGlu;
    d.buffers = {gate, up, dst};
    d.setPush(CountPush{count});
    d.groups = {divideRoundingUp(count, m_config.elementwiseGroup), 1, 1};
    out.push_back(d);
}

void Kernels::scale(std::vector<Dispatch>& out, VkBuffer a, VkBuffer dst, uint32_t count, float factor, float cap) const {
    Dispatch d;
    d.pipeline = m_scale;
    d.buffers = {a, dst};
    d.setPush(ScalePush{count, factor, cap});
    d.groups = {divideRoundingUp(count, m_config.elementwiseGroup), 1, 1};
    out.push_back(d);
}

void Kernels::add(std::vector<Dispatch>& out, VkBuffer a, VkBuffer b, VkBuffer dst, uint32_t count) const {
    Dispatch d;
    d.pipeline = m_add;
    d.buffers = {a, b, dst};
    d.setPush(CountPush{count});
    d.groups = {divideRoundingUp(count, m_config.elementwiseGroup), 1, 1};
    out.push_back(d);
}

}  // namespace confidant::inference::vulkan
