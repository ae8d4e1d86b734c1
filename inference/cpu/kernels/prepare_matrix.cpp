// prepareMatrix: picks, per weight type, the kernel of the best implemented ISA level at or below
// the one asked for, and wraps it with the mapped weights (read in place, nothing allocated).
#include <string>

#include "cpu/kernels/kernel_table.h"

namespace confidant::inference::cpu::kernels {
namespace {

class QuantizedMatrix final : public PreparedMatrix {
public:
    QuantizedMatrix(const GgufTensorInfo& t, const KernelEntry& kernel)
        : m_weights{t.data, size_t(t.rows()), size_t(t.dims[0]), rowBytes(t.type, t.dims[0])}, m_kernel(kernel),
          m_activationRowBytes(kernels::activationRowBytes(kernel.format, m_weights.n)) {}

    size_t rows() const override { return m_weights.rows; }
    size_t columns() const override { return m_weights.n; }
    size_t activationRowBytes() const override { return m_activationRowBytes; }
    size_t residentBytes() const override { return 0; }
    size_t rowGranularity() const override { return m_kernel.rowGranularity; }
    std::string_view kernelName() const override { return m_kernel.name; }

    void quantizeActivations(const float* x, size_t rowBegin, size_t rowEnd, void* dst) const override {
        for (size_t r = rowBegin; r < rowEnd; ++r)
            quantizeActivationRow(m_kernel.format, x + r * m_weights.n, m_weights.n,
                                  static_cast<uint8_t*>(dst) + r * m_activationRowBytes);
    }

    void multiply(size_t rowBegin, size_t rowEnd, const void* activations, size_t tokens, float* y,
                  size_t ldy) const override {
        m_kernel.multiply(m_weights, rowBegin, rowEnd, activations, tokens, y, ldy);
    }

private:
    WeightView m_weights;
    const KernelEntry& m_kernel;
    size_t m_activationRowBytes;
};

const KernelEntry* kernelFor(TensorType type, Isa isa) {
    // AVX-VNNI and AVX-512 machines run the AVX2 kernels (they have no kernels of their own yet).
    if (isa >= Isa::Avx2 && machineIsa() >= Isa::Avx2)
        if (const KernelEntry* k = avx2Kernel(type)) return k;
    return scalarKernel(type);
}

}  // namespace

std::unique_ptr<PreparedMatrix> prepareMatrix(const GgufTensorInfo& tensor, Isa isa) {
    if (const KernelEntry* kernel = kernelFor(tensor.type, isa))
        return std::make_unique<QuantizedMatrix>(tensor, *kernel);
    return makeDequantizingMatrix(tensor);
}

}  // namespace confidant::inference::cpu::kernels
