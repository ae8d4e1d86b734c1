// Checked arithmetic for sizes computed from values a file declares. Every product or sum of
// such values (element counts, byte sizes, offsets, buffer lengths) goes through these, so that
// a crafted file gives an Error instead of a wrapped size and a write past a buffer.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>

namespace confidant::inference {

// The product of `factors`, or nullopt when it does not fit in 64 bits.
inline std::optional<uint64_t> checkedProduct(std::initializer_list<uint64_t> factors) {
    uint64_t product = 1;
    for (const uint64_t f : factors)
        if (__builtin_mul_overflow(product, f, &product)) return std::nullopt;
    return product;
}

// The sum of `terms`, or nullopt when it does not fit in 64 bits.
inline std::optional<uint64_t> checkedSum(std::initializer_list<uint64_t> terms) {
    uint64_t sum = 0;
    for (const uint64_t t : terms)
        if (__builtin_add_overflow(sum, t, &sum)) return std::nullopt;
    return sum;
}

// The product when it is at most `limit`, else nullopt: for sizes that must also fit a smaller
// type (uint32_t dimensions, size_t on the host, int64_t of ggml's shapes).
inline std::optional<uint64_t> checkedProductAtMost(std::initializer_list<uint64_t> factors, uint64_t limit) {
    const auto product = checkedProduct(factors);
    if (!product || *product > limit) return std::nullopt;
    return product;
}

}  // namespace confidant::inference
