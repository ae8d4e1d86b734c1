// Dispatches that pick tokens on the device: the argmax of greedy decoding.
#include "vulkan/kernels.h"

namespace confidant::inference::vulkan {

void Kernels::argmax(std::vector<Dispatch>& out, VkBuffer logits, VkBuffer dst, uint32_t offset, uint32_t count) const {
    Dispatch d;
    d.pipeline = m_argmax;
    d.buffers = {logits, VK_NULL_HANDLE, VK_NULL_HANDLE, VK_NULL_HANDLE, dst};
    d.setPush(ArgmaxPush{offset, count});
    out.push_back(d);
}

}  // namespace confidant::inference::vulkan
