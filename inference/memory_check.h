// Checks a planned allocation against the memory the system can give now, so that a large plan
// (a KV cache for a long context, a backend's buffers) is refused with a message before it is
// allocated and zero-filled, instead of ending in std::bad_alloc or the kernel's OOM killer.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "result.h"

namespace confidant::inference {

// Bytes the system can give without swapping: MemAvailable of /proc/meminfo, lowered to the
// cgroup (v2) memory.max headroom when a memory limit applies. nullopt when neither is readable.
std::optional<uint64_t> availableMemoryBytes();

// Ok when `bytes` fit in the available memory (less a safety margin); else an Error naming `what`,
// both sizes, and what to do. Ok too when the available memory cannot be read (no /proc): the
// allocation itself then reports failure.
Result<void> checkMemoryFor(uint64_t bytes, std::string_view what);

// The same check against an explicit availability (for tests and for callers that know better).
Result<void> checkMemoryFor(uint64_t bytes, std::string_view what, uint64_t availableBytes);

}  // namespace confidant::inference
