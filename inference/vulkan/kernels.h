// The compute kernels as the executor sees them: each call appends the dispatches of one graph
// operation to a list (recorded later into a command buffer). Push-constant structs mirror the
// `Push` blocks of the shaders named beside them, field for field.
#pragma once

#include <array>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "graph.h"
#include "vulkan/pipelines.h"
#include "vulkan/weight_store.h"

namespace confidant::inference::vulkan {

// Workgroup shapes, chosen per device and passed as specialization constants.
struct KernelConfig {
    uint32_t elementwiseGroup = 64;
    uint32_t normGroup = 64;          // power of two
    uint32_t attentionGroup = 32;     // power of two; also the keys per attention tile
    uint32_t attentionQueryTile = 8;  // batch rows per attention workgroup (prompts), <= attentionGroup
    uint32_t attentionSplits = 16;    // workgroups sharing one decode token's keys (flash decoding)
    uint32_t matmulGroup = 64;
    uint32_t matmulThreadsPerRow = 16;  // power of two dividing matmulGroup
    uint32_t matmulTile = 8;          // tokens per workgroup in prompt batches
    // CPU devices: the matrix products of matmul_lanes.comp, one subgroup of this many lanes per
    // workgroup sharing activations by shuffles; 0 uses matmul.comp.
    uint32_t matmulLanes = 0;
    // matmul_lanes computes whole tiles, so a batch's last, partial tile takes these smaller ones.
    uint32_t matmulTailTile = 4;

    // CPU devices (lavapipe) run a workgroup on one core with SIMD lanes: one row per lane, no
    // reductions. GPUs share each row among several invocations.
    static KernelConfig forDevice(const Device& device);
};

struct Dispatch {
    VkPipeline pipeline = VK_NULL_HANDLE;
    std::array<VkBuffer, k_bindingCount> buffers{};  // null: unused (a placeholder is bound)
    std::array<uint32_t, k_pushConstantBytes / 4> push{};
    std::array<uint32_t, 3> groups{1, 1, 1};
    // Whether the next dispatch may start before this one's writes land (independent matmul chunks).
    bool barrierAfter = true;

    template <typename T>
    void setPush(const T& value) {
        static_assert(sizeof(T) <= k_pushConstantBytes);
        std::memcpy(push.data(), &value, sizeof(T));
    }
};

struct MatMulPush {  // matmul.comp, matmul_lanes.comp
    uint32_t inDim, outDim, rowsInChunk, rowOffset, tokenCount, rowStride, scaleOffset, hasBias, firstToken;
};
struct EmbedPush {  // embed.comp
    uint32_t dim, rowBegin, rowsInChunk, tokenCount, rowStride, scaleOffset;
};
struct RmsNormPush {  // rms_norm.comp
    uint32_t cols;
    float epsilon;
};
struct RopePush {  // rope.comp
    uint32_t rows, headCount, headDim, pairs, neox;
};
struct StoreKvPush {  // store_kv.comp
    uint32_t rows, kvDim;
};
struct AttentionPush {  // attention.comp
    uint32_t headCount, headCountKv, headDim, rows;
    float scale, softCap;
    uint32_t slidingWindow, splits;
};
struct AttentionReducePush {  // attention_reduce.comp
    uint32_t headCount, headDim, splits;
};
struct ArgmaxPush {  // argmax.comp
    uint32_t offset, count;
};
struct CountPush {  // glu.comp, add_f32.comp
    uint32_t count;
};
struct ScalePush {  // scale.comp
    uint32_t count;
    float factor, cap;
};

constexpr uint32_t k_maxHeadDim = 256;

class Kernels {
public:
    // Builds every pipeline the given matrix types need (all of them at model load, none later).
    static Result<Kernels> create(PipelineLibrary& library, const KernelConfig& config,
                                  const std::set<TensorType>& matrixTypes);

    const KernelConfig& config() const { return m_config; }

