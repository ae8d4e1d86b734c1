// `confidant-cli devices`: the Vulkan devices this machine offers, with what matters for running
// models on them (type, driver, memory, subgroup size, fp16/int8, limits) and which one is chosen.
#include <cstdio>

#include "cli/commands.h"

#if defined(CONFIDANT_HAS_VULKAN)
#include "vulkan/vulkan_devices.h"
#endif

namespace confidant::cli {

int runDevices(Arguments& args) {
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");
#if defined(CONFIDANT_HAS_VULKAN)
    auto devices = inference::listVulkanDevices();
    if (!devices) return fail(devices.error().message);
    auto mib = [](uint64_t bytes) { return (unsigned long long)(bytes >> 20); };
    auto yesNo = [](bool b) { return b ? "yes" : "no"; };
    for (const auto& d : *devices) {
        std::printf("device %u: %s%s\n", d.index, d.name.c_str(), d.preferred ? "  (default)" : "");
        std::printf("  type: %s, Vulkan %s, driver: %s\n", d.type.c_str(), d.apiVersion.c_str(), d.driver.c_str());
        for (size_t h = 0; h < d.heaps.size(); ++h) {
            const auto& heap = d.heaps[h];
            std::printf("  memory heap %zu: %llu MiB%s", h, mib(heap.size), heap.deviceLocal ? " device-local" : "");
            if (d.memoryBudget) std::printf(", %llu MiB free", mib(heap.budget));
            std::printf("\n");
        }
        std::printf("  subgroup size: %u, shuffles: %s, fp16 arithmetic: %s, int8 arithmetic: %s, 16-bit storage: %s, "
                    "memory budget: %s\n",
                    d.subgroupSize, yesNo(d.subgroupShuffle), yesNo(d.fp16Arithmetic), yesNo(d.int8Arithmetic), yesNo(d.storage16Bit),
                    yesNo(d.memoryBudget));
        std::printf("  max storage buffer: %llu MiB, max allocation: %llu MiB, shared memory: %u KiB, workgroup: %u\n",
                    mib(d.maxStorageBufferRange), mib(d.maxMemoryAllocationSize), d.maxComputeSharedMemory / 1024,
                    d.maxWorkgroupInvocations);
        if (!d.usable) std::printf("  not usable: %s\n", d.unusableReason.c_str());
    }
    return 0;
#else
    return fail("this build of Confidant has no Vulkan backend");
#endif
}

}  // namespace confidant::cli
