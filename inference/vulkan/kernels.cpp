// Kernel configuration per device and pipeline creation at load.
#include "vulkan/kernels.h"

#include <algorithm>

namespace confidant::inference::vulkan {

KernelConfig KernelConfig::forDevice(const Device& device) {
    KernelConfig c;
    if (device.isCpu()) {
        c.elementwiseGroup = 64;
        c.normGroup = 8;
        c.attentionGroup = 8;
        // The heads alone keep the cores busy: splitting only adds the reduce pass (measured on
        // lavapipe, 125M Q4_0: less CPU time per token without it; the parity tests still split).
        c.attentionSplits = 1;
        c.matmulGroup = 16;
        c.matmulThreadsPerRow = 1;
        c.matmulTile = 16;
        // Lavapipe's subgroups are its SIMD width (4, 8 or 16 lanes), fixed for every shader.
        const uint32_t lanes = device.info().subgroupSize;
        if (device.info().subgroupShuffle && lanes >= 4 && lanes <= 64 && (lanes & (lanes - 1)) == 0)
            c.matmulLanes = lanes;
    }
    return c;
}

Result<Kernels> Kernels::create(PipelineLibrary& library, const KernelConfig& config,
                                const std::set<TensorType>& matrixTypes) {
    Kernels k;
    k.m_config = config;
    auto make = [&](VkPipeline& target, const std::string& name, std::vector<uint32_t> constants) -> Result<void> {
        auto pipeline = library.get(name, constants);
        if (!pipeline) return pipeline.error();
        target = *pipeline;
        return {};
    };
    for (TensorType type : matrixTypes) {
        if (!isDeviceMatrixType(type))
            return makeError("the Vulkan backend has no kernels for " + std::string(tensorTypeName(type)) + " tensors yet");
        const std::string suffix = shaderSuffix(type);
        const uint32_t group = config.matmulGroup, threads = config.matmulThreadsPerRow, tile = config.matmulTile;
        if (const uint32_t lanes = config.matmulLanes) {
            if (auto r = make(k.m_matVec[type], "matmul_lanes_" + suffix, {lanes, lanes, 1}); !r) return r.error();
            if (auto r = make(k.m_matMul[type], "matmul_lanes_" + suffix, {lanes, lanes, tile}); !r) return r.error();
            if (auto r = make(k.m_matMulTail[type], "matmul_lanes_" + suffix, {lanes, lanes, config.matmulTailTile}); !r)
                return r.error();
            // Only float matrices have rows of any length.
            if (traitsOf(type).blockSize == 1) {
                if (auto r = make(k.m_matVecPlain[type], "matmul_" + suffix, {group, threads, 1}); !r) return r.error();
                if (auto r = make(k.m_matMulPlain[type], "matmul_" + suffix, {group, threads, tile}); !r) return r.error();
            }
        } else {
            if (auto r = make(k.m_matVec[type], "matmul_" + suffix, {group, threads, 1}); !r) return r.error();
            if (auto r = make(k.m_matMul[type], "matmul_" + suffix, {group, threads, tile}); !r) return r.error();
        }
        if (auto r = make(k.m_embed[type], "embed_" + suffix, {config.elementwiseGroup}); !r) return r.error();
    }
    if (auto r = make(k.m_rmsNorm, "rms_norm", {config.normGroup}); !r) return r.error();
    if (auto r = make(k.m_rope, "rope", {config.elementwiseGroup}); !r) return r.error();
    if (auto r = make(k.m_storeKv, "store_kv", {config.elementwiseGroup}); !r) return r.error();
    const uint32_t queryTile = std::min(config.attentionQueryTile, config.attentionGroup);
    if (auto r = make(k.m_attention, "attention", {config.attentionGroup, k_maxHeadDim, queryTile}); !r) return r.error();
    if (auto r = make(k.m_attentionDecode, "attention", {config.attentionGroup, k_maxHeadDim, 1}); !r) return r.error();
    if (auto r = make(k.m_attentionReduce, "attention_reduce", {config.attentionGroup}); !r) return r.error();
    if (auto r = make(k.m_swiGlu, "glu_silu", {config.elementwiseGroup}); !r) return r.error();
    if (auto r = make(k.m_geGlu, "glu_gelu", {config.elementwiseGroup}); !r) return r.error();
    if (auto r = make(k.m_scale, "scale", {config.elementwiseGroup}); !r) return r.error();
    if (auto r = make(k.m_add, "add_f32", {config.elementwiseGroup}); !r) return r.error();
    if (auto r = make(k.m_argmax, "argmax", {config.normGroup}); !r) return r.error();
    return k;
}

}  // namespace confidant::inference::vulkan
