// Inside the kernels folder: the activation block formats, and the table entry each ISA's kernel
// file offers per weight type. prepare_matrix.cpp picks an entry; the entry's functions do the work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "cpu/kernels/matmul.h"
#include "tensor_type.h"

namespace confidant::inference::cpu::kernels {

// How one activation row is stored between quantizeActivations and multiply.
enum class ActivationFormat : uint8_t {
    Fp32,     // the row as it is (F32/F16/BF16 weights, and the dequantizing fallback)
    Q8Per32,  // ActivationBlock32 per 32 values (Q4_0, Q8_0, IQ4_NL weights)
    Q8Per256, // quants::BlockQ8_K per 256 values, with sums of 16 (the K-quants)
};

// 32 activations: x ~= d * qs[i]. The scale stays fp32 (the activations are rounded once, so the
// fp16 rounding of a file scale would only add error) and the block is 36 bytes, unaligned.
struct ActivationBlock32 {
    float d;
    int8_t qs[32];
};
static_assert(sizeof(ActivationBlock32) == 36);

size_t activationRowBytes(ActivationFormat format, size_t n);
// One row of n fp32 values (n a multiple of the format's block) into `dst`. Shared by every ISA
// level, so that all levels multiply the same quantized activations.
void quantizeActivationRow(ActivationFormat format, const float* x, size_t n, void* dst);

// The weight matrix as the kernels see it: `rows` rows of `rowBytes` bytes, n values each.
struct WeightView {
    const uint8_t* data;
    size_t rows;
    size_t n;
    size_t rowBytes;
};

// y[t * ldy + i] = dot(row i, activation row t), i in [rowBegin, rowEnd), t in [0, tokens).
// Activation row t starts at activations + t * activationRowBytes(format, n).
using MultiplyFn = void (*)(const WeightView& w, size_t rowBegin, size_t rowEnd, const void* activations,
                            size_t tokens, float* y, size_t ldy);

struct KernelEntry {
    ActivationFormat format;
    MultiplyFn multiply;
    size_t rowGranularity;  // the row tile: calls start at multiples of it, so splits never change bits
    const char* name;       // e.g. "q4_0 x q8_0 avx2"
};

// The kernels of one ISA level for `type`, or nullptr when that level has no kernel for it.
const KernelEntry* scalarKernel(TensorType type);
const KernelEntry* avx2Kernel(TensorType type);  // only call when the CPU has AVX2+FMA+F16C

// The kernel of last resort: fp32 activations, each weight row dequantized by the reference's own
// function. Every type the reference can dequantize works through it.
std::unique_ptr<PreparedMatrix> makeDequantizingMatrix(const GgufTensorInfo& tensor);

}  // namespace confidant::inference::cpu::kernels
