// Available memory from /proc/meminfo and the cgroup v2 limit.
#include "memory_check.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace confidant::inference {
namespace {

std::optional<uint64_t> meminfoAvailable() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib) {
        std::getline(in, unit);
        if (key == "MemAvailable:") return kib * 1024;
    }
    return std::nullopt;
}

std::optional<uint64_t> readNumber(const std::string& path) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") return std::nullopt;
    try {
        return std::stoull(text);
    } catch (...) {
        return std::nullopt;
    }
}

// Headroom under this process's cgroup v2 memory limit, if one applies.
std::optional<uint64_t> cgroupHeadroom() {
    std::ifstream self("/proc/self/cgroup");
    std::string line;
    while (std::getline(self, line)) {
        if (line.rfind("0::", 0) != 0) continue;
        const std::string dir = "/sys/fs/cgroup" + line.substr(3);
        const auto max = readNumber(dir + "/memory.max");
        const auto current = readNumber(dir + "/memory.current");
        if (!max || !current) return std::nullopt;
        return *max > *current ? *max - *current : 0;
    }
    return std::nullopt;
}

std::string mebibytes(uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB"; }

}  // namespace

std::optional<uint64_t> availableMemoryBytes() {
    auto available = meminfoAvailable();
    if (const auto headroom = cgroupHeadroom()) available = available ? std::min(*available, *headroom) : *headroom;
    return available;
}

Result<void> checkMemoryFor(uint64_t bytes, std::string_view what) {
    const auto available = availableMemoryBytes();
    if (!available) return {};
    return checkMemoryFor(bytes, what, *available);
}

Result<void> checkMemoryFor(uint64_t bytes, std::string_view what, uint64_t availableBytes) {
    // Keep a tenth of what is available (at least 256 MiB) for everything else the process and
    // the desktop need: using the last byte would push the system into swapping or the OOM killer.
    const uint64_t margin = std::max<uint64_t>(availableBytes / 10, uint64_t(256) << 20);
    const uint64_t usable = availableBytes > margin ? availableBytes - margin : 0;
    if (bytes <= usable) return {};
    return makeError(std::string(what) + " needs " + mebibytes(bytes) + " but only " + mebibytes(availableBytes) +
                     " of memory is available (limit: available memory less " + mebibytes(margin) +
                     " of headroom); free memory or plan less (e.g. a smaller --ctx)");
}

}  // namespace confidant::inference
