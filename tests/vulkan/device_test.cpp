// The device layer: listing, choice by index, the kernel shape per device, and the pipeline cache
// written to the cache folder.
#include <cstdlib>
#include <filesystem>

#include "vulkan/vulkan_devices.h"
#include "vulkan_test_support.h"

namespace confidant::vktest {
namespace {

TEST(Devices, ListsAtLeastOneUsableDeviceWithItsLimits) {
    auto devices = listVulkanDevices();
    ASSERT_TRUE(devices) << devices.error().message;
    ASSERT_FALSE(devices->empty());
    int preferred = 0;
    for (const VulkanDeviceInfo& d : *devices) {
        EXPECT_FALSE(d.name.empty());
        EXPECT_GT(d.subgroupSize, 0u) << d.name;
        EXPECT_GT(d.maxStorageBufferRange, 0u) << d.name;
        EXPECT_FALSE(d.heaps.empty()) << d.name;
        preferred += d.preferred ? 1 : 0;
    }
    EXPECT_EQ(preferred, 1) << "exactly one device is the default";
}

// CPU devices with shuffles get matmul_lanes with their own subgroup size (8 on lavapipe, 4 when
// CTest's vulkan_subgroup4 narrows its SIMD width): the parity tests then cover that size.
TEST(Devices, CpuDevicesUseTheLaneKernelsAtTheirSubgroupSize) {
    CONFIDANT_REQUIRE_GPU();
    const Device& device = *Gpu::instance().device;
    const KernelConfig config = KernelConfig::forDevice(device);
    if (device.isCpu() && device.info().subgroupShuffle) {
        EXPECT_EQ(config.matmulLanes, device.info().subgroupSize) << device.info().name;
    } else {
        EXPECT_EQ(config.matmulLanes, 0u) << device.info().name;
    }
    if (const char* width = std::getenv("LP_NATIVE_VECTOR_WIDTH"); width && device.isCpu()) {
        EXPECT_EQ(device.info().subgroupSize, uint32_t(std::atoi(width) / 32)) << "lavapipe did not take the SIMD width";
    }
}

TEST(Devices, ChoosingByIndexGivesThatDevice) {
    auto devices = listVulkanDevices();
    ASSERT_TRUE(devices) << devices.error().message;
    const int last = int(devices->size()) - 1;
    auto device = Device::create(last);
    ASSERT_TRUE(device) << device.error().message;
    EXPECT_EQ((*device)->info().name, (*devices)[size_t(last)].name);
    auto missing = Device::create(last + 1);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find(std::to_string(last + 1)), std::string::npos) << missing.error().message;
}

TEST(Pipelines, CacheIsSavedInTheUserCacheFolder) {
    CONFIDANT_REQUIRE_GPU();
    const std::filesystem::path folder = std::filesystem::temp_directory_path() / "confidant-vulkan-cache-test";
    std::filesystem::remove_all(folder);
    const char* previous = std::getenv("XDG_CACHE_HOME");
    const std::string saved = previous ? previous : "";
    ::setenv("XDG_CACHE_HOME", folder.c_str(), 1);
    {
        auto library = PipelineLibrary::create(*Gpu::instance().device);
        ASSERT_TRUE(library) << library.error().message;
        auto pipeline = (*library)->get("add_f32", {64});
        EXPECT_TRUE(pipeline) << pipeline.error().message;
        auto missing = (*library)->get("no_such_shader", {});
        EXPECT_FALSE(missing);
    }
    if (previous) ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
    else ::unsetenv("XDG_CACHE_HOME");
    bool found = false;
    for (const auto& entry : std::filesystem::directory_iterator(folder / "confidant"))
        found = found || (entry.path().filename().string().rfind("vulkan-pipelines-", 0) == 0 && entry.file_size() > 0);
    EXPECT_TRUE(found) << "no pipeline cache under " << (folder / "confidant").string();
    std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace confidant::vktest