    void embed(std::vector<Dispatch>& out, const DeviceMatrix& table, VkBuffer dst, uint32_t tokens) const;
    void matMul(std::vector<Dispatch>& out, const DeviceMatrix& w, VkBuffer bias, VkBuffer x, VkBuffer dst,
                uint32_t tokens) const;
    void rmsNorm(std::vector<Dispatch>& out, VkBuffer x, VkBuffer weight, VkBuffer dst, uint32_t rows, uint32_t cols,
                 float epsilon) const;
    void rope(std::vector<Dispatch>& out, VkBuffer x, VkBuffer table, uint32_t rows, const RopeParams& params) const;
    void storeKv(std::vector<Dispatch>& out, VkBuffer k, VkBuffer v, VkBuffer kCache, VkBuffer vCache, uint32_t rows,
                 uint32_t kvDim) const;
    // Tiled causal attention for batches; one row is split over `attentionSplitsFor(1)` workgroups
    // whose partials (`partials`, attentionPartialBytes) a reduce pass combines.
    void attention(std::vector<Dispatch>& out, VkBuffer q, VkBuffer kCache, VkBuffer vCache, VkBuffer partials,
                   VkBuffer dst, uint32_t rows, const AttentionParams& params) const;
    uint32_t attentionSplitsFor(uint32_t rows) const { return rows == 1 ? m_config.attentionSplits : 1; }
    static uint64_t attentionPartialBytes(uint32_t rows, uint32_t headCount, uint32_t headDim, uint32_t splits) {
        return splits > 1 ? uint64_t(rows) * headCount * splits * (headDim + 2) * 4 : 0;
    }
    void swiGlu(std::vector<Dispatch>& out, VkBuffer gate, VkBuffer up, VkBuffer dst, uint32_t count) const;
    void geGlu(std::vector<Dispatch>& out, VkBuffer gate, VkBuffer up, VkBuffer dst, uint32_t count) const;
    // dst = a * factor, or cap * tanh(a / cap) when cap > 0.
    void scale(std::vector<Dispatch>& out, VkBuffer a, VkBuffer dst, uint32_t count, float factor, float cap) const;
    void add(std::vector<Dispatch>& out, VkBuffer a, VkBuffer b, VkBuffer dst, uint32_t count) const;
    // dst[0] = index of the largest of logits[offset, offset + count), the lowest among equals.
    void argmax(std::vector<Dispatch>& out, VkBuffer logits, VkBuffer dst, uint32_t offset, uint32_t count) const;

private:
    KernelConfig m_config;
    std::map<TensorType, VkPipeline> m_matVec;   // one token
    std::map<TensorType, VkPipeline> m_matMul;   // tiles of matmulTile tokens
    std::map<TensorType, VkPipeline> m_matMulTail;  // matmul_lanes: tiles of matmulTailTile tokens
    // matmul.comp for rows whose length is not a multiple of 4, where the config picks matmul_lanes
    std::map<TensorType, VkPipeline> m_matVecPlain, m_matMulPlain;
    std::map<TensorType, VkPipeline> m_embed;
    VkPipeline m_rmsNorm = VK_NULL_HANDLE;
    VkPipeline m_rope = VK_NULL_HANDLE;
    VkPipeline m_storeKv = VK_NULL_HANDLE;
    VkPipeline m_attention = VK_NULL_HANDLE;        // attentionQueryTile rows per workgroup
    VkPipeline m_attentionDecode = VK_NULL_HANDLE;  // one row per workgroup
    VkPipeline m_attentionReduce = VK_NULL_HANDLE;
    VkPipeline m_swiGlu = VK_NULL_HANDLE;
    VkPipeline m_geGlu = VK_NULL_HANDLE;
    VkPipeline m_scale = VK_NULL_HANDLE;
    VkPipeline m_add = VK_NULL_HANDLE;
    VkPipeline m_argmax = VK_NULL_HANDLE;
};

inline uint32_t divideRoundingUp(uint64_t a, uint64_t b) { return uint32_t((a + b - 1) / b); }

}  // namespace confidant::inference::vulkan
