// The fast CPU backend's matrix products: the contract between the backend (cpu/), which owns
// threads and buffers, and the kernels (cpu/kernels/), which own data layouts and instructions.
//
// Per MatMul op the backend does:
//   1. quantizeActivations(matrix, x, rows [r0, r1), dst)  - any rows split across threads
//   2. barrier
//   3. multiply(matrix, weight rows [i0, i1), activations, tokens, y, ldy) - rows claimed in chunks
// Both steps are pure functions of their arguments (no hidden state, no allocation), so any
// split across threads gives the same result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "gguf_file.h"

namespace confidant::inference::cpu::kernels {

// Instruction-set levels, lowest first. CONFIDANT_CPU_ISA=scalar|avx2|avxvnni|avx512|avx512vnni
// caps the level used, so that tests run every level the machine has. Avx2 means AVX2+FMA+F16C.
// Levels above Avx2 are detected and reported; their matrices use the best kernels implemented
// at or below the level (kernelName() says which).
enum class Isa : uint8_t { Scalar, Avx2, AvxVnni, Avx512, Avx512Vnni };

Isa machineIsa();    // the best level this CPU and OS support
Isa selectedIsa();   // machineIsa() capped by CONFIDANT_CPU_ISA (read once)
std::string_view isaName(Isa isa);
std::optional<Isa> parseIsaName(std::string_view name);  // the inverse of isaName

// A weight matrix ([rows x n] in the file's type) made ready for the kernels: either the mapped
// file bytes themselves or a copy repacked at load time (rows interleaved for the vector units).
class PreparedMatrix {
public:
    virtual ~PreparedMatrix() = default;
    virtual size_t rows() const = 0;
    virtual size_t columns() const = 0;                  // n, the row length
    virtual size_t activationRowBytes() const = 0;       // bytes of one quantized activation row
    virtual size_t residentBytes() const = 0;            // bytes this object allocated (0: reads the mapping)
    // Activation rows [rowBegin, rowEnd) of x ([* x n] fp32, row stride n) into the block format
    // this matrix's dot products take, at dst + r * activationRowBytes().
    virtual void quantizeActivations(const float* x, size_t rowBegin, size_t rowEnd, void* dst) const = 0;
    // y[t * ldy + i] = dot(weight row i, activation row t) for i in [rowBegin, rowEnd) and
    // t in [0, tokens). rowBegin/rowEnd are multiples of rowGranularity() (or rowEnd == rows()).
    virtual void multiply(size_t rowBegin, size_t rowEnd, const void* activations, size_t tokens, float* y,
                          size_t ldy) const = 0;
    virtual size_t rowGranularity() const { return 1; }
    virtual std::string_view kernelName() const = 0;     // e.g. "q4_0 x q8_0 avx2", for bench and tests
};

// Prepares `tensor` (a 2-D matrix; dims[0] is n) for `isa`. Never fails for a type the reference
// can dequantize: types without a fast path get a dequantize-then-fp32 kernel.
std::unique_ptr<PreparedMatrix> prepareMatrix(const GgufTensorInfo& tensor, Isa isa);

}  // namespace confidant::inference::cpu::kernels
