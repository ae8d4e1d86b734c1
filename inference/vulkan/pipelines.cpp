// Pipeline creation and the on-disk pipeline cache ($XDG_CACHE_HOME/confidant, else ~/.cache/confidant).
#include "vulkan/pipelines.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "embedded_shaders.h"

namespace confidant::inference::vulkan {

Result<std::unique_ptr<PipelineLibrary>> PipelineLibrary::create(const Device& device) {
    std::unique_ptr<PipelineLibrary> library(new PipelineLibrary(device));
    VkDescriptorSetLayoutBinding bindings[k_bindingCount];
    for (uint32_t i = 0; i < k_bindingCount; ++i)
        bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo setLayout{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    setLayout.bindingCount = k_bindingCount;
    setLayout.pBindings = bindings;
    VkDescriptorSetLayout setHandle = VK_NULL_HANDLE;
    if (VkResult r = vkCreateDescriptorSetLayout(device.get(), &setLayout, nullptr, &setHandle); r != VK_SUCCESS)
        return vkError("creating the descriptor set layout", r);
    library->m_setLayout = DescriptorSetLayoutHandle(device.get(), setHandle);

    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, k_pushConstantBytes};
    VkPipelineLayoutCreateInfo layout{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout.setLayoutCount = 1;
    layout.pSetLayouts = &setHandle;
    layout.pushConstantRangeCount = 1;
    layout.pPushConstantRanges = &push;
    VkPipelineLayout layoutHandle = VK_NULL_HANDLE;
    if (VkResult r = vkCreatePipelineLayout(device.get(), &layout, nullptr, &layoutHandle); r != VK_SUCCESS)
        return vkError("creating the pipeline layout", r);
    library->m_layout = PipelineLayoutHandle(device.get(), layoutHandle);

    // A stale or foreign cache file is harmless: the driver checks its header and ignores it.
    std::vector<char> cached;
    if (std::ifstream in(library->cachePath(), std::ios::binary); in)
        cached.assign(std::istreambuf_iterator<char>(in), {});
    VkPipelineCacheCreateInfo cache{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    cache.initialDataSize = cached.size();
    cache.pInitialData = cached.empty() ? nullptr : cached.data();
    VkPipelineCache cacheHandle = VK_NULL_HANDLE;
    if (vkCreatePipelineCache(device.get(), &cache, nullptr, &cacheHandle) != VK_SUCCESS) {
        cache.initialDataSize = 0;
        cache.pInitialData = nullptr;
        if (VkResult r = vkCreatePipelineCache(device.get(), &cache, nullptr, &cacheHandle); r != VK_SUCCESS)
            return vkError("creating the pipeline cache", r);
    }
    library->m_cache = PipelineCacheHandle(device.get(), cacheHandle);
    return library;
}

PipelineLibrary::~PipelineLibrary() { saveCache(); }

std::string PipelineLibrary::cachePath() const {
    std::filesystem::path folder;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) folder = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home) folder = std::filesystem::path(home) / ".cache";
    else return {};
    const auto& p = m_device.properties();
    return (folder / "confidant" /
            ("vulkan-pipelines-" + std::to_string(p.vendorID) + "-" + std::to_string(p.deviceID) + ".bin"))
        .string();
}

void PipelineLibrary::saveCache() const {
    // Best effort: a cache that cannot be written only costs time at the next load.
    const std::string path = cachePath();
    if (path.empty() || !m_cache) return;
    size_t size = 0;
    if (vkGetPipelineCacheData(m_device.get(), m_cache.get(), &size, nullptr) != VK_SUCCESS || size == 0) return;
    std::vector<char> data(size);
    if (vkGetPipelineCacheData(m_device.get(), m_cache.get(), &size, data.data()) != VK_SUCCESS) return;
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return;
        out.write(data.data(), std::streamsize(size));
        if (!out) return;
    }
    std::filesystem::rename(temporary, path, error);
}

Result<VkPipeline> PipelineLibrary::get(const std::string& name, const std::vector<uint32_t>& constants) {
    auto key = std::pair(name, constants);
    if (auto it = m_pipelines.find(key); it != m_pipelines.end()) return it->second.get();

    const std::span<const uint32_t> code = shaders::find(name);
    if (code.empty()) return makeError("internal error: no shader named '" + name + "' is built in");
    VkShaderModuleCreateInfo module{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    module.codeSize = code.size_bytes();
    module.pCode = code.data();
    VkShaderModule moduleHandle = VK_NULL_HANDLE;
    if (VkResult r = vkCreateShaderModule(m_device.get(), &module, nullptr, &moduleHandle); r != VK_SUCCESS)
        return vkError("loading the shader " + name, r);
    ShaderModuleHandle moduleOwner(m_device.get(), moduleHandle);

    std::vector<VkSpecializationMapEntry> entries;
    for (uint32_t i = 0; i < constants.size(); ++i) entries.push_back({i, i * 4, 4});
    VkSpecializationInfo specialization{uint32_t(entries.size()), entries.data(), constants.size() * 4, constants.data()};
    VkComputePipelineCreateInfo create{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    create.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    create.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    create.stage.module = moduleHandle;
    create.stage.pName = "main";
    create.stage.pSpecializationInfo = entries.empty() ? nullptr : &specialization;
    create.layout = m_layout.get();
    VkPipeline pipeline = VK_NULL_HANDLE;
    if (VkResult r = vkCreateComputePipelines(m_device.get(), m_cache.get(), 1, &create, nullptr, &pipeline); r != VK_SUCCESS)
        return vkError("building the pipeline " + name, r);
    return m_pipelines.emplace(std::move(key), PipelineHandle(m_device.get(), pipeline)).first->second.get();
}

}  // namespace confidant::inference::vulkan
