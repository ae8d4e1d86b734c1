// The kernel for types without a fast path: activations stay fp32, each weight row is
// dequantized (the reference's own function) and dotted with every activation row.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cpu/kernels/kernel_table.h"
#include "tensor_type.h"

namespace confidant::inference::cpu::kernels {
namespace {

class DequantizingMatrix final : public PreparedMatrix {
public:
    explicit DequantizingMatrix(const GgufTensorInfo& t)
        : m_data(t.data), m_type(t.type), m_rows(t.rows()), m_n(t.dims[0]), m_rowBytes(rowBytes(t.type, t.dims[0])),
          m_name(std::string(tensorTypeName(t.type)) + " x f32 dequantizing") {}

    size_t rows() const override { return m_rows; }
    size_t columns() const override { return m_n; }
    size_t activationRowBytes() const override { return m_n * sizeof(float); }
    size_t residentBytes() const override { return 0; }
    std::string_view kernelName() const override { return m_name; }

    void quantizeActivations(const float* x, size_t rowBegin, size_t rowEnd, void* dst) const override {
        std::memcpy(static_cast<float*>(dst) + rowBegin * m_n, x + rowBegin * m_n, (rowEnd - rowBegin) * m_n * sizeof(float));
    }

    void multiply(size_t rowBegin, size_t rowEnd, const void* activations, size_t tokens, float* y,
                  size_t ldy) const override {
        thread_local std::vector<float> row;
        row.resize(m_n);
        const auto dequantize = traitsOf(m_type).dequantize;
        const float* x = static_cast<const float*>(activations);
        for (size_t i = rowBegin; i < rowEnd; ++i) {
            dequantize(m_data + i * m_rowBytes, row.data(), m_n);
            for (size_t t = 0; t < tokens; ++t) {
                const float* in = x + t * m_n;
                float sum = 0.0f;
                for (size_t j = 0; j < m_n; ++j) sum += row[j] * in[j];
                y[t * ldy + i] = sum;
            }
        }
    }

private:
    const uint8_t* m_data;
    TensorType m_type;
    size_t m_rows, m_n, m_rowBytes;
    std::string m_name;
};

}  // namespace

std::unique_ptr<PreparedMatrix> makeDequantizingMatrix(const GgufTensorInfo& tensor) {
    return std::make_unique<DequantizingMatrix>(tensor);
}

}  // namespace confidant::inference::cpu::kernels
