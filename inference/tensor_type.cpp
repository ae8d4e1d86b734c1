// The table of GGML tensor types, and the fp16/bf16 conversions.
#include "tensor_type.h"

#include <array>
#include <bit>
#include <cassert>
#include <cmath>

#include "quants/quants.h"

namespace confidant::inference {
namespace {

using namespace quants;

// Every type id the GGUF format defines, so that a file using one we cannot compute with gets a
// message naming it instead of "unknown type".
constexpr std::array k_types = {
    TensorTypeTraits{TensorType::F32, "F32", 1, 4, dequantizeF32, quantizeF32},
    TensorTypeTraits{TensorType::F16, "F16", 1, 2, dequantizeF16, quantizeF16},
    TensorTypeTraits{TensorType::Q4_0, "Q4_0", 32, 18, dequantizeQ4_0, quantizeQ4_0},
    TensorTypeTraits{TensorType::Q4_1, "Q4_1", 32, 20, dequantizeQ4_1, quantizeQ4_1},
    TensorTypeTraits{TensorType::Q5_0, "Q5_0", 32, 22, dequantizeQ5_0, quantizeQ5_0},
    TensorTypeTraits{TensorType::Q5_1, "Q5_1", 32, 24, dequantizeQ5_1, quantizeQ5_1},
    TensorTypeTraits{TensorType::Q8_0, "Q8_0", 32, 34, dequantizeQ8_0, quantizeQ8_0},
    TensorTypeTraits{TensorType::Q8_1, "Q8_1", 32, 36, nullptr, nullptr},
    TensorTypeTraits{TensorType::Q2_K, "Q2_K", 256, 84, dequantizeQ2_K, quantizeQ2_K},
    TensorTypeTraits{TensorType::Q3_K, "Q3_K", 256, 110, dequantizeQ3_K, quantizeQ3_K},
    TensorTypeTraits{TensorType::Q4_K, "Q4_K", 256, 144, dequantizeQ4_K, quantizeQ4_K},
    TensorTypeTraits{TensorType::Q5_K, "Q5_K", 256, 176, dequantizeQ5_K, quantizeQ5_K},
    TensorTypeTraits{TensorType::Q6_K, "Q6_K", 256, 210, dequantizeQ6_K, quantizeQ6_K},
    TensorTypeTraits{TensorType::Q8_K, "Q8_K", 256, 292, dequantizeQ8_K, quantizeQ8_K},
    TensorTypeTraits{TensorType::IQ2_XXS, "IQ2_XXS", 256, 66, nullptr, nullptr},
    TensorTypeTraits{TensorType::IQ2_XS, "IQ2_XS", 256, 74, nullptr, nullptr},
    TensorTypeTraits{TensorType::IQ3_XXS, "IQ3_XXS", 256, 98, nullptr, nullptr},
    TensorTypeTraits{TensorType::IQ1_S, "IQ1_S", 256, 50, nullptr, nullptr},
    TensorTypeTraits{TensorType::IQ4_NL, "IQ4_NL", 32, 18, dequantizeIQ4_NL, quantizeIQ4_NL},
    TensorTypeTraits{TensorType::IQ3_S, "IQ3_S", 256, 110, nullptr, nullptr},
    TensorTypeTraits{TensorType::IQ2_S, "IQ2_S", 256, 82, nullptr, nullptr},
    TensorTypeTraits{TensorType::IQ4_XS, "IQ4_XS", 256, 136, nullptr, nullptr},
    TensorTypeTraits{TensorType::I8, "I8", 1, 1, nullptr, nullptr},
    TensorTypeTraits{TensorType::I16, "I16", 1, 2, nullptr, nullptr},
    TensorTypeTraits{TensorType::I32, "I32", 1, 4, nullptr, nullptr},
    TensorTypeTraits{TensorType::I64, "I64", 1, 8, nullptr, nullptr},
    TensorTypeTraits{TensorType::F64, "F64", 1, 8, nullptr, nullptr},
    TensorTypeTraits{TensorType::IQ1_M, "IQ1_M", 256, 56, nullptr, nullptr},
    TensorTypeTraits{TensorType::BF16, "BF16", 1, 2, dequantizeBF16, quantizeBF16},
    TensorTypeTraits{TensorType::TQ1_0, "TQ1_0", 256, 54, nullptr, nullptr},
    TensorTypeTraits{TensorType::TQ2_0, "TQ2_0", 256, 66, nullptr, nullptr},
};

}  // namespace

std::optional<TensorTypeTraits> tensorTypeTraits(uint32_t id) {
    for (const auto& t : k_types)
        if (static_cast<uint32_t>(t.type) == id) return t;
    return std::nullopt;
}

const TensorTypeTraits& traitsOf(TensorType type) {
    for (const auto& t : k_types)
        if (t.type == type) return t;
    assert(false && "TensorType value outside the table");
    return k_types[0];
}

std::string_view tensorTypeName(TensorType type) { return traitsOf(type).name; }

size_t rowBytes(TensorType type, size_t count) {
    const auto& t = traitsOf(type);
    assert(count % t.blockSize == 0);
    return count / t.blockSize * t.blockBytes;
}

float fp16ToFp32(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000) << 16;
    const uint32_t exponent = (h >> 10) & 0x1F;
    const uint32_t mantissa = h & 0x3FF;
    if (exponent == 0) {
        // Zero or subnormal: value = mantissa * 2^-24.
        const float magnitude = std::ldexp(float(mantissa), -24);
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31) return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t fp32ToFp16(float f) {
    // Round to nearest even, with overflow to infinity and gradual underflow.
    const uint32_t bits = std::bit_cast<uint32_t>(f);
    const uint16_t sign = uint16_t((bits >> 16) & 0x8000);
    const uint32_t absBits = bits & 0x7FFFFFFF;
    if (absBits >= 0x7F800000) return uint16_t(sign | 0x7C00 | (absBits > 0x7F800000 ? 0x200 : 0));
    if (absBits >= 0x477FF000) return uint16_t(sign | 0x7C00);  // rounds above 65504
    if (absBits < 0x38800000) {
        // Subnormal half (or zero): scale so that one unit is 2^-24 and round.
        const float magnitude = std::bit_cast<float>(absBits);
        return uint16_t(sign | uint16_t(std::nearbyint(magnitude * 16777216.0f)));
    }
    const uint32_t rounded = absBits + 0xFFF + ((absBits >> 13) & 1);
    return uint16_t(sign | ((rounded - 0x38000000) >> 13));
}

float bf16ToFp32(uint16_t h) { return std::bit_cast<float>(uint32_t(h) << 16); }

uint16_t fp32ToBf16(float f) {
    const uint32_t bits = std::bit_cast<uint32_t>(f);
    if ((bits & 0x7FFFFFFF) > 0x7F800000) return uint16_t((bits >> 16) | 0x40);  // quiet NaN
    return uint16_t((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
}

}  // namespace confidant::inference
