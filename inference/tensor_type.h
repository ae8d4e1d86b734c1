// GGML tensor types as stored in GGUF files: their ids, block layouts, and conversion to fp32.
// Dequantization is the reference every backend's kernels are checked against.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace confidant::inference {

// Values are the on-disk ids (ggml's `enum ggml_type`).
enum class TensorType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22,
    IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
    TQ1_0 = 34, TQ2_0 = 35,
};

// Converts `count` consecutive values (a multiple of the block size) from `src` to fp32.
using DequantizeFn = void (*)(const void* src, float* dst, size_t count);
// Converts `count` fp32 values (a multiple of the block size) into blocks of the type at `dst`.
using QuantizeFn = void (*)(const float* src, void* dst, size_t count);

struct TensorTypeTraits {
    TensorType type;
    std::string_view name;
    uint32_t blockSize;   // elements per block
    uint32_t blockBytes;  // bytes per block
    DequantizeFn dequantize;  // nullptr: known to the format, not supported by Confidant yet
    QuantizeFn quantize;      // nullptr: Confidant cannot write this type
};

// Traits of a type id read from a file; nullopt when the id is not a known GGML type.
std::optional<TensorTypeTraits> tensorTypeTraits(uint32_t id);
const TensorTypeTraits& traitsOf(TensorType type);
std::string_view tensorTypeName(TensorType type);

// Bytes that `count` elements occupy in `type` (count must be a multiple of the block size).
size_t rowBytes(TensorType type, size_t count);

// IEEE half and bfloat16 conversions used by the F16/BF16 types and the quantized block scales.
float fp16ToFp32(uint16_t h);
uint16_t fp32ToFp16(float f);
float bf16ToFp32(uint16_t h);
uint16_t fp32ToBf16(float f);

}  // namespace confidant::inference
