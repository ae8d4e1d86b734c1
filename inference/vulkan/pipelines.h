// Compute pipelines made from the embedded SPIR-V, all sharing one layout: six storage-buffer
// bindings (0-4 per kernel, 5 the per-step inputs) and up to k_pushConstantBytes of push constants.
// A VkPipelineCache is loaded from and saved to the user's cache folder so that later loads are fast.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vulkan/device.h"

namespace confidant::inference::vulkan {

constexpr uint32_t k_bindingCount = 6;
constexpr uint32_t k_stepBinding = 5;
constexpr uint32_t k_pushConstantBytes = 64;

class PipelineLibrary {
public:
    static Result<std::unique_ptr<PipelineLibrary>> create(const Device& device);
    ~PipelineLibrary();  // saves the pipeline cache

    // The pipeline of shader `name` with specialization constants 0..n-1 set to `constants`;
    // created on first request (the backend requests all of them at model load).
    Result<VkPipeline> get(const std::string& name, const std::vector<uint32_t>& constants);

    VkPipelineLayout layout() const { return m_layout.get(); }
    VkDescriptorSetLayout setLayout() const { return m_setLayout.get(); }
    size_t size() const { return m_pipelines.size(); }

private:
    explicit PipelineLibrary(const Device& device) : m_device(device) {}
    void saveCache() const;
    std::string cachePath() const;

    const Device& m_device;
    DescriptorSetLayoutHandle m_setLayout;
    PipelineLayoutHandle m_layout;
    PipelineCacheHandle m_cache;
    std::map<std::pair<std::string, std::vector<uint32_t>>, PipelineHandle> m_pipelines;
};

}  // namespace confidant::inference::vulkan
